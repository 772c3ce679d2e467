package io.baton.sdk.driver;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.OfferID;
import io.baton.proto.ReservationRecord;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.tasks.TaskStates;
import io.baton.resources.Resources;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Replacement;
import io.baton.sdk.core.Resume;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** (Re-)subscribing: what the executor reports (tasks, live reservations) and which shim calls it re-issues. */
public final class Subscriptions {
    private Subscriptions() {
    }

    /** The shim calls to re-issue after a (re-)subscription, in order. */
    public static List<Command> reissued(Engine engine) {
        List<Command> cmds = new ArrayList<>();
        for (Replacement r : engine.replacements()) {
            if (!r.phase().terminal() || r.releasePending()) {
                for (Command c : Resume.commands(r, true)) {
                    if (RecoverySteps.isShimCall(c)) {
                        cmds.add(c);
                    }
                }
            }
        }
        return cmds;
    }

    /** The subscription: who this executor is and what it runs, so a restarted shim can rebuild its ledger. */
    public static ExecutorSubscribe describe(Engine engine, List<TaskStatus> unacknowledged, String executorId,
            Resources overhead) {
        ExecutorSubscribe.Builder b = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder()
                .setValue(executorId)).addAllOverhead(overhead.toProto()).setAcknowledgedTogether(true);
        List<ReservationRecord> reservations = reservations(engine);
        Set<String> inReservations = new HashSet<>();
        reservations.forEach(r -> {
            inReservations.add(r.getOldTask().getTaskId().getValue());
            inReservations.add(r.getNewTask().getTaskId().getValue());
        });
        engine.tasks().forEach((id, info) -> {
            // a task inside a live reservation is the reservation's until RELEASE says otherwise; the old
            // task of a replacement not reserved yet is still simply held
            if (!inReservations.contains(id)) {
                TaskState s = engine.state(id);
                b.addTasks(TaskRecord.newBuilder().setTask(info).setState(s == null ? TaskState.TASK_RUNNING : s));
            }
        });
        reservations.forEach(b::addReservations);
        // tasks that ended with their terminal update not yet acknowledged: the shim must not call them lost
        Set<String> ended = new HashSet<>();
        for (TaskStatus st : unacknowledged) {
            String id = st.getTaskId().getValue();
            if (TaskStates.isTerminal(st.getState()) && !engine.tasks().containsKey(id) && !inReservations.contains(id)
                    && ended.add(id)) {
                b.addTasks(TaskRecord.newBuilder().setTask(TaskInfo.newBuilder().setTaskId(st.getTaskId()))
                        .setState(st.getState()));
            }
        }
        for (Replacement r : engine.unfinished()) {
            if (r.phase() == Phase.REQUESTED) {
                b.addPendingReserves(Commands.rid(r.id())); // its RESERVE may have landed unanswered
            }
        }
        return b.build();
    }

    static List<ReservationRecord> reservations(Engine engine) {
        List<ReservationRecord> out = new ArrayList<>();
        List<Replacement> all = new ArrayList<>(engine.replacements());
        for (int i = 0; i < all.size(); i++) {
            Replacement r = all.get(i);
            if (!r.holdsReservation() || r.phase().terminal() && supersededLater(all, i)) {
                continue;
            }
            ReservationRecord.Builder b = ReservationRecord.newBuilder()
                    .setReplacementId(Commands.rid(r.id())).setOldTask(r.oldTask()).setNewTask(r.request().newTask())
                    .addAllPool(r.pool().toProto()).addAllInUse(r.inUse().toProto())
                    .setConcurrent(r.request().policy().concurrent());
            r.request().offerIds().forEach(o -> b.addOfferIds(OfferID.newBuilder().setValue(o)));
            out.add(b.build());
        }
        return out;
    }

    /**
     * Whether a later replacement was reserved with one of this one's tasks as its old task. For a replacement that
     * has ended (its release unconfirmed) that means its reservation has ended on the shim, which reserves no task
     * a live reservation holds: reporting it would name that task twice, and the shim would refuse every
     * subscription (simulation seed 3260962435: same-id resizes r3 and r4 of t6, RELEASE r3's answer lost twice,
     * then an executor crash). Not so for one still under way: a later REPLACE of its old task can be reserved on
     * delivery before this one's RESERVE is granted (then refused as the task is busy, and released), so the caller
     * asks this of ended replacements only. Hiding an ended one the shim still holds is harmless: its task is
     * reported at the size it kept, and its repeated RELEASE is answered UNKNOWN_RESERVATION, which means released.
     */
    private static boolean supersededLater(List<Replacement> all, int i) {
        Replacement r = all.get(i);
        String oldId = r.oldTask().getTaskId().getValue();
        String newId = r.request().newTask().getTaskId().getValue();
        for (int j = i + 1; j < all.size(); j++) {
            Replacement later = all.get(j);
            String laterOld = later.oldTask().getTaskId().getValue();
            if (later.wasReserved() && (laterOld.equals(oldId) || laterOld.equals(newId))) {
                return true;
            }
        }
        return false;
    }
}
