package io.baton.shim.server;

import static io.baton.shim.server.ShimHarness.launch;
import static io.baton.shim.server.ShimHarness.offer;
import static io.baton.shim.server.ShimHarness.replace;
import static io.baton.shim.server.ShimHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.Acknowledge;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.Keep;
import io.baton.proto.NodeState;
import io.baton.proto.Reconcile;
import io.baton.proto.RejectCode;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shim over real Unix sockets, driven by a hand-written executor and framework. */
class ShimIT {
    @TempDir
    Path dir;
    ShimHarness shim;
    TestExecutor e1;
    TestFramework fw;

    @BeforeEach
    void start() throws Exception {
        shim = new ShimHarness(dir, ShimHarness.config(dir).withTimeouts(4096, 10_000, 20_000, 60_000));
        e1 = shim.executor("e1");
        assertThat(e1.subscribe("cpus:0.1;mem:32").hasSubscribed()).isTrue();
        fw = shim.framework(true);
    }

    @AfterEach
    void stop() {
        fw.close();
        e1.close();
        shim.close();
    }

    private long hardLimitMb(String exec) {
        return shim.isolator.hardLimit(exec).orElseThrow() / (1024 * 1024);
    }

    private NodeState state() throws InterruptedException {
        return fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
    }

    private void running(String id, String resources) throws InterruptedException {
        assertThat(launch(fw, "e1", task(id, resources), offer(fw, resources)).hasForwarded()).isTrue();
        e1.wire.await(m -> m.hasEvent() && m.getEvent().hasLaunch());
        assertThat(e1.update(id, TaskState.TASK_RUNNING).hasAccepted()).isTrue();
    }

    @Test
    void launchRaisesTheContainerForwardsTheTaskAndRelaysUpdatesAndAcks() throws Exception {
        String o = offer(fw, "cpus:1;mem:512");
        assertThat(launch(fw, "e1", task("a", "cpus:1;mem:512"), o).getForwarded().getExecutorId().getValue())
                .isEqualTo("e1");
        assertThat(hardLimitMb("e1")).isEqualTo(544);
        assertThat(e1.wire.await(m -> m.hasEvent() && m.getEvent().hasLaunch()).getEvent().getLaunch().getTask()
                .getTaskId().getValue()).isEqualTo("a");

        e1.update("a", TaskState.TASK_RUNNING);
        TaskStatus s = fw.awaitUpdate("a", TaskState.TASK_RUNNING);
        fw.call(FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder().setTaskId(s.getTaskId())
                .setUuid(s.getUuid())));
        assertThat(e1.wire.await(m -> m.hasEvent() && m.getEvent().hasAcknowledged()).getEvent().getAcknowledged()
                .getUuid()).isEqualTo(s.getUuid());

        e1.update("a", TaskState.TASK_FINISHED);
        await().atMost(Duration.ofSeconds(5)).until(() -> hardLimitMb("e1") == 32);
        assertThat(shim.server.verifyLedger()).isNull();
    }

    @Test
    void replaceIsForwardedToTheOwnerAndTheExecutorDrivesReserveAdjustRelease() throws Exception {
        running("a", "cpus:2;mem:1024");
        var fwd = replace(fw, "r1", "a", task("b", "cpus:1;mem:256"), ReplaceStrategy.STOP_THEN_START);
        assertThat(fwd.getForwarded().getQueued()).isFalse();
        var ev = e1.wire.await(m -> m.hasEvent() && m.getEvent().hasReplace()).getEvent().getReplace().getRequest();
        assertThat(ev.getReplacementId().getValue()).isEqualTo("r1");

        var reserved = e1.reserve("r1", "a", ev.getNewTask(), false, List.of());
        assertThat(Resources.fromProto(reserved.getReserved().getPoolList())).isEqualTo(Resources.parse("cpus:2;mem:1024"));
        e1.update("a", TaskState.TASK_KILLING);
        assertThat(Resources.fromProto(e1.adjust("r1", "cpus:1;mem:256").getAdjusted().getLimitsList()))
                .as("the container holds the whole pool until the replacement ends")
                .isEqualTo(Resources.parse("cpus:2.1;mem:1056"));
        assertThat(hardLimitMb("e1")).isEqualTo(1056);
        assertThat(Resources.fromProto(state().getFreeList())).as("old resources stay reserved until commit")
                .isEqualTo(Resources.parse("cpus:1.9;mem:3040;ports:[31000-31099]"));

        assertThat(e1.release("r1", Keep.KEEP_NEW).hasReleased()).isTrue();
        assertThat(Resources.fromProto(state().getFreeList())).as("leftover back in the free pool")
                .isEqualTo(Resources.parse("cpus:2.9;mem:3808;ports:[31000-31099]"));
        assertThat(hardLimitMb("e1")).as("and out of the container").isEqualTo(288);
        assertThat(shim.server.verifyLedger()).isNull();
    }

    @Test
    void anInvalidReplaceIsRejectedWithTheNumbersAndGoesToTheExecutorToEndIt() throws Exception {
        running("a", "cpus:1;mem:128");
        String o = offer(fw, "cpus:1");
        var r = replace(fw, "r1", "a", task("b", "cpus:3;mem:128"), ReplaceStrategy.STOP_THEN_START, o);
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.INSUFFICIENT_RESOURCES);
        assertThat(r.getRejected().getMessage()).isEqualTo("replacement r1 needs cpus:3;mem:128; old task a "
                + "cpus:1;mem:128 + offers [" + o + "] cpus:1 = cpus:2;mem:128; missing cpus:1");
        assertThat(r.getRejected().getOutcomeFollows()).as("the executor ends it").isTrue();
        var ev = e1.wire.await(m -> m.hasEvent() && m.getEvent().hasReplace()).getEvent().getReplace();
        assertThat(ev.getRefusal().getMessage()).isEqualTo(r.getRejected().getMessage());
        assertThat(ev.getRequest().getNewTask().getTaskId().getValue()).isEqualTo("b");
        assertThat(state().getOffersCount()).as("the offer is untouched").isEqualTo(1);
    }

    @Test
    void anAugmentedReserveIsAnsweredOnlyOnceTheContainerHoldsTheWholePool() throws Exception {
        running("a", "cpus:1;mem:128");
        String o = offer(fw, "cpus:1;mem:256");
        replace(fw, "r1", "a", task("b", "cpus:2;mem:384"), ReplaceStrategy.STOP_THEN_START, o);
        var ev = e1.wire.await(m -> m.hasEvent() && m.getEvent().hasReplace()).getEvent().getReplace().getRequest();
        assertThat(hardLimitMb("e1")).isEqualTo(160);
        var reserved = e1.reserve("r1", "a", ev.getNewTask(), false, List.of(o));
        assertThat(Resources.fromProto(reserved.getReserved().getPoolList())).isEqualTo(Resources.parse("cpus:2;mem:384"));
        assertThat(hardLimitMb("e1")).as("grown before the answer: the launch will not wait for it").isEqualTo(416);
        assertThat(e1.release("r1", Keep.KEEP_OLD).hasReleased()).isTrue();
        assertThat(hardLimitMb("e1")).as("a rollback gives the whole grant back").isEqualTo(160);
        assertThat(shim.server.verifyLedger()).isNull();
    }

    @Test
    void reserveRejectionsNameWhatIsWrong() throws Exception {
        running("a", "cpus:1;mem:128");
        String o = offer(fw, "cpus:1");
        var r = e1.reserve("r9", "a", task("b", "cpus:2;mem:128"), false, List.of(o));
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.OFFER_FOREIGN);
        assertThat(r.getRejected().getMessage()).isEqualTo("offer " + o + " was not handed to executor e1 for "
                + "replacement r9; offers reach a replacement through the framework's REPLACE call");
        var unknown = e1.reserve("r9", "zz", task("b", "cpus:1"), false, List.of());
        assertThat(unknown.getRejected().getMessage()).isEqualTo("old task zz is not known on this node");
    }

    @Test
    void offersExpireAndCannotBeSpentTwice() throws Exception {
        Path other = dir.resolve("short-offers");
        try (ShimHarness quick = new ShimHarness(other, ShimHarness.config(other).withTimeouts(4096, 300, 20_000, 60_000));
                TestExecutor e = quick.executor("e1");
                TestFramework f = quick.framework(false)) {
            e.subscribe("cpus:0.1;mem:32");
            String o = offer(f, "cpus:1");
            await().atMost(Duration.ofSeconds(5)).until(() -> quick.server.state().getOffersCount() == 0);
            var late = launch(f, "e1", task("a", "cpus:1"), o);
            assertThat(late.getRejected().getCode()).isEqualTo(RejectCode.OFFER_EXPIRED);
        }

        String p = offer(fw, "cpus:1");
        assertThat(launch(fw, "e1", task("a", "cpus:1"), p).hasForwarded()).isTrue();
        var twice = launch(fw, "e1", task("b", "cpus:1"), p);
        assertThat(twice.getRejected().getCode()).isEqualTo(RejectCode.OFFER_USED);
        assertThat(twice.getRejected().getMessage()).contains("used by launch of task a");
    }

    @Test
    void anExecutorCannotTouchAnotherExecutorsTask() throws Exception {
        running("a", "cpus:1;mem:128");
        try (TestExecutor e2 = shim.executor("e2")) {
            e2.subscribe("cpus:0.1;mem:32");
            var upd = e2.update("a", TaskState.TASK_KILLED);
            assertThat(upd.getRejected().getCode()).isEqualTo(RejectCode.NOT_OWNER);
            assertThat(upd.getRejected().getMessage()).isEqualTo("task a belongs to executor e1, not to e2");
            var res = e2.reserve("r1", "a", task("b", "cpus:1"), false, List.of());
            assertThat(res.getRejected().getMessage()).isEqualTo("old task a belongs to executor e1, not to e2");
            var again = shim.executor("e1");
            assertThat(again.subscribe("cpus:0.1").getRejected().getCode()).as("id already connected")
                    .isEqualTo(RejectCode.CONFLICT);
            again.close();
        }
        assertThat(shim.server.verifyLedger()).isNull();
    }

    @Test
    void callsBeforeSubscribeAndWrongTokensAreRefused() throws Exception {
        try (TestExecutor anon = shim.executor("x")) {
            assertThat(anon.update("a", TaskState.TASK_RUNNING).getRejected().getCode())
                    .isEqualTo(RejectCode.UNAUTHENTICATED);
        }
        try (TestFramework bad = TestFramework.unix(shim.config.frameworkSocket())) {
            var r = bad.subscribe("wrong", true);
            assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
            assertThat(bad.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getRejected()
                    .getMessage()).isEqualTo("SUBSCRIBE with the framework token first");
        }
    }

    @Test
    void reconcileAnswersTheLatestKnownStates() throws Exception {
        running("a", "cpus:1");
        var r = fw.call(FrameworkCall.newBuilder().setReconcile(Reconcile.newBuilder()
                .addTaskIds(TaskID.newBuilder().setValue("a")).addTaskIds(TaskID.newBuilder().setValue("nope"))));
        assertThat(r.getStatuses().getStatusesList()).extracting(TaskStatus::getState)
                .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_UNKNOWN);
        var all = fw.call(FrameworkCall.newBuilder().setReconcile(Reconcile.getDefaultInstance()));
        assertThat(all.getStatuses().getStatusesList()).extracting(s -> s.getTaskId().getValue()).containsExactly("a");
    }

    @Test
    void killIsForwardedAndRequestsForARegisteringExecutorAreQueued() throws Exception {
        running("a", "cpus:1;mem:128");
        fw.call(FrameworkCall.newBuilder().setKill(io.baton.proto.Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("a"))));
        e1.wire.await(m -> m.hasEvent() && m.getEvent().hasKill());

        e1.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !state().getExecutors(0).getConnected());
        var queued = replace(fw, "r1", "a", task("b", "cpus:1;mem:128"), ReplaceStrategy.STOP_THEN_START);
        assertThat(queued.getForwarded().getQueued()).isTrue();

        e1 = shim.executor("e1");
        e1.subscribe(io.baton.proto.ExecutorSubscribe.newBuilder()
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())
                .addTasks(io.baton.proto.TaskRecord.newBuilder().setTask(task("a", "cpus:1;mem:128"))
                        .setState(TaskState.TASK_RUNNING)));
        assertThat(e1.wire.await(m -> m.hasEvent() && m.getEvent().hasReplace()).getEvent().getReplace()
                .getRequest().getReplacementId().getValue()).isEqualTo("r1");
    }

    @Test
    void lostTasksAreReportedWhenAnExecutorReSubscribesWithoutThem() throws Exception {
        running("a", "cpus:1;mem:128");
        e1.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !state().getExecutors(0).getConnected());
        e1 = shim.executor("e1");
        var sub = e1.subscribe("cpus:0.1;mem:32");
        assertThat(sub.getSubscribed().getLostTasksList()).extracting(TaskID::getValue).containsExactly("a");
        assertThat(fw.awaitUpdate("a", TaskState.TASK_LOST).getReason())
                .isEqualTo(TaskReason.REASON_EXECUTOR_UNREGISTERED);
        assertThat(hardLimitMb("e1")).isEqualTo(32);
    }

    @Test
    void loweringMemoryBelowUsageAsksTheExecutorToShrinkAndLowersTheHardLimitOnlyWhenUsageAllows() throws Exception {
        running("a", "cpus:1;mem:512");
        assertThat(hardLimitMb("e1")).isEqualTo(544);
        shim.isolator.setUsage("e1", 400L * 1024 * 1024);
        e1.update("a", TaskState.TASK_FINISHED);

        var shrink = e1.wire.await(m -> m.hasEvent() && m.getEvent().hasShrink()).getEvent().getShrink();
        assertThat(shrink.getTargetBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(shrink.getUsageBytes()).isEqualTo(400L * 1024 * 1024);
        assertThat(shim.isolator.softLimit("e1")).as("soft limit first").contains(32L * 1024 * 1024);
        assertThat(hardLimitMb("e1")).as("hard limit stays above usage").isEqualTo(544);

        shim.isolator.setUsage("e1", 20L * 1024 * 1024);
        await().atMost(Duration.ofSeconds(5)).until(() -> hardLimitMb("e1") == 32);
        assertThat(shim.server.verifyLedger()).isNull();
    }

    @Test
    void aReplaceTheExecutorNeverConfirmedIsDeliveredAgainAfterItReSubscribes() throws Exception {
        running("a", "cpus:1;mem:128");
        replace(fw, "r1", "a", task("b", "cpus:1;mem:128"), ReplaceStrategy.STOP_THEN_START);
        e1.wire.await(m -> m.hasEvent() && m.getEvent().hasReplace());
        e1.close(); // died before journaling it
        await().atMost(Duration.ofSeconds(5)).until(() -> !state().getExecutors(0).getConnected());
        e1 = shim.executor("e1");
        e1.subscribe(io.baton.proto.ExecutorSubscribe.newBuilder()
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())
                .addTasks(io.baton.proto.TaskRecord.newBuilder().setTask(task("a", "cpus:1;mem:128"))
                        .setState(TaskState.TASK_RUNNING)));
        assertThat(e1.wire.await(m -> m.hasEvent() && m.getEvent().hasReplace()).getEvent().getReplace()
                .getRequest().getReplacementId().getValue()).isEqualTo("r1");

        e1.reserve("r1", "a", task("b", "cpus:1;mem:128"), false, List.of());
        e1.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !state().getExecutors(0).getConnected());
        e1 = shim.executor("e1");
        e1.subscribe(io.baton.proto.ExecutorSubscribe.newBuilder()
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())
                .addTasks(io.baton.proto.TaskRecord.newBuilder().setTask(task("a", "cpus:1;mem:128"))
                        .setState(TaskState.TASK_RUNNING))
                .addPendingReserves(io.baton.proto.ReplacementID.newBuilder().setValue("r1")));
        assertThat(e1.wire.poll(m -> m.hasEvent() && m.getEvent().hasReplace(), Duration.ofMillis(500)))
                .as("confirmed by its RESERVE: not delivered again").isNull();
        assertThat(state().getReservationsCount()).as("the pending reserve was kept").isEqualTo(1);
    }

    @Test
    void progressIsRelayedOnlyWithAPhaseNameAndAValidReplacementId() throws Exception {
        running("a", "cpus:1");
        var ok = e1.call(io.baton.proto.ExecutorCall.newBuilder().setProgress(io.baton.proto.ReplacementProgress
                .newBuilder().setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue("r1"))
                .setPhase("DRAINING").setOldTaskId(TaskID.newBuilder().setValue("a"))));
        assertThat(ok.hasAccepted()).isTrue();
        assertThat(fw.wire.await(m -> m.hasEvent() && m.getEvent().hasProgress()).getEvent().getProgress()
                .getExecutorId().getValue()).isEqualTo("e1");
        var bad = e1.call(io.baton.proto.ExecutorCall.newBuilder().setProgress(io.baton.proto.ReplacementProgress
                .newBuilder().setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue("r1"))
                .setPhase("x".repeat(1_000))));
        assertThat(bad.getRejected().getCode()).isEqualTo(RejectCode.MALFORMED);
        assertThat(bad.getRejected().getMessage()).startsWith("progress refused: phase 'xxxx");
    }
}
