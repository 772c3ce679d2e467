package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorState;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.ContainerReport;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AM killed with SIGKILL comes back: {@link BatonYarnClient} submits it as a managed AM (its own container,
 * its jars — the shaded Hadoop client among them — shipped as LocalResources), it starts an executor, a framework
 * launches a task; the AM's JVM is killed; YARN starts attempt 2 with the executor's container kept. Attempt 2 serves
 * on other ports (all given as 'any'): the framework finds it in the RM's application report, the executor in the
 * address file attempt 2 had the NodeManager localize into its container; it re-subscribes with its task, and a
 * framework connected to attempt 2 sees the task RUNNING.
 *
 * <p>The AM dies with a replacement in flight: a STOP_THEN_START whose new task never starts, the container already
 * grown for it and the old task stopped. The replacement ends once, ROLLED_BACK (the start timeout), wherever the
 * AM is by then: a framework of attempt 2 that sends the same REPLACE again gets that one outcome, every final
 * update it sees says the same, the old task runs again and the grant is back with the ResourceManager. Then a
 * replacement in attempt 2 grows the kept container, which attempt 2's {@code NMClientAsync} did not start (the
 * increase goes to the NodeManager directly, {@link KeptContainers}), and commits. After each, the RM's size of the
 * container equals the ledger's.
 *
 * <p>A second executor, w2, is stopped (SIGSTOP) before the AM dies, so it never re-subscribes to attempt 2: at
 * attempt 2's adopt timeout (20 s here) its container goes back to the RM and w2 starts again in a new container.
 */
@Tag("integration")
class AmRestartIT {
    private static final String AM_MAIN = BatonApplicationMaster.class.getName();
    /** Long enough for attempt 2 to be up and the executor back before the replacement in flight rolls back. */
    private static final long START_TIMEOUT_MS = 60_000;

    @TempDir
    Path tmp;

    @Test
    void anAmKilledWithSigkillComesBackAsAttemptTwoWithItsExecutorAndTask() throws Exception {
        // 8 vcores a node: the AM, w1 (2 vcores with its task) and w2 may share one node, and the CapacityScheduler
        // grants no increase at all, not even a memory-only one, on a node with a resource used up (seen here: the
        // kept container's increase pending until the reserve timeout on a node with 0 vcores free)
        try (LocalYarn yarn = LocalYarn.start("am-restart-it",
                conf -> conf.setInt(org.apache.hadoop.yarn.conf.YarnConfiguration.NM_VCORES, 8));
                YarnClient client = yarn.newClient()) {
            String staging = tmp.resolve("staging").toUri().toString();
            BatonYarnClient.Submitted submitted = BatonYarnClient.submit(client, yarn.config(),
                    new BatonYarnClient.Submission("am-restart-it", staging, amFiles(), java(),
                            amJvmFlags(), new YarnSize(768, 1), amArgs(), 2, executorFiles()));
            ApplicationId app = submitted.application();
            BatonClient[] watcher = {null}; // a framework on attempt 2 from its start, hearing every update
            try {
                ApplicationReport first = BatonYarnClient.awaitAttempt(client, app, 1, Duration.ofSeconds(120));
                AmAddress one = awaitAddress(yarn, submitted, 1);
                // the RM's report and the published address agree (the ports were 'any': the AM chose them)
                assertThat(one.framework()).isEqualTo("tcp://" + first.getHost() + ":" + first.getRpcPort());
                assertThat(first.getHost()).isEqualTo("127.0.0.1");
                assertThat(first.getOriginalTrackingUrl()).isEqualTo(one.web()).startsWith("http://127.0.0.1:");
                String token = Files.readString(Path.of(submitted.stagingDir().toUri())
                        .resolve(ExecutorCommands.TOKEN_LINK)).trim();
                ProcessHandle am1 = LocalAm.jvm(AM_MAIN, "--staging-dir", submitted.stagingDir().toString())
                        .orElseThrow(() -> new AssertionError("no AM JVM with --staging-dir " + submitted.stagingDir()));

                // attempt 1: the executors subscribe, a framework launches a task on w1
                String w1Container;
                String w2Container;
                try (BatonClient framework = connect(first, token)) {
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                            .until(() -> connected(framework, "w1") && connected(framework, "w2"));
                    w1Container = containerOf(framework, "w1");
                    w2Container = containerOf(framework, "w2");
                    BlockingQueue<TaskStatus> updates = new LinkedBlockingQueue<>();
                    framework.onUpdate(updates::add);
                    Resources wanted = Resources.parse("cpus:0.5;mem:64");
                    List<String> offers = BatonClient.offerIds(framework.offersOn("w1", wanted).get(10, TimeUnit.SECONDS));
                    TaskInfo task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1")).setName("t1")
                            .addAllResources(wanted.toProto()).build();
                    framework.launch("w1", task, offers).get(30, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(30)).until(() -> seen(updates, "t1", TaskState.TASK_RUNNING));
                    // and u1 on w2, which will never come back to attempt 2: the AM records it for a later attempt
                    framework.launch("w2", TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("u1"))
                            .setName("u1").addAllResources(wanted.toProto()).build(), BatonClient.offerIds(
                                    framework.offersOn("w2", wanted).get(10, TimeUnit.SECONDS))).get(30, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(30)).until(() -> seen(updates, "u1", TaskState.TASK_RUNNING));
                    Path record = Path.of(submitted.stagingDir().toUri()).resolve("tasks").resolve("w2");
                    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(record)
                            && Files.readString(record).equals("u1"));

                    // a replacement in flight: the container grows for it (KILLING is sent once the RESERVE is
                    // answered), the old task stops, the new one hangs
                    framework.replace(inFlight(framework));
                    await().atMost(Duration.ofSeconds(60)).until(() -> seen(updates, "t1", TaskState.TASK_KILLING));
                    assertRmEqualsLedger(client, framework, "w1");
                    assertThat(rmSize(client, w1Container)).as("grown for the replacement")
                            .isEqualTo(new YarnSize(576 + 128, 2));
                }
                ProcessHandle w1 = LocalAm.executorJvm("w1").orElseThrow();
                // its class path is the jars YARN linked into its container, not paths on this host
                List<String> w1Args = LocalAm.cmdline(w1.pid());
                assertThat(w1Args.get(w1Args.indexOf("-cp") + 1)).doesNotContain("/").contains("baton-sdk-");
                // w2 will not re-subscribe to attempt 2: its JVM is stopped (SIGSTOP) before the AM dies
                ProcessHandle w2 = LocalAm.executorJvm("w2").orElseThrow();
                signal("STOP", w2.pid());

                // SIGKILL the AM's JVM: YARN starts attempt 2 in a new container, the executor's container kept
                long killedAt = System.nanoTime();
                assertThat(am1.destroyForcibly()).isTrue();
                am1.onExit().get(10, TimeUnit.SECONDS);
                ApplicationReport second = BatonYarnClient.awaitAttempt(client, app, 2, Duration.ofSeconds(120));
                long registeredMs = (System.nanoTime() - killedAt) / 1_000_000;
                assertThat(second.getCurrentApplicationAttemptId().getAttemptId()).isEqualTo(2);
                AmAddress two = awaitAddress(yarn, submitted, 2);
                assertThat(two.framework()).isEqualTo("tcp://" + second.getHost() + ":" + second.getRpcPort());
                BlockingQueue<TaskStatus> heardOnTwo = new LinkedBlockingQueue<>();
                watcher[0] = connect(second, token);
                watcher[0].onUpdate(heardOnTwo::add);
                // attempt 2 serves elsewhere: the executor can only find it through its address file
                assertThat(two.executors()).isNotEqualTo(one.executors());
                Path linked = LocalAm.containerWorkDir(yarn, w1Container).resolve(ExecutorCommands.ADDRESS_LINK + ".2");
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(linked)); // localized asynchronously
                assertThat(Files.readString(linked).trim()).isEqualTo(two.executors());
                ProcessHandle am2 = LocalAm.jvm(AM_MAIN, "--staging-dir", submitted.stagingDir().toString())
                        .orElseThrow();
                assertThat(am2.pid()).isNotEqualTo(am1.pid());
                // attempt 2 removed the directory attempt 1 left in --work-dir (same host), and made its own
                try (var dirs = Files.list(tmp.resolve("am"))) {
                    assertThat(dirs.map(d -> d.getFileName().toString()).toList())
                            .noneMatch(n -> n.startsWith(AttemptDirs.prefix(1)))
                            .anyMatch(n -> n.startsWith(AttemptDirs.prefix(2)));
                }

                // the executor's JVM and container ran on; it re-subscribed to attempt 2 with its task
                List<TaskStatus> finals = new java.util.concurrent.CopyOnWriteArrayList<>();
                try (BatonClient framework = connect(second, token)) {
                    framework.onUpdate(u -> {
                        if (u.getReplacementId().getValue().length() > 0
                                && u.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED) {
                            finals.add(u);
                        }
                    });
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                            .until(() -> connected(framework, "w1"));
                    long resubscribedMs = (System.nanoTime() - killedAt) / 1_000_000;
                    ExecutorState w1State = LocalAm.executor(framework.state().get(10, TimeUnit.SECONDS), "w1")
                            .orElseThrow();
                    assertThat(w1State.getContainer()).isEqualTo("yarn:" + w1Container);
                    System.out.printf("AmRestartIT: attempt 2 registered %d ms after the SIGKILL, w1 re-subscribed "
                            + "after %d ms%n", registeredMs, resubscribedMs);
                    // it re-subscribed with the replacement in flight: attempt 2's ledger holds its reservation (the
                    // pool, which the kept container already holds), not the stopped old task
                    assertThat(framework.state().get(10, TimeUnit.SECONDS).getReservationsList())
                            .as("attempt 2's reservations").singleElement().satisfies(r -> {
                                assertThat(r.getReplacementId().getValue()).isEqualTo("across");
                                assertThat(r.getExecutorId().getValue()).isEqualTo("w1");
                                assertThat(Resources.fromProto(r.getPoolList()))
                                        .isEqualTo(Resources.parse("cpus:1;mem:192"));
                            });
                    assertThat(w1State.getTasksList()).extracting(t -> t.getTaskId().getValue()).doesNotContain("t1");
                    assertRmEqualsLedger(client, framework, "w1");

                    // the replacement in flight ends once: the same REPLACE sent to attempt 2 gets its outcome
                    ReplaceOutcome across = framework.replace(inFlight(framework)).outcome().get(90, TimeUnit.SECONDS);
                    assertThat(across.outcome()).as(across.status().getMessage())
                            .isEqualTo(ReplacementOutcome.ROLLED_BACK);
                    await().atMost(Duration.ofSeconds(30)).until(() -> finals.stream()
                            .anyMatch(u -> u.getReplacementId().getValue().equals("across")));
                    assertThat(finals).filteredOn(u -> u.getReplacementId().getValue().equals("across"))
                            .extracting(TaskStatus::getOutcome).containsOnly(ReplacementOutcome.ROLLED_BACK);
                    List<TaskStatus> reconciled = framework.reconcile("t1", "t2").get(10, TimeUnit.SECONDS);
                    assertThat(reconciled).filteredOn(u -> u.getTaskId().getValue().equals("t1"))
                            .extracting(TaskStatus::getState).containsExactly(TaskState.TASK_ROLLED_BACK);
                    assertThat(reconciled).filteredOn(u -> u.getTaskId().getValue().equals("t2"))
                            .extracting(TaskStatus::getState).as("the new task does not run")
                            .doesNotContain(TaskState.TASK_RUNNING, TaskState.TASK_STARTING);
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertThat(LocalAm.executor(framework.state().get(10, TimeUnit.SECONDS), "w1").orElseThrow()
                                .getLimitsList()).isNotEmpty();
                        assertRmEqualsLedger(client, framework, "w1");
                        assertThat(rmSize(client, w1Container)).as("the grant given back")
                                .isEqualTo(new YarnSize(576, 2));
                    });

                    // attempt 2 grows the container an earlier attempt started
                    // (memory only: the node may have no vcore left, its 4 shared by the AM, w1 and w2)
                    String offer = LocalAm.offerNear(framework, "t1", "cpus:0.5;mem:192");
                    ReplaceOutcome grown = framework.replace(ReplaceSpec.of("t1", LocalAm.task("t3", "cpus:1;mem:256"),
                            offer).withReplacementId("grow-kept")).outcome().get(60, TimeUnit.SECONDS);
                    assertThat(grown.outcome()).as(grown.status().getMessage()).isEqualTo(ReplacementOutcome.COMMITTED);
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertRmEqualsLedger(client, framework, "w1");
                        assertThat(rmSize(client, w1Container)).isEqualTo(new YarnSize(768, 2));
                    });
                }
                assertThat(w1.isAlive()).isTrue();
                assertThat(LocalAm.executorJvm("w1").orElseThrow().pid()).isEqualTo(w1.pid());
                ContainerReport kept = client.getContainerReport(
                        org.apache.hadoop.yarn.api.records.ContainerId.fromString(w1Container));
                assertThat(kept.getContainerState()).isEqualTo(ContainerState.RUNNING);

                // w2 stayed silent past attempt 2's adopt timeout: its container went back to the RM (the stopped
                // JVM with it) and w2 was started again in a new container, where it subscribed afresh
                try (BatonClient framework = connect(second, token)) {
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                            .until(() -> connected(framework, "w2") && !containerOf(framework, "w2").equals(w2Container));
                }
                // w2's task, known to attempt 2 only from attempt 1's record, ended TASK_LOST with the reason (and,
                // acknowledged by the framework, is forgotten as any ended task)
                TaskStatus u1 = heardOnTwo.stream().filter(u -> u.getTaskId().getValue().equals("u1")).findFirst()
                        .orElseThrow(() -> new AssertionError("no update of u1 from attempt 2: " + heardOnTwo));
                assertThat(u1.getState()).isEqualTo(TaskState.TASK_LOST);
                assertThat(u1.getMessage()).contains("executor w2 did not re-subscribe to attempt 2");
                assertThat(u1.getExecutorId().getValue()).isEqualTo("w2");
                await().atMost(Duration.ofSeconds(30)).until(() -> !w2.isAlive());
                assertThat(rmState(client, w2Container)).as("w2's first container in the RM")
                        .isIn(ContainerState.COMPLETE, null);
            } finally {
                if (watcher[0] != null) {
                    watcher[0].close();
                }
                keepLogs(yarn);
                client.killApplication(app);
            }
        }
    }

    /**
     * t1 → t2, STOP_THEN_START, with an offer (the container grows by it before t1 stops); t2 never starts
     * ("hang"), so the replacement rolls back at the start timeout, {@link #START_TIMEOUT_MS} after t2's launch.
     */
    private static ReplaceSpec inFlight(BatonClient framework) throws Exception {
        TaskInfo hanging = LocalAm.task("t2", "cpus:1;mem:192").toBuilder()
                .setSpec(TaskSpec.newBuilder().setKind("worker").setValue("hang")).build();
        return ReplaceSpec.of("t1", hanging, LocalAm.offerNear(framework, "t1", "cpus:0.5;mem:128")).withReplacementId("across")
                .withPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)
                        .setStartTimeoutMs(START_TIMEOUT_MS).build());
    }

    private static boolean seen(BlockingQueue<TaskStatus> updates, String task, TaskState state) {
        for (TaskStatus u = updates.poll(); u != null; u = updates.poll()) {
            if (u.getTaskId().getValue().equals(task) && u.getState() == state) {
                return true;
            }
        }
        return false;
    }

    /** The container's size as the ResourceManager has it. */
    private static YarnSize rmSize(YarnClient client, String container) throws Exception {
        return YarnResources.size(client.getContainerReport(
                org.apache.hadoop.yarn.api.records.ContainerId.fromString(container)).getAllocatedResource());
    }

    /** The container's state in the RM, null once the RM has forgotten it (it keeps no history here). */
    private static ContainerState rmState(YarnClient client, String container) throws Exception {
        try {
            return client.getContainerReport(org.apache.hadoop.yarn.api.records.ContainerId.fromString(container))
                    .getContainerState();
        } catch (org.apache.hadoop.yarn.exceptions.ContainerNotFoundException e) {
            return null;
        }
    }

    /** The executor's container as the AM's STATE names it. */
    private static String containerOf(BatonClient framework, String executor) throws Exception {
        return LocalAm.executor(framework.state().get(10, TimeUnit.SECONDS), executor).orElseThrow().getContainer()
                .substring("yarn:".length());
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }

    /** The executor's container in the RM is the size of the ledger's limits for it. */
    private static void assertRmEqualsLedger(YarnClient client, BatonClient framework, String executor)
            throws Exception {
        ExecutorState e = LocalAm.executor(framework.state().get(10, TimeUnit.SECONDS), executor).orElseThrow();
        String container = e.getContainer().substring("yarn:".length());
        assertThat(rmSize(client, container)).as("container " + container + " in the RM against the ledger")
                .isEqualTo(YarnResources.size(Resources.fromProto(e.getLimitsList())));
    }

    /** The containers' logs (the AMs' am.err, the executor's) to target/am-restart-it-logs: YARN deletes them. */
    private static void keepLogs(LocalYarn yarn) throws java.io.IOException {
        Path out = Path.of("target", "am-restart-it-logs");
        Files.createDirectories(out);
        try (var files = Files.walk(yarn.cluster().getTestWorkDir().toPath())) {
            for (Path f : files.filter(p -> p.toString().contains("logDir") && Files.isRegularFile(p)).toList()) {
                Files.copy(f, out.resolve(f.getParent().getFileName() + "-" + f.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static BatonClient connect(ApplicationReport report, String token) throws InterruptedException {
        return BatonClient.connect(ClientOptions.tcp(report.getHost(), report.getRpcPort()).token(token).build());
    }

    private static boolean connected(BatonClient framework, String executor) throws Exception {
        return LocalAm.executor(framework.state().get(10, TimeUnit.SECONDS), executor)
                .map(ExecutorState::getConnected).orElse(false);
    }

    /** The address attempt {@code n} published (just after it registered). */
    private static AmAddress awaitAddress(LocalYarn yarn, BatonYarnClient.Submitted app, int n) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> AmAddress.read(yarn.config(), app.stagingDir()),
                a -> a != null && a.attempt() == n);
    }

    private List<String> amArgs() {
        List<String> args = new ArrayList<>(List.of("--work-dir", tmp.resolve("am").toString(), "--bind", "127.0.0.1",
                "--host", "127.0.0.1", "--framework-port", "any", "--executor-port", "any", "--web-port", "any",
                "--heartbeat-ms",
                Long.toString(LocalYarn.AM_HEARTBEAT_MS), "--total", "cpus:8;mem:8192;ports:[31000-31999]",
                "--executor", "w1:512:1", "--executor", "w2:512:1", "--adopt-timeout-ms", "20000"));
        ExecutorLaunch w = LocalAm.worker("w1", new YarnSize(512, 1));
        args.addAll(List.of("--executor-java", w.java(), "--executor-main", w.mainClass()));
        w.jvmFlags().forEach(f -> args.addAll(List.of("--executor-jvm-flag", f)));
        return args;
    }

    /**
     * The AM's class path as a managed AM has it: this module's jar and its runtime dependencies (written by the
     * build, see the pom), plus logback and the tests' logback config so its log lands in its container's am.err.
     */
    private static List<Path> amFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        files.add(Path.of(System.getProperty("baton.am.jar")));
        for (String entry : Files.readString(Path.of(System.getProperty("baton.am.classpath.file"))).trim()
                .split(java.io.File.pathSeparator)) {
            files.add(Path.of(entry));
        }
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().startsWith("logback-")) {
                files.add(Path.of(entry));
            }
        }
        files.add(Path.of(AmRestartIT.class.getResource("/logback-test.xml").toURI()));
        return files;
    }

    /**
     * The executors' class path, shipped like the AM's: the sample executors' jar and the AM's runtime class path
     * but Hadoop's client (the sdk, proto, Netty, protobuf, Chronicle...), logback and its config.
     */
    private static List<Path> executorFiles() throws Exception {
        List<Path> files = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.contains("sample-executors")) {
                files.add(Path.of(entry));
            }
        }
        for (Path f : amFiles().subList(1, amFiles().size())) {
            if (!f.getFileName().toString().startsWith("hadoop-client-")) {
                files.add(f);
            }
        }
        return files;
    }

    /** Baton's JVM flags (they open java.lang, which Hadoop reflects into) and a heap well inside the container. */
    private static List<String> amJvmFlags() {
        List<String> flags = new ArrayList<>(List.of(System.getProperty("baton.jvm.flags", "").trim().split("\\s+")));
        flags.removeIf(String::isEmpty);
        flags.add("-Xmx256m");
        return flags;
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }
}
