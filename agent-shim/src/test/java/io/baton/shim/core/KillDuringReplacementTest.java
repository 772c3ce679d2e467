package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.delivered;
import static io.baton.shim.core.CoreFixture.fwReply;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorState;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.GetState;
import io.baton.proto.Kill;
import io.baton.proto.RejectCode;
import io.baton.proto.ReplacementID;
import io.baton.proto.Reserve;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task in a live replacement, seen from a framework: STATE lists both the old task (whose resources are in
 * the reservation's pool) and the new one, and a KILL that would race the replacement is refused, saying why.
 */
class KillDuringReplacementTest {
    static final long EXEC = 1;
    static final long FW = 2;

    final CoreFixture f = new CoreFixture("cpus:4;mem:4096");

    @BeforeEach
    void aReplacementOfT1ByT2IsReserved() {
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        f.framework(FW);
        f.update(EXEC, "t1", TaskState.TASK_RUNNING);
        f.exec(EXEC, ExecutorCall.newBuilder().setReserve(Reserve.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1")).setOldTaskId(TaskID.newBuilder().setValue("t1"))
                .setNewTask(task("t2", "cpus:1;mem:128"))));
        assertThat(f.core.ledger().reservations()).hasSize(1);
    }

    private FrameworkResponse kill(String task) {
        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setKill(Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(task))));
        FrameworkResponse r = fwReply(out);
        if (r.hasRejected()) {
            assertThat(delivered(out)).as("a refused kill reaches no executor").isEmpty();
        }
        return r;
    }

    private ExecutorState state() {
        return fwReply(f.fw(FW, FrameworkCall.newBuilder().setState(GetState.getDefaultInstance()))).getState()
                .getExecutors(0);
    }

    @Test
    void theOldTaskIsTheReplacementsToStopOrRestore() {
        FrameworkResponse r = kill("t1");
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.ALREADY_REPLACING);
        assertThat(r.getRejected().getMessage()).contains("t1 is being replaced by t2", "replacement r1",
                "kill t2 once it runs");
    }

    @Test
    void theNewTaskCanBeKilledOnceItRunsNotBefore() {
        FrameworkResponse r = kill("t2");
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.ALREADY_REPLACING);
        assertThat(r.getRejected().getMessage()).contains("t2 is the new task of replacement r1", "not launched yet");

        f.update(EXEC, "t2", TaskState.TASK_RUNNING);
        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setKill(Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("t2"))));
        assertThat(fwReply(out).hasForwarded()).isTrue();
        assertThat(delivered(out)).singleElement().matches(e -> e.getKill().getTaskId().getValue().equals("t2"));
    }

    @Test
    void stateListsTheOldAndTheNewTaskWhileTheyAreBeingSwapped() {
        f.update(EXEC, "t1", TaskState.TASK_KILLED);
        f.update(EXEC, "t2", TaskState.TASK_STARTING);
        ExecutorState e = state();
        assertThat(e.getTasksList()).extracting(t -> t.getTaskId().getValue(), TaskStatus::getState)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("t1", TaskState.TASK_KILLED),
                        org.assertj.core.groups.Tuple.tuple("t2", TaskState.TASK_STARTING));
    }

    @Test
    void aTaskOutsideAnyReplacementIsKilledAsBefore() {
        f.subscribe(3, "e2", task("t9", "cpus:1;mem:128"));
        assertThat(kill("t9").hasForwarded()).isTrue();
        assertThat(kill("nope").getRejected().getCode()).isEqualTo(RejectCode.UNKNOWN_TASK);
    }
}
