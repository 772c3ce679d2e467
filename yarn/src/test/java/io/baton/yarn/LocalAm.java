package io.baton.yarn;

import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.client.api.YarnClient;

/**
 * A Baton AM running in the test's JVM as the unmanaged AM of a new application on a {@link LocalYarn},
 * listening on 127.0.0.1, with helpers to run the sample {@link WorkerExecutor} in containers.
 */
final class LocalAm implements AutoCloseable {
    final UnmanagedAttempt attempt;
    final BatonApplicationMaster am;
    final String token;
    final int frameworkPort;

    private LocalAm(UnmanagedAttempt attempt, BatonApplicationMaster am, String token, int frameworkPort) {
        this.attempt = attempt;
        this.am = am;
        this.token = token;
        this.frameworkPort = frameworkPort;
    }

    static LocalAm start(LocalYarn yarn, YarnClient client, Path dir, String name) throws Exception {
        return start(yarn, client, dir, name, AmOptions.DEFAULT_RESERVE_TIMEOUT_MS);
    }

    static LocalAm start(LocalYarn yarn, YarnClient client, Path dir, String name, long reserveTimeoutMs)
            throws Exception {
        UnmanagedAttempt attempt = UnmanagedAttempt.submit(client, name, Duration.ofSeconds(30));
        int[] ports = freePorts(3);
        AmOptions options = new AmOptions(dir.resolve("am"), dir.resolve("staging").toUri().toString(),
                Resources.parse("cpus:8;mem:8192;ports:[31000-31999]"), "127.0.0.1", "127.0.0.1", ports[0], ports[1],
                LocalYarn.AM_HEARTBEAT_MS, reserveTimeoutMs, ports[2]);
        BatonApplicationMaster am = new BatonApplicationMaster(yarn.config(), options, attempt.user()).start();
        String token = Files.readString(dir.resolve("am/baton.token")).trim();
        return new LocalAm(attempt, am, token, ports[0]);
    }

    /**
     * The sample worker executor, with the test JVM's class path and Baton's JVM flags, a 128 MB heap, and
     * {@code size} as its overhead: the container starts as the executor's envelope with no tasks, so the AM
     * keeps it at that size until tasks come.
     */
    static ExecutorLaunch worker(String id, YarnSize size) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> flags = new ArrayList<>(List.of(System.getProperty("baton.jvm.flags", "").trim().split("\\s+")));
        flags.removeIf(String::isEmpty);
        flags.add("-Xmx128m");
        flags.add("-Dbaton.executor.overhead=cpus:" + size.vcores() + ";mem:" + size.memoryMb());
        return new ExecutorLaunch(id, size, java, flags, System.getProperty("java.class.path"),
                WorkerExecutor.class.getName());
    }

    /** Whether executor {@code id} is subscribed to the AM right now. */
    boolean connected(String id) throws Exception {
        return executor(am.shim().state(), id).map(ExecutorState::getConnected).orElse(false);
    }

    static Optional<ExecutorState> executor(NodeState state, String id) {
        return state.getExecutorsList().stream().filter(e -> e.getExecutorId().getValue().equals(id)).findFirst();
    }

    /** The container's work directory under the NodeManagers' local dirs of the cluster. */
    static Path containerWorkDir(LocalYarn yarn, Container container) throws IOException {
        return containerWorkDir(yarn, container.getId().toString());
    }

    static Path containerWorkDir(LocalYarn yarn, String id) throws IOException {
        // walked with a visitor that skips what vanishes meanwhile (the NodeManagers delete token files as they go)
        Path[] found = new Path[1];
        Files.walkFileTree(yarn.cluster().getTestWorkDir().toPath(), new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                    java.nio.file.attribute.BasicFileAttributes attrs) {
                if (dir.getFileName().toString().equals(id) && dir.toString().contains("appcache")) {
                    found[0] = dir;
                    return java.nio.file.FileVisitResult.TERMINATE;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        if (found[0] == null) {
            throw new AssertionError("no work directory of container " + id);
        }
        return found[0];
    }

    /**
     * The JVM of executor {@code id} on this machine (its command line names its id). Read from
     * /proc/PID/cmdline: {@code ProcessHandle.Info.arguments()} is empty for command lines as long as the
     * test class path makes them.
     */
    static Optional<ProcessHandle> executorJvm(String id) {
        return jvm(WorkerExecutor.class.getName(), "--id", id);
    }

    /** A JVM on this machine whose main class is {@code mainClass} and whose option {@code option} is {@code value}. */
    static Optional<ProcessHandle> jvm(String mainClass, String option, String value) {
        return ProcessHandle.allProcesses().filter(p -> {
            List<String> args = cmdline(p.pid());
            int i = args.indexOf(option);
            return args.contains(mainClass) && i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(value);
        }).findFirst();
    }

    static List<String> cmdline(long pid) {
        try {
            String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8);
            return List.of(raw.split("\0"));
        } catch (IOException e) {
            return List.of(); // gone, or not ours to read
        }
    }

    static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    @Override
    public void close() {
        am.close();
    }
}
