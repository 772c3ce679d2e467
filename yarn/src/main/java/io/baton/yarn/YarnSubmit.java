package io.baton.yarn;

import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * {@code bin/baton-yarn submit}: submits Baton's ApplicationMaster to a YARN cluster with {@link BatonYarnClient}
 * (the AM's class path is this JVM's: the yarn module's jar and its runtime dependencies, the shaded Hadoop client
 * among them; the executors' jar is shipped likewise), waits until the AM serves and every executor subscribed,
 * then writes the AM's framework address and the application's token to local files for {@code baton ... --address
 * HOST:PORT --token-file FILE}.
 *
 * <pre>
 * --conf-dir DIR --executor-jar JAR --executor ID ... [--executor-size MEMORY_MB:VCORES] [--executor-main CLASS]
 * [--total RESOURCES] [--name NAME] [--staging URI] [--heartbeat-ms N] [--java PATH] [--out-dir DIR]
 * </pre>
 */
public final class YarnSubmit {
    static final String USAGE = "--conf-dir DIR --executor-jar JAR --executor ID [--executor ID ...] "
            + "[--executor-size MEMORY_MB:VCORES] [--executor-main CLASS] [--total RESOURCES] [--name NAME] "
            + "[--staging URI] [--heartbeat-ms N] [--java PATH] [--out-dir DIR]";
    /** Chronicle Queue's flags on Java 17 (the executors' journal), as bin/baton's. */
    static final List<String> JVM_FLAGS = List.of("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true");

    private YarnSubmit() {
    }

    public static void main(String[] args) throws Exception {
        io.baton.shim.ConsoleText.install(); // no UTF-8 locale: "-" for "—", not "?"
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("baton-yarn submit: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            submit(o);
        } catch (IOException e) {
            System.err.println("baton-yarn submit: " + e.getMessage());
            System.exit(1);
        }
    }

    /** The parsed command line; bad input fails with {@link IllegalArgumentException} naming the option. */
    record Options(Path confDir, Path executorJar, List<String> executors, YarnSize size, String main, String total,
            String name, String staging, long heartbeatMs, String java, Path outDir) {

        static Options parse(String... args) {
            Path confDir = null;
            Path jar = null;
            List<String> executors = new ArrayList<>();
            String size = "512:1";
            String main = "io.baton.samples.worker.WorkerExecutor";
            String total = "cpus:8;mem:8192";
            String name = "baton";
            String staging = null;
            String heartbeat = "100";
            String java = ProcessHandle.current().info().command().orElse("java");
            Path outDir = Path.of(".");
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " has no value; usage: " + USAGE);
                }
                String v = args[i + 1];
                switch (args[i]) {
                    case "--conf-dir" -> confDir = Path.of(v);
                    case "--executor-jar" -> jar = Path.of(v);
                    case "--executor" -> executors.add(v);
                    case "--executor-size" -> size = v;
                    case "--executor-main" -> main = v;
                    case "--total" -> total = v;
                    case "--name" -> name = v;
                    case "--staging" -> staging = v;
                    case "--heartbeat-ms" -> heartbeat = v;
                    case "--java" -> java = v;
                    case "--out-dir" -> outDir = Path.of(v);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: " + USAGE);
                }
            }
            if (confDir == null || !Files.isDirectory(confDir)) {
                throw new IllegalArgumentException("--conf-dir must name the cluster's Hadoop configuration directory "
                        + "(core-site.xml, yarn-site.xml), got " + confDir + "; usage: " + USAGE);
            }
            if (jar == null || !Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("--executor-jar must name the executors' jar (e.g. cli/target/"
                        + "baton.jar), got " + jar);
            }
            if (executors.isEmpty()) {
                throw new IllegalArgumentException("at least one --executor ID is needed; usage: " + USAGE);
            }
            String[] parts = size.split(":", -1);
            YarnSize s;
            try {
                s = new YarnSize(Long.parseLong(parts[0]), parts.length == 2 ? Integer.parseInt(parts[1]) : -1);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--executor-size '" + size + "' must be MEMORY_MB:VCORES, e.g. 512:1");
            }
            if (parts.length != 2 || s.memoryMb() < 1 || s.vcores() < 1) {
                throw new IllegalArgumentException("--executor-size '" + size + "' must be MEMORY_MB:VCORES with both at "
                        + "least 1, e.g. 512:1");
            }
            return new Options(confDir, jar, List.copyOf(executors), s, main, total, name, staging,
                    Long.parseLong(heartbeat), java, outDir);
        }
    }

    /** Hadoop's defaults plus every {@code *-site.xml} in {@code confDir} (as HADOOP_CONF_DIR is read). */
    static YarnConfiguration configuration(Path confDir) throws IOException {
        YarnConfiguration conf = new YarnConfiguration();
        try (var files = Files.list(confDir)) {
            for (Path f : (Iterable<Path>) files.filter(f -> f.toString().endsWith("-site.xml")).sorted()::iterator) {
                conf.addResource(new org.apache.hadoop.fs.Path(f.toAbsolutePath().toUri()));
            }
        }
        return conf;
    }

    static void submit(Options o) throws IOException, InterruptedException {
        YarnConfiguration conf = configuration(o.confDir());
        String staging = o.staging() != null ? o.staging()
                : FileSystem.get(conf).makeQualified(new org.apache.hadoop.fs.Path(FileSystem.get(conf)
                        .getHomeDirectory(), ".baton")).toString();
        List<Path> amFiles = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) {
                amFiles.add(Path.of(e));
            }
        }
        List<String> amArgs = new ArrayList<>(List.of("--framework-port", "any", "--executor-port", "any",
                "--web-port", "any", "--heartbeat-ms", Long.toString(o.heartbeatMs()), "--total", o.total(),
                "--executor-java", o.java(), "--executor-main", o.main()));
        for (String id : o.executors()) {
            amArgs.addAll(List.of("--executor", id + ":" + o.size().memoryMb() + ":" + o.size().vcores()));
        }
        List<String> executorFlags = new ArrayList<>(JVM_FLAGS);
        executorFlags.add("-Xmx" + Math.max(64, o.size().memoryMb() / 2) + "m");
        // the container holds the executor's own share when it runs no task
        executorFlags.add("-Dbaton.executor.overhead=cpus:" + o.size().vcores() + ";mem:" + o.size().memoryMb());
        executorFlags.forEach(f -> amArgs.addAll(List.of("--executor-jvm-flag", f)));
        List<String> amFlags = new ArrayList<>(JVM_FLAGS);
        amFlags.add("-Xmx256m");
        try (YarnClient client = YarnClient.createYarnClient()) {
            client.init(conf);
            client.start();
            BatonYarnClient.Submitted app = BatonYarnClient.submit(client, conf, new BatonYarnClient.Submission(
                    o.name(), staging, amFiles, o.java(), amFlags, new YarnSize(768, 1), amArgs, 2,
                    List.of(o.executorJar())));
            System.out.println("submitted " + app.application() + "; staging " + app.stagingDir());
            ApplicationReport r = BatonYarnClient.awaitAttempt(client, app.application(), 1, Duration.ofMinutes(2));
            String address = r.getHost() + ":" + r.getRpcPort();
            Files.createDirectories(o.outDir());
            Path token = o.outDir().resolve("baton-yarn.token");
            copyToken(conf, app, token);
            write(o.outDir().resolve("baton-yarn.address"), address + "\n");
            write(o.outDir().resolve("baton-yarn.application"), app.application() + "\n");
            System.out.println("the AM serves frameworks at " + address + " (in " + o.outDir().resolve(
                    "baton-yarn.address") + "); the application's token is in " + token);
            System.out.println("its live view (also linked from YARN's web UI): " + r.getOriginalTrackingUrl());
            awaitExecutors(r.getHost(), r.getRpcPort(), token, o.executors());
            System.out.println("executors subscribed: " + String.join(", ", o.executors()));
        }
    }

    private static void copyToken(YarnConfiguration conf, BatonYarnClient.Submitted app, Path to) throws IOException {
        org.apache.hadoop.fs.Path from = new org.apache.hadoop.fs.Path(app.stagingDir(), ExecutorCommands.TOKEN_LINK);
        Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (InputStream in = from.getFileSystem(conf).open(from)) {
            Files.write(tmp, in.readAllBytes());
        }
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Waits (2 min at most) until every executor has subscribed to the AM. */
    private static void awaitExecutors(String host, int port, Path token, List<String> ids)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String last = "no state yet";
        try (BatonClient c = BatonClient.connect(ClientOptions.tcp(host, port).tokenFile(token).name("baton-yarn")
                .build())) {
            while (System.nanoTime() < deadline) {
                NodeState s = c.state().get(10, TimeUnit.SECONDS);
                List<String> up = s.getExecutorsList().stream().filter(ExecutorState::getConnected)
                        .map(e -> e.getExecutorId().getValue()).toList();
                if (up.containsAll(ids)) {
                    return;
                }
                last = "subscribed: " + up;
                Thread.sleep(200);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("could not read the AM's state at " + host + ":" + port + ": " + e, e);
        } catch (RuntimeException e) {
            throw new IOException("could not reach the AM at " + host + ":" + port + ": " + e.getMessage(), e);
        }
        throw new IOException("not every executor of " + ids + " subscribed within 2 min (" + last + "); see the "
                + "containers' executor.err in YARN's logs");
    }
}
