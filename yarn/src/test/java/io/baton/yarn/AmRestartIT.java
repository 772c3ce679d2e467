package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorState;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
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
 */
@Tag("integration")
class AmRestartIT {
    private static final String AM_MAIN = BatonApplicationMaster.class.getName();

    @TempDir
    Path tmp;

    @Test
    void anAmKilledWithSigkillComesBackAsAttemptTwoWithItsExecutorAndTask() throws Exception {
        try (LocalYarn yarn = LocalYarn.start("am-restart-it"); YarnClient client = yarn.newClient()) {
            String staging = tmp.resolve("staging").toUri().toString();
            BatonYarnClient.Submitted submitted = BatonYarnClient.submit(client, yarn.config(),
                    new BatonYarnClient.Submission("am-restart-it", staging, amFiles(), java(),
                            amJvmFlags(), new YarnSize(768, 1), amArgs(), 2, executorFiles()));
            ApplicationId app = submitted.application();
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

                // attempt 1: the executor subscribes, a framework launches a task on it
                try (BatonClient framework = connect(first, token)) {
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                            .until(() -> connected(framework, "w1"));
                    BlockingQueue<TaskStatus> updates = new LinkedBlockingQueue<>();
                    framework.onUpdate(updates::add);
                    Resources wanted = Resources.parse("cpus:0.5;mem:64");
                    List<String> offers = BatonClient.offerIds(framework.offers(wanted).get(10, TimeUnit.SECONDS));
                    TaskInfo task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1")).setName("t1")
                            .addAllResources(wanted.toProto()).build();
                    framework.launch("w1", task, offers).get(30, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        TaskStatus u = updates.poll();
                        return u != null && u.getTaskId().getValue().equals("t1")
                                && u.getState() == TaskState.TASK_RUNNING;
                    });
                }
                ProcessHandle w1 = LocalAm.executorJvm("w1").orElseThrow();
                // its class path is the jars YARN linked into its container, not paths on this host
                List<String> w1Args = LocalAm.cmdline(w1.pid());
                assertThat(w1Args.get(w1Args.indexOf("-cp") + 1)).doesNotContain("/").contains("baton-sdk-");
                String w1Container = containerOf(client, app, "w1");

                // SIGKILL the AM's JVM: YARN starts attempt 2 in a new container, the executor's container kept
                long killedAt = System.nanoTime();
                assertThat(am1.destroyForcibly()).isTrue();
                am1.onExit().get(10, TimeUnit.SECONDS);
                ApplicationReport second = BatonYarnClient.awaitAttempt(client, app, 2, Duration.ofSeconds(120));
                long registeredMs = (System.nanoTime() - killedAt) / 1_000_000;
                assertThat(second.getCurrentApplicationAttemptId().getAttemptId()).isEqualTo(2);
                AmAddress two = awaitAddress(yarn, submitted, 2);
                assertThat(two.framework()).isEqualTo("tcp://" + second.getHost() + ":" + second.getRpcPort());
                // attempt 2 serves elsewhere: the executor can only find it through its address file
                assertThat(two.executors()).isNotEqualTo(one.executors());
                Path linked = LocalAm.containerWorkDir(yarn, w1Container).resolve(ExecutorCommands.ADDRESS_LINK + ".2");
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(linked)); // localized asynchronously
                assertThat(Files.readString(linked).trim()).isEqualTo(two.executors());
                ProcessHandle am2 = LocalAm.jvm(AM_MAIN, "--staging-dir", submitted.stagingDir().toString())
                        .orElseThrow();
                assertThat(am2.pid()).isNotEqualTo(am1.pid());

                // the executor's JVM and container ran on; it re-subscribed to attempt 2 with its task
                try (BatonClient framework = connect(second, token)) {
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                            .until(() -> connected(framework, "w1"));
                    long resubscribedMs = (System.nanoTime() - killedAt) / 1_000_000;
                    ExecutorState w1State = LocalAm.executor(framework.state().get(10, TimeUnit.SECONDS), "w1")
                            .orElseThrow();
                    assertThat(w1State.getContainer()).isEqualTo("yarn:" + w1Container);
                    assertThat(w1State.getTasksList()).anySatisfy(t -> {
                        assertThat(t.getTaskId().getValue()).isEqualTo("t1");
                        assertThat(t.getState()).isEqualTo(TaskState.TASK_RUNNING);
                    });
                    List<TaskStatus> reconciled = framework.reconcile("t1").get(10, TimeUnit.SECONDS);
                    assertThat(reconciled).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);
                    System.out.printf("AmRestartIT: attempt 2 registered %d ms after the SIGKILL, w1 re-subscribed "
                            + "after %d ms%n", registeredMs, resubscribedMs);
                }
                assertThat(w1.isAlive()).isTrue();
                assertThat(LocalAm.executorJvm("w1").orElseThrow().pid()).isEqualTo(w1.pid());
                ContainerReport kept = client.getContainerReport(
                        org.apache.hadoop.yarn.api.records.ContainerId.fromString(w1Container));
                assertThat(kept.getContainerState()).isEqualTo(ContainerState.RUNNING);
            } finally {
                keepLogs(yarn);
                client.killApplication(app);
            }
        }
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

    /** The container executor {@code executor} runs in, from the AM's record of it in the staging dir. */
    private static String containerOf(YarnClient client, ApplicationId app, String executor) throws Exception {
        var attempt = client.getApplicationReport(app).getCurrentApplicationAttemptId();
        for (ContainerReport c : client.getContainers(attempt)) {
            if (!c.getContainerId().equals(client.getApplicationAttemptReport(attempt).getAMContainerId())) {
                return c.getContainerId().toString();
            }
        }
        throw new AssertionError("no container of executor " + executor + " in " + attempt);
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
                "--executor", "w1:512:1"));
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
