package io.baton.shim.server;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.ledger.ExecutorView;
import io.baton.ledger.Ledger;
import io.baton.ledger.OfferView;
import io.baton.ledger.ReservationView;

/** Builds the STATE snapshot. */
final class NodeStates {
    private NodeStates() {
    }

    private static java.util.Map<String, io.baton.proto.ResourceList> taskResources(ExecutorView e) {
        java.util.Map<String, io.baton.proto.ResourceList> out = new java.util.LinkedHashMap<>();
        e.taskResources().forEach((id, r) -> out.put(id, io.baton.proto.ResourceList.newBuilder()
                .addAllResources(r.toProto()).build()));
        return out;
    }

    static NodeState snapshot(ShimContext ctx) {
        Ledger l = ctx.ledger;
        NodeState.Builder b = NodeState.newBuilder().setNode(ctx.config.node()).addAllTotal(l.total().toProto())
                .addAllAllocated(l.allocated().toProto()).addAllOffered(l.offered().toProto())
                .addAllReserved(l.reserved().toProto()).addAllFree(l.free().toProto())
                .setIsolator(ctx.containers.kind());
        for (ExecutorView e : l.executors()) {
            b.addExecutors(ExecutorState.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(e.id()))
                    .setConnected(ctx.sessions.isConnected(e.id())).setPid((int) e.pid()).setUid(e.uid())
                    .addAllOverhead(e.overhead().toProto()).addAllAllocation(e.allocation().toProto())
                    .addAllLimits(ctx.containers.applied(e.id()).toProto()).addAllTasks(e.latest())
                    .setContainer(ctx.containers.description(e.id()))
                    .putAllTaskResources(taskResources(e)));
        }
        for (OfferView o : l.offers()) {
            b.addOffers(o.toProto(ctx.config.node()));
        }
        for (ReservationView r : l.reservations()) {
            b.addReservations(r.toState());
        }
        return b.build();
    }
}
