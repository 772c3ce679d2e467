package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.NodeState;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.JavaProcess;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor process is killed with SIGKILL in the middle of a replacement and started again on the
 * same work directory; the replacement must still reach its outcome, with the shim's ledger balanced,
 * exactly the right task running, and every update delivered.
 */
class ExecutorCrashIT {
    static final String TOKEN = "crash-token";

    @TempDir
    Path dir;
    ShimServer shim;
    ShimConfig config;
    TestFramework fw;
    JavaProcess executor;
    final List<TaskStatus> seen = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:8;mem:8192"), "none");
        shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        fw = TestFramework.unix(config.frameworkSocket());
        fw.subscribe(TOKEN, true);
    }

    @AfterEach
    void stop() throws Exception {
        if (executor != null) {
            executor.kill9();
        }
        for (Path pid : Files.newDirectoryStream(dir.resolve("exec"), "*.pid")) {
            long p = Long.parseLong(Files.readString(pid).trim().split(" ")[0]);
            ProcessHandle.of(p).ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            });
        }
        fw.close();
        shim.close();
    }

    private void startExecutor(String failpoint) throws Exception {
        List<String> jvm = failpoint == null ? List.of() : List.of("-Dbaton.failpoint=" + failpoint);
        executor = JavaProcess.start(jvm, ProcessExecutor.class.getName(), "--id", "e1", "--work-dir",
                dir.resolve("exec").toString(), "--shim", config.executorSocket().toString());
        JavaProcess started = executor;
        try {
            await().atMost(Duration.ofSeconds(20)).failFast(() -> !started.process.isAlive()).until(() -> {
                NodeState s = state();
                return s.getExecutorsCount() == 1 && s.getExecutors(0).getConnected();
            });
        } catch (RuntimeException e) {
            throw new AssertionError("executor did not subscribe; its output:\n" + started.output(), e);
        }
    }

    private NodeState state() throws InterruptedException {
        return fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
    }

    static TaskInfo task(String id, String resources, String mode, long graceMs) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).setKillGracePeriodMs(graceMs)
                .setSpec(TaskSpec.newBuilder().setKind("process").setValue(mode)).build();
    }

    private TaskStatus awaitUpdate(Predicate<TaskStatus> match) throws InterruptedException {
        return Acks.awaitUpdate(fw, seen, match);
    }

    private void launch(TaskInfo t) throws InterruptedException {
        Acks.launch(fw, seen, "e1", t);
    }

    private void replace(String rid, String old, TaskInfo neu, long startTimeoutMs) throws InterruptedException {
        var r = fw.call(FrameworkCall.newBuilder().setReplace(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(rid)).setOldTaskId(TaskID.newBuilder().setValue(old))
                .setNewTask(neu).setPolicy(ReplacePolicy.newBuilder().setStartTimeoutMs(startTimeoutMs)
                        .setDrainTimeoutMs(20_000))));
        assertThat(r.hasForwarded()).as("forwarded: %s", r).isTrue();
    }

    private TaskStatus outcome(String rid) throws InterruptedException {
        return awaitUpdate(s -> s.getReplacementId().getValue().equals(rid)
                && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED);
    }

    private boolean alive(String task) throws Exception {
        Path pid = dir.resolve("exec").resolve(task + ".pid");
        if (!Files.exists(pid)) {
            return false;
        }
        String[] parts = Files.readString(pid).trim().split(" ");
        long p = Long.parseLong(parts[0]);
        return ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)
                && ProcessExecutor.startTime(p).equals(parts[1]);
    }

    private void converged(String running, String gone) throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            NodeState s = state();
            assertThat(s.getReservationsCount()).as("no reservation left").isZero();
            assertThat(s.getExecutors(0).getTasksList()).extracting(t -> t.getTaskId().getValue())
                    .containsExactly(running);
            assertThat(alive(running)).as(running + " runs").isTrue();
            assertThat(alive(gone)).as(gone + " is gone").isFalse();
        });
        assertThat(shim.verifyLedger()).isNull();
        assertThat(Resources.fromProto(state().getAllocatedList()))
                .isEqualTo(Resources.parse("cpus:0.1;mem:32").plus(Resources.parse("cpus:1;mem:64")));
    }

    @Test
    void killedWhileDrainingTheOldTask() throws Exception {
        startExecutor(null);
        launch(task("a", "cpus:1;mem:64", "stubborn", 4_000));
        replace("r1", "a", task("b", "cpus:1;mem:64", "ok", 1_000), 20_000);
        awaitUpdate(s -> s.getTaskId().getValue().equals("a") && s.getState() == TaskState.TASK_KILLING);
        executor.kill9();
        startExecutor(null);
        assertThat(outcome("r1").getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        converged("b", "a");
    }

    @Test
    void killedJustAfterTheOldTasksTerminalUpdate() throws Exception {
        startExecutor("journaled:task-state:TASK_KILLED");
        launch(task("a", "cpus:1;mem:64", "ok", 1_000));
        replace("r1", "a", task("b", "cpus:1;mem:64", "ok", 1_000), 20_000);
        executor.process.waitFor();
        startExecutor(null);
        assertThat(outcome("r1").getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        converged("b", "a");
    }

    @Test
    void killedWhileTheNewTaskIsLaunching() throws Exception {
        startExecutor(null);
        launch(task("a", "cpus:1;mem:64", "ok", 1_000));
        replace("r1", "a", task("b", "cpus:1;mem:64", "slow", 1_000), 20_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> alive("b"));
        executor.kill9();
        startExecutor(null);
        assertThat(outcome("r1").getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        converged("b", "a");
    }

    @Test
    void killedWhileRollingBack() throws Exception {
        startExecutor(null);
        launch(task("a", "cpus:1;mem:64", "ok", 1_000));
        replace("r1", "a", task("b", "cpus:1;mem:64", "stubborn-slow", 5_000), 1_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> alive("b"));
        // the start timer (1 s) fires: the new task is being killed (it ignores SIGTERM for its 5 s grace)
        fw.wire.await(m -> m.hasEvent() && m.getEvent().hasProgress()
                && m.getEvent().getProgress().getPhase().equals("ROLLING_BACK"));
        executor.kill9();
        startExecutor(null);
        TaskStatus out = outcome("r1");
        assertThat(out.getOutcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
        assertThat(out.getState()).isEqualTo(TaskState.TASK_ROLLED_BACK);
        converged("a", "b");
    }

    @Test
    void killedTwiceWhileDraining() throws Exception {
        startExecutor(null);
        launch(task("a", "cpus:1;mem:64", "stubborn", 6_000));
        replace("r1", "a", task("b", "cpus:1;mem:64", "ok", 1_000), 20_000);
        awaitUpdate(s -> s.getTaskId().getValue().equals("a") && s.getState() == TaskState.TASK_KILLING);
        executor.kill9();
        startExecutor(null); // recovers (and checkpoints) in DRAINING
        executor.kill9();
        startExecutor(null); // recovers again, from that checkpoint
        assertThat(outcome("r1").getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        converged("b", "a");
    }
}
