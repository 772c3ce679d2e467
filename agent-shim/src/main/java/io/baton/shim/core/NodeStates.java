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
import java.util.LinkedHashMap;
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
        for (ExecutorView e : l.executors()) {
            CoreState.Container c = s.containers.get(e.id());
            b.addExecutors(ExecutorState.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(e.id()))
                    .setConnected(s.bound.containsKey(e.id())).setPid((int) e.pid()).setUid(e.uid())
                    .addAllOverhead(e.overhead().toProto()).addAllAllocation(e.allocation().toProto())
                    .addAllLimits((c == null ? Resources.empty() : c.applied()).toProto()).addAllTasks(e.latest())
                    .setContainer(c == null ? isolatorKind : c.description())
                    .putAllTaskResources(taskResources(e)));
        }
        for (OfferView o : l.offers()) {
            b.addOffers(o.toProto(s.settings.node()));
        }
        for (ReservationView r : l.reservations()) {
            b.addReservations(r.toState());
        }
        s.board.addTo(b);
        return b.build();
    }

    private static Map<String, ResourceList> taskResources(ExecutorView e) {
        Map<String, ResourceList> out = new LinkedHashMap<>();
        e.taskResources().forEach((id, r) -> out.put(id, ResourceList.newBuilder().addAllResources(r.toProto()).build()));
        return out;
    }
}
