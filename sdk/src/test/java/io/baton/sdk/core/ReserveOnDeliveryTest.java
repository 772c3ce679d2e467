package io.baton.sdk.core;

import static io.baton.proto.ReplaceStrategy.RESIZE_IN_PLACE;
import static io.baton.proto.ReplaceStrategy.STOP_THEN_START;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_LOST;
import static io.baton.proto.TaskState.TASK_RUNNING;
import static io.baton.sdk.core.Script.policy;
import static io.baton.sdk.core.Script.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Keep;
import io.baton.proto.TaskReason;
import io.baton.resources.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A REPLACE the shim reserved when it delivered it (no resources move): the engine takes the pool in the same
 * step instead of sending a RESERVE, and gives it back when it does not take the request up.
 */
@ExtendWith(RowCoverage.class)
class ReserveOnDeliveryTest {
    final Script s = new Script().running(task("a", "cpus:1;mem:512"));

    @Test
    void theOldTaskIsKilledInTheStepThatReceivedTheRequestWithNoReserveSent() {
        s.reservedOnDelivery("r1", "a", task("b", "cpus:1;mem:256"), policy(STOP_THEN_START));
        s.expect(Phase.DRAINING);
        assertThat(s.kinds()).doesNotContain("Reserve").contains("Kill");
        assertThat(s.engine.replacement("r1").pool()).isEqualTo(Resources.parse("cpus:1;mem:512"));
        assertThat(s.report("a").state()).isEqualTo(io.baton.proto.TaskState.TASK_KILLING);
        s.status("a", TASK_KILLED).expect(Phase.LAUNCHING).status("b", TASK_RUNNING).expect(Phase.COMMITTED);
        s.expectRelease(Keep.KEEP_NEW);
        s.on(new Event.Released(s.now));
        assertThat(s.engine.replacement("r1").releasePending()).isFalse();
        s.checkInvariants();
    }

    @Test
    void aResizeInPlaceReservedOnDeliveryGoesStraightToTheResize() {
        s.reservedOnDelivery("r1", "a", task("a", "cpus:0.5;mem:512"), policy(RESIZE_IN_PLACE));
        s.expect(Phase.RESIZING);
        assertThat(s.kinds()).doesNotContain("Reserve");
    }

    @Test
    void aRequestRefusedByTheExecutorGivesTheShimsReservationBackKeepingTheOldTask() {
        s.replace("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START)); // a is busy from now on
        s.reservedOnDelivery("r2", "a", task("c", "cpus:1"), policy(STOP_THEN_START));
        s.expect(Phase.REJECTED);
        s.expectRelease(Keep.KEEP_OLD);
        s.expectReport("c", TASK_LOST, TaskReason.REPLACE_INVALID);
        Replacement r2 = s.engine.replacement("r2");
        assertThat(r2.releasePending()).as("the release is re-issued until the shim confirms it").isTrue();
        assertThat(Resume.commands(r2, false)).containsExactly(new Command.Release("r2", Keep.KEEP_OLD));
        s.on(new Event.Released(s.now)).expect(Phase.REJECTED);
        assertThat(r2.releasePending()).isFalse();
        s.checkInvariants();
    }

    @Test
    void aRequestThatWaitsForTheShimKeepsTheReservationForItsOwnReserveOrGivesItBackWhenItEnds() {
        Script waits = new Script().running(task("a", "cpus:1"));
        waits.engine.shimDisconnected();
        waits.reservedOnDelivery("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        waits.expect(Phase.PENDING);
        assertThat(waits.last).as("nothing released while it waits: its RESERVE is answered with that pool")
                .noneMatch(c -> c instanceof Command.Release);
        waits.timer(Timer.DRAIN).expect(Phase.ABORTED);
        waits.expectRelease(Keep.KEEP_OLD);
        waits.on(new Event.Released(waits.now));
        waits.checkInvariants();

        Script ended = new Script().running(task("a", "cpus:1"));
        ended.engine.shimDisconnected();
        ended.reservedOnDelivery("r1", "a", task("b", "cpus:1"), policy(STOP_THEN_START));
        ended.status("a", io.baton.proto.TaskState.TASK_FAILED).expect(Phase.REJECTED);
        ended.expectRelease(Keep.KEEP_NONE); // the old task is gone: nothing is kept
        ended.checkInvariants();
    }
}
