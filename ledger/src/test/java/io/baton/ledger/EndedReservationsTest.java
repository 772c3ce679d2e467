package io.baton.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Keep;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReservationRecord;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import org.junit.jupiter.api.Test;

/**
 * A re-subscription that reports several reservations the shim already ended (the executor missed their RELEASEs'
 * answers and will repeat them): what they kept is held as the most recent of them left it, in whatever order the
 * executor lists them.
 */
class EndedReservationsTest {
    final LedgerFixture f = new LedgerFixture("cpus:4;mem:4096");

    private static ReservationRecord record(String rid, String oldTask, String oldRes, String newTask, String newRes,
            String pool) {
        return ReservationRecord.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTask(LedgerFixture.task(oldTask, oldRes)).setNewTask(LedgerFixture.task(newTask, newRes))
                .addAllPool(Resources.parse(pool).toProto()).addAllInUse(Resources.parse(pool).toProto()).build();
    }

    private ExecutorSubscribe.Builder again(ReservationRecord... listed) {
        ExecutorSubscribe.Builder b = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder()
                .setValue("e1")).addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto());
        for (ReservationRecord r : listed) {
            b.addReservations(r);
        }
        return b;
    }

    /** Grows c to 2 cpus (r1), then shrinks it to 0.5 (r2); both RELEASEs' answers lost. */
    private ReservationRecord[] twoResizes() {
        f.subscribe("e1", "cpus:0.1;mem:32", 1000);
        f.launch("e1", "c", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        assertThat(f.replace("e1", "r1", "c", "c", "cpus:2;mem:128", false, f.offer("cpus:1")).accepted()).isTrue();
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).accepted()).isTrue();
        assertThat(f.replace("e1", "r2", "c", "c", "cpus:0.5;mem:128", false).accepted()).isTrue();
        assertThat(f.end("e1", "r2", Keep.KEEP_NEW).accepted()).isTrue();
        assertThat(f.ledger.limitsOf("e1")).isEqualTo(Resources.parse("cpus:0.6;mem:160"));
        f.ledger.disconnected("e1", f.now);
        return new ReservationRecord[] {
            record("r1", "c", "cpus:1;mem:128", "c", "cpus:2;mem:128", "cpus:2;mem:128"),
            record("r2", "c", "cpus:2;mem:128", "c", "cpus:0.5;mem:128", "cpus:2;mem:128"),
        };
    }

    @Test
    void twoEndedResizesOfOneTaskHoldItAtTheLaterSizeWhicheverIsListedFirst() {
        ReservationRecord[] rs = twoResizes();
        var v = f.ledger.subscribe(again(rs[0], rs[1]).build(), 100, 1000, f.now);
        assertThat(v.accepted()).as(String.valueOf(v)).isTrue();
        assertThat(v.value().lostTasks()).isEmpty();
        assertThat(f.ledger.executor("e1").taskIds()).containsExactly("c");
        assertThat(f.ledger.limitsOf("e1")).as("c at r2's 0.5 cpus, not r1's 2")
                .isEqualTo(Resources.parse("cpus:0.6;mem:160"));
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).accepted()).as("the repeated RELEASEs are answered").isTrue();
        assertThat(f.end("e1", "r2", Keep.KEEP_NEW).accepted()).isTrue();
        assertThat(f.ledger.limitsOf("e1")).isEqualTo(Resources.parse("cpus:0.6;mem:160"));
        f.balanced();
    }

    @Test
    void theSameListedTheOtherWayRound() {
        ReservationRecord[] rs = twoResizes();
        var v = f.ledger.subscribe(again(rs[1], rs[0]).build(), 100, 1000, f.now);
        assertThat(v.accepted()).as(String.valueOf(v)).isTrue();
        assertThat(f.ledger.limitsOf("e1")).isEqualTo(Resources.parse("cpus:0.6;mem:160"));
        f.balanced();
    }

    @Test
    void aTaskALaterEndedReplacementReplacedIsNotHeldAgain() {
        f.subscribe("e1", "cpus:0.1;mem:32", 1000);
        f.launch("e1", "a", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        assertThat(f.replace("e1", "r1", "a", "b", "cpus:1;mem:128", false).accepted()).isTrue();
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).accepted()).isTrue();
        assertThat(f.replace("e1", "r2", "b", "c", "cpus:1;mem:128", false).accepted()).isTrue();
        assertThat(f.end("e1", "r2", Keep.KEEP_NEW).accepted()).isTrue();
        f.ledger.disconnected("e1", f.now);
        // both answers lost; b's KILLED has not reached the shim yet, so the executor reports it as ended
        ExecutorSubscribe.Builder sub = again(
                record("r1", "a", "cpus:1;mem:128", "b", "cpus:1;mem:128", "cpus:1;mem:128"),
                record("r2", "b", "cpus:1;mem:128", "c", "cpus:1;mem:128", "cpus:1;mem:128"))
                .addTasks(TaskRecord.newBuilder().setTask(LedgerFixture.task("b", "cpus:1;mem:128"))
                        .setState(TaskState.TASK_KILLED));
        var v = f.ledger.subscribe(sub.build(), 100, 1000, f.now);
        assertThat(v.accepted()).as(String.valueOf(v)).isTrue();
        assertThat(v.value().lostTasks()).isEmpty();
        assertThat(f.ledger.executor("e1").taskIds()).as("b was replaced by c").containsExactly("c");
        assertThat(f.ledger.limitsOf("e1")).isEqualTo(Resources.parse("cpus:1.1;mem:160"));
        f.balanced();
    }
}
