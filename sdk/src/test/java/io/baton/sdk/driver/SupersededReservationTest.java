package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReservationRecord;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Simulation seed 3260962435 (open finding 34 until this test): two same-id resizes of one task, the first one's
 * RELEASE answer lost, the second reserved after it. The executor's subscription reported both reservations,
 * naming the task twice, and the shim refused every re-subscription (DUPLICATE_TASK) for ever. A reservation a
 * later replacement of the same task was granted has ended on the shim: only the later one is reported.
 */
class SupersededReservationTest {
    private final DriverFixture f = new DriverFixture();

    private static ExecutorEvent resize(String id) {
        ExecutorEvent e = DriverFixture.replace(id, "a", DriverFixture.task("a"));
        return e.toBuilder().setReplace(e.getReplace().toBuilder().setRequest(e.getReplace().getRequest().toBuilder()
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.RESIZE_IN_PLACE)))).build();
    }

    private static List<String> reservationIds(ExecutorSubscribe s) {
        return s.getReservationsList().stream().map(r -> r.getReplacementId().getValue()).toList();
    }

    private static ExecutorSubscribe subscription(List<Effect> effects) {
        return DriverFixture.last(effects, Effect.Subscribe.class).subscription();
    }

    @Test
    void aReservationWhoseTaskALaterReplacementReservedIsNotReportedAgain() {
        ExecutorDriver d = f.subscribed();
        Effect.RunHook launch = DriverFixture.last(f.event(d, DriverFixture.launch(DriverFixture.task("a"))),
                Effect.RunHook.class);
        d.step(new Input.HookReturned(launch, true, null, f.now += 1_000));
        d.step(new Input.TaskReported("a", launch.incarnation(), TaskState.TASK_RUNNING, "", f.now += 1_000));

        Effect.Call reserve1 = DriverFixture.last(f.event(d, resize("r1")), Effect.Call.class);
        Effect.RunHook hook1 = DriverFixture.last(d.step(new Input.Answered(reserve1, Input.Answer.ok(
                Resources.parse("cpus:1;mem:64").toProto()), f.now += 1_000)), Effect.RunHook.class);
        Effect.Call release1 = DriverFixture.last(d.step(new Input.HookReturned(hook1, true, null, f.now += 1_000)),
                Effect.Call.class);
        assertThat(release1.kind()).isEqualTo(Effect.CallKind.RELEASE);
        d.step(new Input.Disconnected("connection lost", f.now += 1_000)); // RELEASE r1's answer with it
        assertThat(reservationIds(subscription(d.step(new Input.Connected(f.now += 1_000)))))
                .as("r1's release is unconfirmed: still reported").containsExactly("r1");
        d.step(new Input.Subscribed("c1", f.now += 1_000)); // RELEASE r1 goes out again; its answer is lost too

        Effect.Call reserve2 = DriverFixture.last(f.event(d, resize("r2")), Effect.Call.class);
        assertThat(reserve2.kind()).isEqualTo(Effect.CallKind.RESERVE);
        d.step(new Input.Answered(reserve2, Input.Answer.ok(Resources.parse("cpus:1;mem:64").toProto()),
                f.now += 1_000)); // the shim granted it: r1 has ended there
        d.step(new Input.Disconnected("connection lost", f.now += 1_000));
        ExecutorSubscribe again = subscription(d.step(new Input.Connected(f.now += 1_000)));
        assertThat(reservationIds(again)).containsExactly("r2");
        assertThat(again.getTasksList()).as("a is r2's").isEmpty();

        ExecutorDriver restarted = f.driver(); // and after a crash, from the journal
        restarted.step(new Input.Start(f.now += 1_000));
        restarted.step(new Input.Recovered(Set.of("a"), f.now));
        ExecutorSubscribe recovered = subscription(restarted.step(new Input.Connected(f.now += 1_000)));
        assertThat(reservationIds(recovered)).containsExactly("r2");
        assertThat(recovered.getReservationsList()).extracting(ReservationRecord::getOldTask)
                .extracting(t -> t.getTaskId().getValue()).containsExactly("a");
        assertThat(recovered.getTasksList()).isEmpty();
    }

    /**
     * A later REPLACE of the task can be reserved on delivery while an earlier replacement's RESERVE waits for its
     * grant (a grant that goes through the node, e.g. YARN's resource manager): the engine refuses it, the task being
     * busy, and releases it, and the earlier one is granted after. That earlier reservation is live on the shim and
     * must be reported; hidden, the shim would drop its pool and shrink the container under the resize (found in a
     * review of finding 34's fix).
     */
    @Test
    void aReservationStillUnderWayIsReportedThoughALaterRefusedOneWasReservedOnDelivery() {
        ExecutorDriver d = f.subscribed();
        Effect.RunHook launch = DriverFixture.last(f.event(d, DriverFixture.launch(DriverFixture.task("a"))),
                Effect.RunHook.class);
        d.step(new Input.HookReturned(launch, true, null, f.now += 1_000));
        d.step(new Input.TaskReported("a", launch.incarnation(), TaskState.TASK_RUNNING, "", f.now += 1_000));

        Effect.Call reserve1 = DriverFixture.last(f.event(d, resize("r1")), Effect.Call.class); // its grant is slow
        ExecutorEvent r2 = resize("r2");
        r2 = r2.toBuilder().setReplace(r2.getReplace().toBuilder().setReserved(ReservationRecord.newBuilder()
                .setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue("r2"))
                .setOldTask(DriverFixture.task("a")).setNewTask(DriverFixture.task("a"))
                .addAllPool(Resources.parse("cpus:1;mem:64").toProto()))).build();
        Effect.Call release2 = DriverFixture.last(f.event(d, r2), Effect.Call.class);
        assertThat(release2.kind()).as("r2 refused (a is busy with r1), its reservation given back")
                .isEqualTo(Effect.CallKind.RELEASE);
        assertThat(((io.baton.proto.Release) release2.request()).getKeep()).isEqualTo(io.baton.proto.Keep.KEEP_OLD);
        d.step(new Input.Answered(release2, Input.Answer.ok(Resources.parse("cpus:1.1;mem:96").toProto()),
                f.now += 1_000));
        d.step(new Input.Answered(reserve1, Input.Answer.ok(Resources.parse("cpus:1;mem:64").toProto()),
                f.now += 1_000));
        assertThat(d.je.engine().replacement("r1").holdsReservation()).isTrue();

        d.step(new Input.Disconnected("connection lost", f.now += 1_000));
        assertThat(reservationIds(subscription(d.step(new Input.Connected(f.now += 1_000)))))
                .as("r1 is live on the shim").containsExactly("r1");
    }
}
