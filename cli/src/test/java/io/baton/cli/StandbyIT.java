package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorState;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceHandle;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code baton executor ... --standby} as real processes beside a real shim: a warm standby waits while the executor
 * runs, touches nothing, and takes over when the executor is killed with SIGKILL — the task it ran adopted and still
 * under its control, a replacement cut short mid-drain finished; started with no executor running, it starts at once.
 */
class StandbyIT {
    @TempDir
    Path dir;
    CliNode node;
    BatonClient client;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = new CliNode(dir);
        client = BatonClient.connect(ClientOptions.unix(node.config.frameworkSocket()).token(CliNode.TOKEN)
                .updates(false).build());
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        // the tasks' commands, each in a process group of its own, wrote their pid to <task>.pid: whatever a failed
        // assertion left running goes with its group
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".pid")).toList()) {
                String group = group(Files.readString(f).strip());
                if (group != null) {
                    new ProcessBuilder("kill", "-KILL", "--", "-" + group).start().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
        client.close();
        node.close();
    }

    /** {@code bin/baton executor command --id ID --work-dir WORK --shim ... [more]}, its output in {@code log}. */
    private Process executor(String id, Path work, Path log, String... more) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BinBatonIT.BIN.toString(), "executor", "command", "--id", id,
                "--work-dir", work.toString(), "--shim", node.config.executorSocket().toString()));
        cmd.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("BATON_SKIP_BUILD", "1"); // verify's package phase just built the jar
        pb.environment().put("BATON_LOG_LEVEL", "INFO");
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private Optional<ExecutorState> state(String id) throws Exception {
        return client.state().get(5, TimeUnit.SECONDS).getExecutorsList().stream()
                .filter(e -> e.getExecutorId().getValue().equals(id)).findFirst();
    }

    /** Waits until the shim lists {@code id} connected from process {@code pid} (bin/baton execs java: the JVM). */
    private void awaitSubscribedFrom(String id, Process p) {
        await().atMost(Duration.ofSeconds(60)).until(() -> state(id).filter(e -> e.getConnected()
                && e.getPid() == p.pid()).isPresent());
    }

    private TaskState taskState(String taskId) throws Exception {
        return client.state().get(5, TimeUnit.SECONDS).getExecutorsList().stream()
                .flatMap(e -> e.getTasksList().stream()).filter(t -> t.getTaskId().getValue().equals(taskId))
                .map(t -> t.getState()).findFirst().orElse(TaskState.TASK_LOST);
    }

    @Test
    void aStandbyTakesOverWhenTheExecutorIsKilledAndControlsItsTask() throws Exception {
        Path work = dir.resolve("c1");
        Path pidFile = dir.resolve("task.pid");
        Process executor = executor("c1", work, dir.resolve("executor.log"));
        awaitSubscribedFrom("c1", executor);
        CliNode.Run launched = node.baton("launch", "--executor", "c1", "--task", "t1", "--resources", "cpus:0.1;mem:16",
                "--spec", "echo $$ > " + pidFile + "; exec sleep 600");
        assertThat(launched.exit()).as(launched.err()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> taskState("t1") == TaskState.TASK_RUNNING);
        long task = Long.parseLong(Files.readString(pidFile).strip());

        Path standbyLog = dir.resolve("standby.log");
        Process standby = executor("c1", work, standbyLog, "--standby");
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(standbyLog).contains(": standing by"));
        assertThat(Files.readString(standbyLog)).contains("executor c1 stands by", "rehearsed takeovers",
                "replays of the executor's journal as it is");
        assertThat(state("c1").orElseThrow().getPid()).as("the executor still the one the shim knows")
                .isEqualTo(executor.pid());
        assertThat(standby.isAlive()).isTrue();

        executor.destroyForcibly(); // SIGKILL
        awaitSubscribedFrom("c1", standby);
        awaitLogged(standbyLog, "executor c1 took over"); // logged once its start returned: maybe after the subscription
        assertThat(taskState("t1")).as("the task adopted, not lost").isEqualTo(TaskState.TASK_RUNNING);
        assertThat(gone(task)).as("the task's command").isFalse();

        CliNode.Run killed = node.baton("kill", "t1", "--grace", "2s");
        assertThat(killed.exit()).as(killed.err()).isZero();
        assertThat(killed.out().strip()).as("not queued: the standby, now the executor, took the kill").isEqualTo("t1");
        await().atMost(Duration.ofSeconds(30)).until(() -> gone(task));
        assertThat(standby.isAlive()).as("the standby runs on as the executor").isTrue();
    }

    /**
     * As {@code baton demo}'s step 7, with a standby instead of a restart: the executor SIGKILLed while the old task
     * drains (it ignores SIGTERM, so the drain takes its 3 s grace period); the standby resumes the replacement, which
     * commits, the old command gone and the new one running.
     */
    @Test
    void aStandbyResumesAReplacementWhoseExecutorWasKilledMidDrain() throws Exception {
        Path work = dir.resolve("c3");
        Process executor = executor("c3", work, dir.resolve("executor.log"));
        awaitSubscribedFrom("c3", executor);
        Path standbyLog = dir.resolve("standby.log");
        Process standby = executor("c3", work, standbyLog, "--standby");
        Path oldPid = dir.resolve("v1.pid");
        try (BatonClient c = BatonClient.connect(ClientOptions.unix(node.config.frameworkSocket()).token(CliNode.TOKEN)
                .progress(true).build())) {
            CompletableFuture<Void> draining = new CompletableFuture<>();
            c.onProgress(p -> {
                if (p.getPhase().equals("DRAINING")) {
                    draining.complete(null);
                }
            });
            TaskInfo v1 = task("v1", "trap '' TERM; echo $$ > " + oldPid + "; sleep 600 & wait").toBuilder()
                    .setKillGracePeriodMs(3_000).build();
            String offer = c.offersOn("c3", Resources.fromProto(v1.getResourcesList())).get(10, TimeUnit.SECONDS).get(0)
                    .getId().getValue();
            c.launch("c3", v1, List.of(offer)).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> taskState("v1") == TaskState.TASK_RUNNING);
            long old = Long.parseLong(Files.readString(oldPid).strip());
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(standbyLog).contains(": standing by"));

            ReplaceHandle replacing = c.replace(ReplaceSpec.of("v1", task("v2", "echo $$ > " + dir.resolve("v2.pid")
                    + "; exec sleep 600")).withReplacementId("r1"));
            draining.get(30, TimeUnit.SECONDS);
            executor.destroyForcibly(); // SIGKILL, mid-drain
            ReplaceOutcome outcome = replacing.outcome().get(60, TimeUnit.SECONDS);

            assertThat(outcome.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            assertThat(state("c3").orElseThrow().getPid()).as("finished by the standby").isEqualTo(standby.pid());
            awaitLogged(standbyLog, "executor c3 took over");
            assertThat(gone(old)).as("the old command").isTrue();
            assertThat(taskState("v2")).isEqualTo(TaskState.TASK_RUNNING);
            CliNode.Run killed = node.baton("kill", "v2", "--grace", "1s");
            assertThat(killed.exit()).as(killed.err()).isZero();
        }
    }

    /**
     * Whether process {@code pid} has ended: no such process, or a zombie (its parent, the executor that started it,
     * was killed, and whoever inherits orphans here need not reap them at once).
     */
    private static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** The process group of {@code pid} (field 5 of its /proc stat), or null if it is gone. */
    private static String group(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2];
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The standby logs that it took over once its executor's start returned, which may be after it subscribed. */
    private static void awaitLogged(Path log, String line) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.readString(log).contains(line));
    }

    private static TaskInfo task(String id, String command) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse("cpus:0.1;mem:16").toProto())
                .setSpec(TaskSpec.newBuilder().setValue(command)).build();
    }

    @Test
    void aStandbyWithNoExecutorRunningStartsAtOnceAsTheExecutor() throws Exception {
        Path log = dir.resolve("standby.log");
        Process standby = executor("c2", dir.resolve("c2"), log, "--standby");
        awaitSubscribedFrom("c2", standby);
        awaitLogged(log, "executor c2 took over");
        String out = Files.readString(log);
        assertThat(out).contains("standing by", "executor c2 took over");
        assertThat(out.indexOf("standing by")).as("warmed up first").isLessThan(out.indexOf("took over"));
    }
}
