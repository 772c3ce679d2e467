package io.baton.yarn;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ContainerId;

/**
 * Which executor runs in which container, kept on the cluster's file system ({@code <stagingDir>/containers/
 * <container id>}, holding the executor id) so that a later attempt of the AM can tell whose containers it got
 * back from the ResourceManager: a {@code Container} carries no name of ours. Written just before the AM asks
 * the NodeManager to start an executor's container (so no container an attempt may have started lacks one); a
 * record of a container that has since ended, or never started, is never read (the RM no longer returns it).
 *
 * <p>Blocking file-system calls; thread-safe as Hadoop's {@link FileSystem} is.
 */
final class ContainerRecords {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ContainerRecords.class);
    private final FileSystem fs;
    private final Path dir;

    ContainerRecords(Configuration conf, Path stagingDir) throws IOException {
        this.fs = stagingDir.getFileSystem(conf);
        this.dir = fs.makeQualified(new Path(stagingDir, "containers"));
        fs.mkdirs(dir);
    }

    /** Written to a temporary name and renamed, so a reader never sees half a record. */
    void record(ContainerId container, String executorId) throws IOException {
        Path file = new Path(dir, container.toString());
        Path partial = new Path(dir, "." + container + ".partial");
        try (OutputStream out = fs.create(partial, true)) {
            out.write(executorId.getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(file, false);
        if (!fs.rename(partial, file)) {
            throw new IOException("could not rename " + partial + " to " + file);
        }
    }

    /** Like {@link #record}, logging a failure (for the ResourceManager client's callback thread, before a start). */
    void recordOrLog(ContainerId container, String executorId) {
        try {
            record(container, executorId);
        } catch (IOException e) {
            LOG.error("could not record executor {}'s container {} for later attempts (after an AM restart the next "
                    + "attempt will not know whose it is, give it back, and the executor's tasks end with it): {}",
                    executorId, container, e.toString());
        }
    }

    /** The executor the container was started for, or null when no attempt recorded it. */
    String executorOf(ContainerId container) throws IOException {
        Path file = new Path(dir, container.toString());
        if (!fs.exists(file)) {
            return null;
        }
        try (FSDataInputStream in = fs.open(file)) {
            String id = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return id.isEmpty() ? null : id; // (never written so by record; an empty file names nobody)
        }
    }
}
