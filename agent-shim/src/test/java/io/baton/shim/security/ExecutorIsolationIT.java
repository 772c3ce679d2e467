package io.baton.shim.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.Keep;
import io.baton.proto.NodeState;
import io.baton.proto.RejectCode;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementProgress;
import io.baton.proto.ResourceList;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executor e2 tries to act on executor e1's task, reservation and container with forged ids. */
class ExecutorIsolationIT {
    @TempDir
    Path dir;
    SecurityShim shim;
    TestFramework fw;
    TestExecutor e1;
    TestExecutor e2;

    @BeforeEach
    void start() throws Exception {
        shim = new SecurityShim(SecurityShim.config(dir));
        fw = shim.framework();
        e1 = shim.executor("e1");
        e2 = shim.executor("e2");
        SecurityShim.launch(fw, e1, "a", "cpus:1;mem:512");
        SecurityShim.launch(fw, e2, "z", "cpus:1;mem:256");
        assertThat(e1.update("a", TaskState.TASK_RUNNING).hasAccepted()).isTrue();
        assertThat(e2.update("z", TaskState.TASK_RUNNING).hasAccepted()).isTrue();
        // e1 replaces a by b in place: the reservation r1 is e1's
        assertThat(e1.reserve("r1", "a", SecurityShim.task("b", "cpus:1;mem:256"), false, List.of()).hasReserved())
                .isTrue();
    }

    @AfterEach
    void stop() {
        e2.close();
        e1.close();
        fw.close();
        shim.close();
    }

    private static void notOwner(ExecutorResponse r, String mentions) {
        assertThat(r.hasRejected()).as("%s", r).isTrue();
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.NOT_OWNER);
        assertThat(r.getRejected().getMessage()).contains(mentions).contains("e1");
    }

    @Test
    void forgedIdsCannotTouchAnotherExecutorsTasksReservationsOrContainer() throws Exception {
        NodeState before = shim.state();
        long e1Limit = shim.isolator.hardLimit("e1").orElseThrow();

        notOwner(e2.update("a", TaskState.TASK_FINISHED), "a");
        notOwner(e2.update("b", TaskState.TASK_FAILED), "b");
        notOwner(e2.reserve("r2", "a", SecurityShim.task("c", "cpus:1;mem:128"), false, List.of()), "a");
        notOwner(e2.reserve("r1", "z", SecurityShim.task("b", "cpus:1;mem:256"), false, List.of()), "r1");
        notOwner(e2.adjust("r1", "cpus:1;mem:512"), "r1");
        notOwner(e2.release("r1", Keep.KEEP_NONE), "r1");
        notOwner(e2.release("r1", Keep.KEEP_OLD), "r1");
        notOwner(e2.call(ExecutorCall.newBuilder().setRelease(Release.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setGiveBack(ResourceList.newBuilder().addAllResources(Resources.parse("mem:128").toProto())))), "r1");
        notOwner(e2.call(ExecutorCall.newBuilder().setProgress(ReplacementProgress.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1")).setPhase("COMMITTED")
                .setOldTaskId(TaskID.newBuilder().setValue("a")))), "a");

        NodeState after = shim.state();
        assertThat(after.getAllocatedList()).isEqualTo(before.getAllocatedList());
        assertThat(after.getReservedList()).isEqualTo(before.getReservedList());
        assertThat(after.getReservationsList()).isEqualTo(before.getReservationsList());
        assertThat(shim.isolator.hardLimit("e1")).contains(e1Limit);
        assertThat(shim.server.verifyLedger()).isNull();
        // and e1 can still finish its own replacement
        assertThat(e1.release("r1", Keep.KEEP_NEW).hasReleased()).isTrue();
    }

    @Test
    void anEndedReservationStaysItsOwners() throws Exception {
        assertThat(e1.release("r1", Keep.KEEP_NEW).hasReleased()).isTrue();
        notOwner(e2.release("r1", Keep.KEEP_NEW), "r1");
        notOwner(e2.release("r1", Keep.KEEP_OLD), "r1");
        // a new reservation under the ended id is refused too: it is e1's history
        ExecutorResponse reuse = e2.reserve("r1", "z", SecurityShim.task("y", "cpus:1;mem:128"), false, List.of());
        assertThat(reuse.hasRejected()).as("%s", reuse).isTrue();
        assertThat(reuse.getRejected().getCode()).isIn(RejectCode.NOT_OWNER, RejectCode.CONFLICT);
        assertThat(shim.server.verifyLedger()).isNull();
    }

    @Test
    void nobodyCanSubscribeAsAConnectedExecutor() throws Exception {
        try (TestExecutor impostor = new TestExecutor(shim.config.executorSocket(), "e1")) {
            ExecutorResponse r = impostor.subscribe("cpus:0.1;mem:32");
            assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.CONFLICT);
            assertThat(r.getRejected().getMessage()).contains("e1").contains("already connected");
        }
        // an executor's connection cannot switch identity either
        ExecutorResponse again = e2.call(ExecutorCall.newBuilder().setSubscribe(io.baton.proto.ExecutorSubscribe
                .newBuilder().setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue("e1"))));
        assertThat(again.getRejected().getCode()).isEqualTo(RejectCode.CONFLICT);
        assertThat(e1.call(ExecutorCall.newBuilder().setHeartbeat(io.baton.proto.Heartbeat.getDefaultInstance()))
                .hasAccepted()).isTrue();
        assertThat(shim.state().getExecutorsList()).filteredOn(x -> x.getExecutorId().getValue().equals("e1"))
                .singleElement().satisfies(x -> assertThat(x.getConnected()).isTrue());
    }
    // a second, non-root uid trying the same (and a takeover across a shim restart): UidIsolationIT
}
