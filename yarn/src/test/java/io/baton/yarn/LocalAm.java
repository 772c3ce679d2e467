package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.NodeReport;
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
        return executor(id, size, WorkerExecutor.class.getName(), "");
    }

    /**
     * Executor {@code main} with the test JVM's class path and Baton's JVM flags, a 128 MB heap, and {@code size}
     * plus {@code ledgerOnly} (resources YARN does not see, e.g. {@code ;ports:[31005-31005]}) as its overhead.
     */
    static ExecutorLaunch executor(String id, YarnSize size, String main, String ledgerOnly) {
        List<String> flags = javaFlags("-Xmx128m");
        flags.add("-Dbaton.executor.overhead=cpus:" + size.vcores() + ";mem:" + size.memoryMb() + ledgerOnly);
        return new ExecutorLaunch(id, size, java(), flags, System.getProperty("java.class.path"), main);
    }

    /**
     * {@code launch} with only the jars of its class path (the test JVM's classes directories left out): a class-data
     * archive can be made of it ({@code ClassDataArchive}), as of a class path the NodeManager localised.
     */
    static ExecutorLaunch jarsOnly(ExecutorLaunch launch, String... moreFlags) {
        String jars = java.util.Arrays.stream(launch.classpath().split(java.io.File.pathSeparator))
                .filter(e -> e.endsWith(".jar")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
        List<String> flags = new ArrayList<>(launch.jvmFlags());
        flags.addAll(List.of(moreFlags));
        return new ExecutorLaunch(launch.executorId(), launch.size(), launch.java(), flags, jars, launch.mainClass());
    }

    /** This JVM's java binary. */
    static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    /** Baton's JVM flags (from the build) and {@code more}. */
    static List<String> javaFlags(String... more) {
        List<String> flags = new ArrayList<>(List.of(System.getProperty("baton.jvm.flags", "").trim().split("\\s+")));
        flags.removeIf(String::isEmpty);
        flags.addAll(List.of(more));
        return flags;
    }

    /** Runs the sample worker {@code id} in a container of {@code size} and waits until it subscribed. */
    Container startExecutor(String id, YarnSize size) throws Exception {
        return startExecutor(worker(id, size));
    }

    /** Runs the executor in a container of its own and waits until it subscribed. */
    Container startExecutor(ExecutorLaunch launch) throws Exception {
        Container c = am.launch(launch).get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> connected(launch.executorId()));
        assertThat(executor(am.shim().state(), launch.executorId()).orElseThrow().getContainer())
                .isEqualTo("yarn:" + c.getId());
        return c;
    }

    /** A framework connected to this AM over TCP with the application's token; the caller closes it. */
    BatonClient framework(Consumer<TaskStatus> updates) throws Exception {
        return BatonClient.connect(ClientOptions.tcp("127.0.0.1", frameworkPort).token(token).build(), updates);
    }

    /** An offer of {@code resources} on the node of the executor holding {@code task} (for a replacement of it). */
    static String offerNear(BatonClient fw, String task, String resources) throws Exception {
        return BatonClient.offerIds(fw.offersNear(task, Resources.parse(resources)).get(10, TimeUnit.SECONDS)).get(0);
    }

    /** Launches the task onto the executor with an offer of exactly its resources; waits until it is accepted. */
    static void launch(BatonClient fw, String executor, TaskInfo task) throws Exception {
        List<String> offers = BatonClient.offerIds(fw.offersOn(executor, Resources.fromProto(task.getResourcesList()))
                .get(10, TimeUnit.SECONDS));
        fw.launch(executor, task, offers).get(30, TimeUnit.SECONDS);
    }

    static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    /** The task's latest state in the AM's STATE, or null when the executor does not hold it. */
    static TaskState taskState(LocalAm local, String executor, String task) throws Exception {
        return executor(local.am.shim().state(), executor).orElseThrow().getTasksList().stream()
                .filter(t -> t.getTaskId().getValue().equals(task)).findFirst().map(TaskStatus::getState)
                .orElse(null);
    }

    /**
     * Baton's ledger (the only executor's limits; no reservation is live) mapped by YarnResources is {@code size},
     * and so are the AM's view of the container, the RM's container report and the RM's used resources of its
     * node; the other node is idle (within 10 s: the RM's reports follow its scheduler).
     */
    void assertRmEqualsLedger(YarnClient client, Container c, YarnSize size) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            NodeState state = am.shim().state();
            assertThat(state.getReservationsCount()).isZero();
            ExecutorState e = state.getExecutors(0);
            assertThat(YarnResources.size(Resources.fromProto(e.getLimitsList()))).as("Baton's ledger").isEqualTo(size);
            assertThat(am.containerSize(c.getId())).as("the AM's view").isEqualTo(size);
            assertThat(YarnResources.size(client.getContainerReport(c.getId()).getAllocatedResource()))
                    .as("the RM's container").isEqualTo(size);
            for (NodeReport node : client.getNodeReports(org.apache.hadoop.yarn.api.records.NodeState.RUNNING)) {
                YarnSize used = node.getNodeId().equals(c.getNodeId()) ? size : YarnSize.ZERO;
                assertThat(YarnResources.size(node.getUsed())).as("the RM's node %s", node.getNodeId()).isEqualTo(used);
            }
        });
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
        return containerDir(yarn, id, true);
    }

    /** The container's log directory (its {@code <LOG_DIR>}: executor.out, executor.err). */
    static Path containerLogDir(LocalYarn yarn, Container container) throws IOException {
        return containerDir(yarn, container.getId().toString(), false);
    }

    /** The directory named {@code id} under an {@code appcache} (its work directory) or a {@code -logDir-}. */
    private static Path containerDir(LocalYarn yarn, String id, boolean work) throws IOException {
        // walked with a visitor that skips what vanishes meanwhile (the NodeManagers delete token files as they go)
        Path[] found = new Path[1];
        Files.walkFileTree(yarn.cluster().getTestWorkDir().toPath(), new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                    java.nio.file.attribute.BasicFileAttributes attrs) {
                if (dir.getFileName().toString().equals(id) && dir.toString().contains(work ? "appcache" : "-logDir-")) {
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
            throw new AssertionError("no " + (work ? "work" : "log") + " directory of container " + id);
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

    /**
     * A JVM on this machine whose main class is {@code mainClass} and whose option {@code option} is {@code value}; not
     * the training JVM an executor starts for its class-data archive ({@code ClassDataTraining}, same arguments).
     */
    static Optional<ProcessHandle> jvm(String mainClass, String option, String value) {
        return ProcessHandle.allProcesses().filter(p -> {
            List<String> args = cmdline(p.pid());
            int i = args.indexOf(option);
            return args.contains(mainClass) && i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(value)
                    && !args.contains("io.baton.sdk.runtime.ClassDataTraining");
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
