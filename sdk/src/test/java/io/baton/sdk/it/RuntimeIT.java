package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.Acknowledge;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.Launch;
import io.baton.proto.NodeState;
import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real shim, the real runtime with a Chronicle journal, and a framework watching the outcomes. */
class RuntimeIT {
    static final String TOKEN = "t0ken";

    @TempDir
    Path dir;
    ShimServer shim;
    InMemoryIsolator isolator = new InMemoryIsolator();
    ExecutorRuntime executor;
    TestFramework fw;

    @BeforeEach
    void start() throws Exception {
        ShimConfig config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:8;mem:8192"), "none");
        shim = new ShimServer(config, isolator, TOKEN).start();
        executor = new ExecutorRuntime(new ThreadExecutor(), "e1",
                ChronicleJournal.open(dir.resolve("journal"), ChronicleJournal.Options.defaults()),
                new NettyShimConnection(config.executorSocket()), () -> System.currentTimeMillis() * 1000).start();
        fw = TestFramework.unix(config.frameworkSocket());
        fw.subscribe(TOKEN, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> state().getExecutorsCount() == 1
                && state().getExecutors(0).getConnected());
    }

    @AfterEach
    void stop() {
        fw.close();
        executor.close();
        shim.close();
    }

    NodeState state() throws InterruptedException {
        return fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
    }

    static TaskInfo task(String id, String resources, String mode) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto())
                .setSpec(TaskSpec.newBuilder().setKind("thread").setValue(mode)).build();
    }

    String offer(String resources) throws InterruptedException {
        return fw.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(Resources.parse(resources).toProto()))).getOffers().getOffers(0).getId().getValue();
    }

    /** Acknowledges every update, as a framework does, until one matches. */
    TaskStatus awaitUpdate(java.util.function.Predicate<TaskStatus> match) throws InterruptedException {
        while (true) {
            TaskStatus s = fw.wire.await(m -> m.hasEvent() && m.getEvent().hasUpdate()).getEvent().getUpdate();
            fw.call(FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder().setTaskId(s.getTaskId())
                    .setUuid(s.getUuid())));
            if (match.test(s)) {
                return s;
            }
        }
    }

    TaskStatus outcome(String rid) throws InterruptedException {
        return awaitUpdate(s -> s.getReplacementId().getValue().equals(rid)
                && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED);
    }

    io.baton.proto.FrameworkResponse replace(String rid, String old, TaskInfo neu, String... offers)
            throws InterruptedException {
        Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTaskId(TaskID.newBuilder().setValue(old)).setNewTask(neu)
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)
                        .setStartTimeoutMs(5_000));
        for (String o : offers) {
            r.addOfferIds(OfferID.newBuilder().setValue(o));
        }
        return fw.call(FrameworkCall.newBuilder().setReplace(r));
    }

    @Test
    void biggerSmallerAndBrokenReplacementsEndCommittedCommittedAndRolledBack() throws Exception {
        fw.call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder()
                .setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue("e1"))
                .setTask(task("a", "cpus:1;mem:128", "ok")).addOfferIds(OfferID.newBuilder().setValue(offer("cpus:1;mem:128")))));
        awaitUpdate(s -> s.getTaskId().getValue().equals("a") && s.getState() == TaskState.TASK_RUNNING);

        // bigger, backed by an offer
        String o = offer("cpus:1;mem:128");
        assertThat(replace("r1", "a", task("b", "cpus:2;mem:256", "ok"), o).hasForwarded()).isTrue();
        TaskStatus committed = outcome("r1");
        assertThat(committed.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        assertThat(committed.getTaskId().getValue()).isEqualTo("b");
        assertThat(committed.getTimings().getTotalUs()).isPositive();

        // the framework saw r1 move through its phases, live
        java.util.List<String> phases = new java.util.ArrayList<>();
        for (var m = fw.wire.poll(x -> x.hasEvent() && x.getEvent().hasProgress()
                && x.getEvent().getProgress().getReplacementId().getValue().equals("r1"), Duration.ofSeconds(1)); m != null;
                m = fw.wire.poll(x -> x.hasEvent() && x.getEvent().hasProgress()
                        && x.getEvent().getProgress().getReplacementId().getValue().equals("r1"), Duration.ofMillis(200))) {
            phases.add(m.getEvent().getProgress().getPhase());
        }
        assertThat(phases).containsExactly("REQUESTED", "DRAINING", "HANDING_OFF", "LAUNCHING", "COMMITTED");

        // smaller: the leftover goes back to the shim's free pool
        assertThat(replace("r2", "b", task("c", "cpus:0.5;mem:64", "ok")).hasForwarded()).isTrue();
        assertThat(outcome("r2").getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            NodeState st = state();
            assertThat(Resources.fromProto(st.getFreeList())).isEqualTo(Resources.parse("cpus:7.4;mem:8096"));
            assertThat(st.getReservationsCount()).isZero();
        });

        // broken: the new task fails, the old one runs again
        assertThat(replace("r3", "c", task("d", "cpus:0.5;mem:64", "fail")).hasForwarded()).isTrue();
        TaskStatus rolledBack = outcome("r3");
        assertThat(rolledBack.getOutcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
        assertThat(rolledBack.getTaskId().getValue()).isEqualTo("c");
        assertThat(rolledBack.getState()).isEqualTo(TaskState.TASK_ROLLED_BACK);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(state().getExecutors(0).getTasksList()).extracting(s -> s.getTaskId().getValue())
                        .containsExactly("c"));
        assertThat(shim.verifyLedger()).isNull();

        // hung: never runs within the start timeout (1 s here), so it is killed and the old one kept
        Replace.Builder hung = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r5"))
                .setOldTaskId(TaskID.newBuilder().setValue("c")).setNewTask(task("f", "cpus:0.5;mem:64", "hang"))
                .setPolicy(ReplacePolicy.newBuilder().setStartTimeoutMs(1_000));
        assertThat(fw.call(FrameworkCall.newBuilder().setReplace(hung)).hasForwarded()).isTrue();
        TaskStatus timedOut = outcome("r5");
        assertThat(timedOut.getOutcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
        assertThat(timedOut.getMessage()).contains("was not running within the start timeout of 1000 ms");

        // invalid: refused with the numbers
        var refused = replace("r4", "c", task("e", "cpus:64", "ok"));
        assertThat(refused.getRejected().getCode()).isEqualTo(RejectCode.INSUFFICIENT_RESOURCES);
        assertThat(refused.getRejected().getMessage()).contains("needs cpus:64");
    }
}
