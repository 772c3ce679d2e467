package io.baton.yarn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.LocalResource;

/**
 * Where the running attempt of the AM serves, as each attempt publishes it in {@code <stagingDir>/}{@value #FILE}
 * once it has registered (besides the host and framework port it registers with the ResourceManager, which
 * the application report shows): {@code attempt=N}, {@code framework=tcp://HOST:PORT},
 * {@code executors=tcp://HOST:PORT} and {@code web=URL} (empty without a web port), one per line. The
 * submitter prints it; {@code baton} commands point at the framework address.
 *
 * @param attempt the application attempt's number (1, 2, ...)
 */
public record AmAddress(int attempt, String framework, String executors, String web) {
    public static final String FILE = "baton-am.address";

    static AmAddress of(int attempt, AmOptions o) {
        return new AmAddress(attempt, "tcp://" + o.advertisedHost() + ":" + o.frameworkPort(),
                "tcp://" + o.advertisedHost() + ":" + o.executorPort(), o.trackingUrl());
    }

    /**
     * Writes the executors' address ({@code tcp://HOST:PORT}) to {@code <stagingDir>/executors.address.N} and
     * returns it as the resource every executor container gets linked as {@code baton-am.address.N}
     * ({@link ExecutorCommands#ADDRESS_LINK}): new containers at launch, kept ones when this attempt takes them over.
     */
    Map<String, LocalResource> publishForExecutors(Configuration conf, Path stagingDir) throws IOException {
        FileSystem fs = stagingDir.getFileSystem(conf);
        Path file = new Path(stagingDir, "executors.address." + attempt);
        try (OutputStream out = fs.create(file, true)) {
            out.write((executors + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return Map.of(ExecutorCommands.ADDRESS_LINK + "." + attempt, TokenResource.resource(fs, file));
    }

    /** Replaces the file in {@code stagingDir} (written aside, then renamed, so a reader never sees half). */
    void publish(Configuration conf, Path stagingDir) throws IOException {
        FileSystem fs = stagingDir.getFileSystem(conf);
        Path file = new Path(stagingDir, FILE);
        Path aside = new Path(stagingDir, FILE + "." + attempt + ".tmp");
        try (OutputStream out = fs.create(aside, true)) {
            out.write(("attempt=" + attempt + "\nframework=" + framework + "\nexecutors=" + executors + "\nweb=" + web
                    + "\n").getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(file, false);
        if (!fs.rename(aside, file)) {
            throw new IOException("could not rename " + aside + " to " + file);
        }
    }

    /** The address the latest attempt published in {@code stagingDir}, or null when none has yet. */
    public static AmAddress read(Configuration conf, Path stagingDir) throws IOException {
        FileSystem fs = stagingDir.getFileSystem(conf);
        Path file = new Path(stagingDir, FILE);
        if (!fs.exists(file)) {
            return null;
        }
        Map<String, String> values = new HashMap<>();
        try (FSDataInputStream in = fs.open(file)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        }
        String attempt = values.get("attempt");
        if (attempt == null || values.get("framework") == null) {
            throw new IOException(file + " is not an AM address file (no attempt= or framework= line): " + values);
        }
        return new AmAddress(Integer.parseInt(attempt), values.get("framework"), values.get("executors"),
                values.getOrDefault("web", ""));
    }

    @Override
    public String toString() {
        return "attempt " + attempt + ": frameworks at " + framework + ", executors at " + executors
                + (web.isEmpty() ? "" : ", live view at " + web);
    }
}
