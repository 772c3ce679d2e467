package io.baton.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Keep;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReservationRecord;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import org.junit.jupiter.api.Test;

/** Regressions for what the deterministic simulation (sdk io.baton.sdk.sim) found in the ledger. */
class LedgerSimulationFindingsTest {
    final LedgerFixture f = new LedgerFixture("cpus:4;mem:4096");

    private ExecutorSubscribe.Builder sub(String exec) {
        return ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(exec))
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto());
    }

    private static TaskStatus status(String task, TaskState state, int uuid) {
        byte[] b = new byte[16];
        b[15] = (byte) uuid;
        return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task)).setState(state)
                .setUuid(ByteString.copyFrom(b)).build();
    }

    @Test
    void aResentTerminalUpdateWhoseTaskIsForgottenCanStillBeAcknowledged() {
        f.subscribe("e1", "cpus:0.1;mem:32", 1000);
        f.launch("e1", "t1", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        TaskStatus killed = status("t1", TaskState.TASK_KILLED, 1);
        f.ledger.recordStatus("e1", killed);
        assertThat(f.ledger.acknowledge("t1", killed.getUuid()).value()).isEqualTo("e1");
        // the acknowledgement never reached the executor: it resends; the shim has forgotten the task by now
        assertThat(f.ledger.recordStatus("e1", killed).accepted()).isTrue();
        assertThat(f.ledger.acknowledge("t1", killed.getUuid()).accepted()).as("the resend's ack goes back to e1").isTrue();
        f.balanced();
    }

    @Test
    void aTaskWhoseTerminalUpdateIsStillUnacknowledgedIsNotLostOnResubscription() {
        f.subscribe("e1", "cpus:0.1;mem:32", 1000);
        f.launch("e1", "t1", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        f.ledger.disconnected("e1", f.now);
        TaskInfo t1 = LedgerFixture.task("t1", "cpus:1;mem:128");
        var v = f.ledger.subscribe(sub("e1").addTasks(TaskRecord.newBuilder().setTask(t1)
                .setState(TaskState.TASK_KILLED)).build(), 100, 1000, f.now);
        assertThat(v.value().lostTasks()).isEmpty();
        assertThat(f.ledger.limitsOf("e1")).as("an ended task holds nothing").isEqualTo(Resources.parse("cpus:0.1;mem:32"));
        f.balanced();
    }

    /** Seeds 1734114 (KEEP_OLD, another id) and 2198078 (KEEP_NEW, a same-id resize). */
    @Test
    void aReleaseKeepingATaskThatHasEndedSinceHoldsNothingAlsoWhenRepeatedByAResubscription() {
        f.subscribe("e1", "cpus:0.1;mem:32", 1000);
        f.launch("e1", "a", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        f.launch("e1", "c", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        f.replace("e1", "r1", "a", "b", "cpus:1;mem:128", false);
        f.replace("e1", "r2", "c", "c", "cpus:1;mem:128", false);
        f.ledger.recordStatus("e1", status("a", TaskState.TASK_LOST, 1)); // lost in a restart meanwhile
        f.ledger.recordStatus("e1", status("c", TaskState.TASK_FAILED, 2)); // the resized task crashed
        assertThat(f.end("e1", "r1", Keep.KEEP_OLD).accepted()).isTrue();
        assertThat(f.end("e1", "r2", Keep.KEEP_NEW).accepted()).isTrue();
        assertThat(f.ledger.executor("e1").taskIds()).as("nothing runs: nothing is held").isEmpty();
        assertThat(f.ledger.limitsOf("e1")).isEqualTo(Resources.parse("cpus:0.1;mem:32"));
        f.ledger.acknowledge("a", status("a", TaskState.TASK_LOST, 1).getUuid());

        f.ledger.disconnected("e1", f.now); // the executor missed the RELEASEs' answers: it reports both again
        ExecutorSubscribe.Builder again = sub("e1");
        for (String[] r : new String[][] {{"r1", "a", "b"}, {"r2", "c", "c"}}) {
            again.addReservations(ReservationRecord.newBuilder().setReplacementId(ReplacementID.newBuilder()
                    .setValue(r[0])).setOldTask(LedgerFixture.task(r[1], "cpus:1;mem:128"))
                    .setNewTask(LedgerFixture.task(r[2], "cpus:1;mem:128"))
                    .addAllPool(Resources.parse("cpus:1;mem:128").toProto())
                    .addAllInUse(Resources.parse("cpus:1;mem:128").toProto()));
        }
        var v = f.ledger.subscribe(again.build(), 100, 1000, f.now);
        assertThat(v.accepted()).as(String.valueOf(v)).isTrue();
        assertThat(f.ledger.executor("e1").taskIds()).as("still nothing held").isEmpty();
        assertThat(f.ledger.limitsOf("e1")).isEqualTo(Resources.parse("cpus:0.1;mem:32"));
        f.balanced();
    }

    @Test
    void aResubscriptionReportingAReservationTheShimAlreadyEndedHoldsWhatWasKept() {
        f.subscribe("e1", "cpus:0.1;mem:32", 1000);
        f.launch("e1", "a", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        String o = f.offer("cpus:1;mem:128");
        f.replace("e1", "r1", "a", "b", "cpus:1;mem:128", true, o);
        f.end("e1", "r1", Keep.KEEP_NEW);
        f.offer("cpus:2.9"); // someone takes everything that is free meanwhile
        f.ledger.disconnected("e1", f.now);
        // the executor missed RELEASE's answer: it still reports the reservation
        ReservationRecord stale = ReservationRecord.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTask(LedgerFixture.task("a", "cpus:1;mem:128")).setNewTask(LedgerFixture.task("b", "cpus:1;mem:128"))
                .addAllPool(Resources.parse("cpus:2;mem:256").toProto())
                .addAllInUse(Resources.parse("cpus:2;mem:256").toProto()).setConcurrent(true).build();
        var v = f.ledger.subscribe(sub("e1").addReservations(stale).build(), 100, 1000, f.now);
        assertThat(v.accepted()).as(String.valueOf(v)).isTrue();
        assertThat(v.value().lostTasks()).isEmpty();
        assertThat(f.ledger.executor("e1").taskIds()).containsExactly("b");
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).accepted()).as("the repeated RELEASE is answered").isTrue();
        f.balanced();
    }

    @Test
    void aReservedTaskThatAlreadyEndedIsNotReportedLostWhenTheExecutorComesBackWithoutTheReservation() {
        f.subscribe("e1", "cpus:0.1;mem:32", 1000);
        f.launch("e1", "a", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        f.replace("e1", "r1", "a", "b", "cpus:1;mem:128", false);
        // the RESERVE's answer was lost; the old task ended; the executor aborted without knowing it had reserved
        f.ledger.recordStatus("e1", status("a", TaskState.TASK_KILLED, 2));
        f.ledger.disconnected("e1", f.now);
        var v = f.ledger.subscribe(sub("e1").build(), 100, 1000, f.now);
        assertThat(v.value().lostTasks()).extracting(t -> t.getTaskId().getValue()).containsExactly("b");
        assertThat(f.ledger.reservations()).isEmpty();
        f.balanced();
    }

    /** Seed 3260962435: two same-id resizes of one task, the first's RELEASE answer lost, then a re-subscription. */
    @Test
    void aResubscriptionReportingAnEndedReservationBesideALaterOneOfTheSameTaskIsAccepted() {
        f.subscribe("e1", "cpus:0.1;mem:32", 1000);
        f.launch("e1", "c", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        f.replace("e1", "r1", "c", "c", "cpus:1;mem:128", false);
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).accepted()).isTrue(); // its answer never reaches the executor
        f.replace("e1", "r2", "c", "c", "cpus:1;mem:128", false);
        f.ledger.disconnected("e1", f.now);
        ExecutorSubscribe.Builder again = sub("e1");
        for (String rid : new String[] {"r1", "r2"}) {
            again.addReservations(ReservationRecord.newBuilder().setReplacementId(ReplacementID.newBuilder()
                    .setValue(rid)).setOldTask(LedgerFixture.task("c", "cpus:1;mem:128"))
                    .setNewTask(LedgerFixture.task("c", "cpus:1;mem:128"))
                    .addAllPool(Resources.parse("cpus:1;mem:128").toProto())
                    .addAllInUse(Resources.parse("cpus:1;mem:128").toProto()));
        }
        var v = f.ledger.subscribe(again.build(), 100, 1000, f.now);
        assertThat(v.accepted()).as(String.valueOf(v)).isTrue();
        assertThat(v.value().lostTasks()).isEmpty();
        assertThat(f.ledger.reservations()).as("c is r2's, not held twice")
                .extracting(ReservationView::replacementId).containsExactly("r2");
        assertThat(f.ledger.executor("e1").taskIds()).isEmpty();
        assertThat(f.ledger.limitsOf("e1")).isEqualTo(Resources.parse("cpus:1.1;mem:160"));
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).accepted()).as("the repeated RELEASE is answered").isTrue();
        assertThat(f.end("e1", "r2", Keep.KEEP_NEW).accepted()).isTrue();
        assertThat(f.ledger.executor("e1").taskIds()).containsExactly("c");
        f.balanced();
    }
}
