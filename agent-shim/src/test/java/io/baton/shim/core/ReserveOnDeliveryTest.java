package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.delivered;
import static io.baton.shim.core.CoreFixture.execReply;
import static io.baton.shim.core.CoreFixture.fwReply;
import static io.baton.shim.core.CoreFixture.relayed;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.FrameworkCall;
import io.baton.proto.Kill;
import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.Reserve;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A REPLACE that moves no resources is reserved by the shim when it is delivered, exactly as the executor's
 * RESERVE would have been, so that round trip is off the replacement's path (issue 13).
 */
class ReserveOnDeliveryTest {
    static final long EXEC = 1;
    static final long EXEC2 = 3;
    static final long FW = 2;

    final CoreFixture f = new CoreFixture("cpus:4;mem:4096");

    private Replace.Builder replace(String rid, String newTask, String resources, ReplaceStrategy s) {
        return Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task(newTask, resources))
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(s));
    }

    @Test
    void aReplaceThatMovesNoResourcesIsDeliveredReservedAndTheExecutorsOwnReserveGetsTheSameReservation() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:256"));
        Resources limits = f.containers.get("e1");
        Replace.Builder r = replace("r1", "t2", "cpus:1;mem:128", ReplaceStrategy.STOP_THEN_START);
        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setReplace(r));
        assertThat(fwReply(out).getForwarded().getQueued()).isFalse();
        ExecutorEvent e = delivered(out).get(0);
        assertThat(e.getReplace().getRequest()).isEqualTo(r.build());
        assertThat(e.getReplace().hasReserved()).isTrue();
        assertThat(Resources.fromProto(e.getReplace().getReserved().getPoolList()))
                .as("the old task's own resources").isEqualTo(Resources.parse("cpus:1;mem:256"));
        assertThat(f.core.ledger().holdsReservation("r1", "e1")).isTrue();
        assertThat(f.containers.get("e1")).as("nothing moved").isEqualTo(limits);
        assertThat(fwReply(f.fw(FW, FrameworkCall.newBuilder().setKill(Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("t1"))))).getRejected().getCode())
                .isEqualTo(RejectCode.ALREADY_REPLACING);

        List<Effect> again = f.exec(EXEC, ExecutorCall.newBuilder().setReserve(Reserve.newBuilder()
                .setReplacementId(r.getReplacementId()).setOldTaskId(r.getOldTaskId()).setNewTask(r.getNewTask())));
        assertThat(execReply(again).getReserved()).as("idempotent: the executor may still send it")
                .isEqualTo(e.getReplace().getReserved());
    }

    @Test
    void offersAConcurrentStrategyOrATaskNotRunningGoToTheExecutorToReserve() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:256"));
        String offer = f.offer(FW, "cpus:1;mem:128");
        List<Effect> withOffer = f.fw(FW, FrameworkCall.newBuilder().setReplace(replace("r1", "t2", "cpus:2;mem:256",
                ReplaceStrategy.STOP_THEN_START).addOfferIds(OfferID.newBuilder().setValue(offer))));
        assertThat(delivered(withOffer).get(0).getReplace().hasReserved()).isFalse();
        assertThat(f.core.ledger().reservations()).isEmpty();

        CoreFixture g = new CoreFixture("cpus:4;mem:4096");
        g.framework(FW);
        g.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:256"));
        for (ReplaceStrategy s : List.of(ReplaceStrategy.START_THEN_STOP, ReplaceStrategy.FREEZE_THEN_START)) {
            List<Effect> out = g.fw(FW, FrameworkCall.newBuilder().setReplace(replace("r-" + s, "t-" + s,
                    "cpus:0.5;mem:64", s)));
            assertThat(delivered(out)).as("%s", s).hasSize(1);
            assertThat(delivered(out).get(0).getReplace().hasReserved()).as("%s", s).isFalse();
        }
        assertThat(g.core.ledger().reservations()).isEmpty();

        CoreFixture h = new CoreFixture("cpus:4;mem:4096");
        h.framework(FW);
        h.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:256"));
        h.update(EXEC, "t1", TaskState.TASK_KILLING);
        List<Effect> out = h.fw(FW, FrameworkCall.newBuilder().setReplace(replace("r1", "t2", "cpus:1;mem:128",
                ReplaceStrategy.STOP_THEN_START)));
        assertThat(delivered(out).get(0).getReplace().hasReserved()).as("t1 is being killed").isFalse();
    }

    /**
     * Simulation seed 449: the reserved REPLACE was lost with the connection; the re-subscription, which does not
     * claim it, dropped the reservation and reported its new task lost, and then the re-delivered request ran it.
     */
    @Test
    void aReservedReplaceTheExecutorNeverConfirmedKeepsItsReservationAcrossTheReSubscriptionUnlessTheOldTaskIsGone() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:256"));
        f.fw(FW, FrameworkCall.newBuilder().setReplace(replace("r1", "t2", "cpus:1;mem:128",
                ReplaceStrategy.STOP_THEN_START)));
        f.feed(new Input.ExecutorClosed(EXEC, f.now));
        List<Effect> back = f.subscribe(EXEC2, "e1", task("t1", "cpus:1;mem:256"));
        assertThat(relayed(back)).as("t2 is not lost: its request is delivered again").isEmpty();
        assertThat(delivered(back)).hasSize(1);
        assertThat(delivered(back).get(0).getReplace().hasReserved()).isTrue();
        assertThat(f.core.ledger().holdsReservation("r1", "e1")).isTrue();

        CoreFixture g = new CoreFixture("cpus:4;mem:4096");
        g.framework(FW);
        g.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:256"));
        g.fw(FW, FrameworkCall.newBuilder().setReplace(replace("r1", "t2", "cpus:1;mem:128",
                ReplaceStrategy.STOP_THEN_START)));
        g.feed(new Input.ExecutorClosed(EXEC, g.now));
        back = g.subscribe(EXEC2, "e1"); // t1 ended while the executor was away
        assertThat(g.core.ledger().holdsReservation("r1", "e1")).isFalse();
        assertThat(delivered(back).get(0).getReplace().hasReserved()).as("its reservation is gone").isFalse();
    }

    /**
     * A second REPLACE of a task whose replacement's RESERVE waits for its grant is delivered plain: reserved on
     * delivery, it took the task first and the waiting RESERVE was refused ALREADY_REPLACING, so both failed.
     */
    @Test
    void aSecondReplaceOfATaskWhoseReserveWaitsForItsGrantIsDeliveredPlain() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:256"));
        String offer = f.offer(FW, "cpus:1");
        Replace.Builder first = replace("r1", "t1", "cpus:2;mem:256", ReplaceStrategy.RESIZE_IN_PLACE)
                .addOfferIds(OfferID.newBuilder().setValue(offer));
        f.fw(FW, FrameworkCall.newBuilder().setReplace(first));
        f.holdAnswers = true;
        f.exec(EXEC, ExecutorCall.newBuilder().setReserve(Reserve.newBuilder().setReplacementId(first
                .getReplacementId()).setOldTaskId(first.getOldTaskId()).setNewTask(first.getNewTask())
                .addOfferIds(OfferID.newBuilder().setValue(offer))));
        assertThat(f.held).as("the grant is being decided").hasSize(1);
        f.holdAnswers = false;

        List<Effect> second = f.fw(FW, FrameworkCall.newBuilder().setReplace(replace("r2", "t1", "cpus:1;mem:128",
                ReplaceStrategy.RESIZE_IN_PLACE)));
        assertThat(delivered(second).get(0).getReplace().hasReserved()).isFalse();
        assertThat(f.core.ledger().reservations()).isEmpty();

        List<Effect> granted = f.feed(f.answer(f.held.remove(0)));
        assertThat(execReply(granted).hasReserved()).as("the first RESERVE is booked").isTrue();
        assertThat(f.core.ledger().holdsReservation("r1", "e1")).isTrue();
    }
}
