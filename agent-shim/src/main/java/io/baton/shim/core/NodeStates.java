package io.baton.shim.core;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.proto.ResourceList;
import io.baton.resources.Resources;
import io.baton.ledger.ExecutorView;
import io.baton.ledger.Ledger;
import io.baton.ledger.OfferView;
import io.baton.ledger.ReservationView;
import io.baton.proto.TaskStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the STATE snapshot from the ledger and what the core knows of connections and containers. */
final class NodeStates {
    private NodeStates() {
    }

    static NodeState snapshot(CoreState s, String isolatorKind) {
        Ledger l = s.ledger;
        NodeState.Builder b = NodeState.newBuilder().setNode(s.settings.node()).addAllTotal(l.total().toProto())
                .addAllAllocated(l.allocated().toProto()).addAllOffered(l.offered().toProto())
                .addAllReserved(l.reserved().toProto()).addAllFree(l.free().toProto())
                .setIsolator(isolatorKind);
        List<ReservationView> reservations = l.reservations();
        // tasks mostly share a handful of sizes: one ResourceList per distinct size, whose serialized size protobuf
        // then computes once, not once per task (a third of a 100,000-task STATE's CPU was these lists)
        Map<Resources, ResourceList> lists = new HashMap<>();
        for (ExecutorView e : l.executors()) {
            CoreState.Container c = s.containers.get(e.id());
            b.addExecutors(ExecutorState.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(e.id()))
                    .setConnected(s.bound.containsKey(e.id())).setPid((int) e.pid()).setUid(e.uid())
                    .addAllOverhead(e.overhead().toProto()).addAllAllocation(e.allocation().toProto())
                    .addAllLimits((c == null ? Resources.empty() : c.applied()).toProto()).addAllTasks(e.latest())
                    .addAllTasks(replacing(l, e, reservations))
                    .setContainer(c == null ? isolatorKind : c.description())
                    .putAllTaskResources(taskResources(e, lists)));
        }
        for (OfferView o : l.offers()) {
            b.addOffers(o.toProto(s.settings.node()));
        }
        for (ReservationView r : reservations) {
            b.addReservations(r.toState());
        }
        s.board.addTo(b);
        return b.build();
    }

    /**
     * The tasks of the executor's live replacements, which its held tasks leave out (the old task's resources
     * are in the reservation's pool, the new task's come from it): listed with their latest status, so a draining
     * old task and a starting new one both show.
     */
    private static List<TaskStatus> replacing(Ledger l, ExecutorView e, List<ReservationView> reservations) {
        List<TaskStatus> out = new ArrayList<>();
        for (ReservationView r : reservations) {
            if (!r.executorId().equals(e.id())) {
                continue;
            }
            for (String id : List.of(r.oldTask().getTaskId().getValue(), r.newTask().getTaskId().getValue())) {
                TaskStatus st = l.latest(id);
                if (st != null && !e.taskIds().contains(id)) {
                    out.add(st);
                }
            }
        }
        return out;
    }

    private static Map<String, ResourceList> taskResources(ExecutorView e, Map<Resources, ResourceList> lists) {
        Map<String, ResourceList> out = new LinkedHashMap<>();
        e.taskResources().forEach((id, r) -> out.put(id, lists.computeIfAbsent(r,
                k -> ResourceList.newBuilder().addAllResources(k.toProto()).build())));
        return out;
    }
}
