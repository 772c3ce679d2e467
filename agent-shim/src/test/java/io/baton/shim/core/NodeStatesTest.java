package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.fwReply;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorState;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.NodeState;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import org.junit.jupiter.api.Test;

/**
 * STATE reuses an executor's part of the previous snapshot only while nothing it was made from changed: each
 * change below (a status, a task, the connection, a reservation, the container) shows in the next STATE, and an
 * executor that did not change is the very message of the snapshot before.
 */
class NodeStatesTest {
    static final long EXEC = 1;
    static final long EXEC2 = 3;
    static final long FW = 2;

    final CoreFixture f = new CoreFixture("cpus:4;mem:4096");

    /** The framework's STATE (through the cache), checked against one built from scratch. */
    private NodeState state() {
        NodeState answer = fwReply(f.fw(FW, FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())))
                .getState();
        assertThat(answer).isEqualTo(f.core.stateFromScratch());
        return answer;
    }

    private static ExecutorState executor(NodeState s, String id) {
        return s.getExecutorsList().stream().filter(e -> e.getExecutorId().getValue().equals(id)).findFirst()
                .orElseThrow();
    }

    private static TaskStatus status(ExecutorState e, String id) {
        return e.getTasksList().stream().filter(t -> t.getTaskId().getValue().equals(id)).findFirst().orElse(null);
    }

    @Test
    void anUnchangedExecutorIsReusedAndEveryChangeShowsInTheNextState() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        f.subscribe(EXEC2, "e2");
        NodeState first = state();
        assertThat(state().getExecutorsList()).as("nothing changed: the same messages")
                .usingElementComparator((a, b) -> a == b ? 0 : 1).containsExactlyElementsOf(first.getExecutorsList());

        // a status update of e1's task: e1 is made again, e2 is not
        f.update(EXEC, "t1", TaskState.TASK_KILLING);
        NodeState second = state();
        assertThat(status(executor(second, "e1"), "t1").getState()).isEqualTo(TaskState.TASK_KILLING);
        assertThat(executor(second, "e2")).isSameAs(executor(first, "e2"));

        // a task launched on e2: its tasks, task resources and limits
        f.launch(FW, "e2", task("t2", "cpus:0.5;mem:64"), f.offer(FW, "cpus:0.5;mem:64"));
        ExecutorState e2 = executor(state(), "e2");
        assertThat(e2.getTaskResourcesList()).extracting(h -> h.getTaskId()).containsExactly("t2");
        assertThat(Resources.fromProto(e2.getLimitsList())).isEqualTo(Resources.parse("cpus:0.6;mem:96"));
        assertThat(executor(state(), "e1")).isSameAs(executor(second, "e1"));

        // e1 reserves for a replacement: the reservation's tasks are listed, the container holds the pool
        f.exec(EXEC, ExecutorCall.newBuilder().setReserve(io.baton.proto.Reserve.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task("t3", "cpus:1;mem:128"))));
        ExecutorState e1 = executor(state(), "e1");
        assertThat(e1.getTaskResourcesList()).as("t1 is in the pool, no longer held").isEmpty();
        assertThat(status(e1, "t1")).as("the draining old task is still listed").isNotNull();
        assertThat(Resources.fromProto(e1.getLimitsList())).isEqualTo(Resources.parse("cpus:1.1;mem:160"));

        // e1's new task reports: listed through the reservation
        f.update(EXEC, "t3", TaskState.TASK_STARTING);
        assertThat(status(executor(state(), "e1"), "t3").getState()).isEqualTo(TaskState.TASK_STARTING);

        // e2 goes away: not connected any more
        f.feed(new Input.ExecutorClosed(EXEC2, f.now));
        assertThat(executor(state(), "e2").getConnected()).isFalse();
        assertThat(executor(state(), "e1").getConnected()).isTrue();
    }

    @Test
    void stateTellsWhenTheShimAcceptedEachExecutorsLatestSubscription() {
        f.framework(FW);
        f.now = 5_000_000L;
        f.subscribe(EXEC, "e1");
        assertThat(executor(state(), "e1").getSubscribedAtUs()).isEqualTo(5_000_000L);

        f.now = 7_000_000L;
        f.feed(new Input.ExecutorClosed(EXEC, f.now));
        assertThat(executor(state(), "e1").getSubscribedAtUs()).as("kept while it is away").isEqualTo(5_000_000L);

        f.now = 9_000_000L;
        f.subscribe(EXEC2, "e1");
        ExecutorState again = executor(state(), "e1");
        assertThat(again.getConnected()).isTrue();
        assertThat(again.getSubscribedAtUs()).as("its re-subscription").isEqualTo(9_000_000L);
    }
}
