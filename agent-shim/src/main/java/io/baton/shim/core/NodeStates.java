package io.baton.shim.core;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorState;
import io.baton.proto.HeldTask;
import io.baton.proto.NodeState;
import io.baton.proto.ResourceList;
import io.baton.resources.Resources;
import io.baton.ledger.ExecutorView;
import io.baton.ledger.Ledger;
import io.baton.ledger.OfferView;
import io.baton.ledger.ReservationView;
import io.baton.proto.TaskStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Builds the STATE snapshot from the ledger and what the core knows of connections and containers. */
final class NodeStates {
    private NodeStates() {
    }

    /** An executor's part of the last snapshot, with the stamp of everything it was made from. */
    record Cached(Object[] stamp, ExecutorState state) {
    }

    /**
     * Several nodes' snapshots as one, called {@code name}: every list holds every node's entries (each executor
     * naming its node; the finished replacements oldest first over all nodes), the sums are over the nodes, and
     * {@link NodeState#getNodesList()} keeps each node's own sums.
     */
    static NodeState merge(String name, List<NodeState> states) {
        NodeState.Builder b = NodeState.newBuilder().setNode(name);
        Resources[] sums = {Resources.empty(), Resources.empty(), Resources.empty(), Resources.empty(),
                Resources.empty()};
        List<io.baton.proto.FinishedReplacement> finished = new ArrayList<>();
        for (NodeState st : states) {
            b.setIsolator(st.getIsolator());
            b.addNodes(NodeState.newBuilder().setNode(st.getNode()).addAllTotal(st.getTotalList())
                    .addAllAllocated(st.getAllocatedList()).addAllOffered(st.getOfferedList())
                    .addAllReserved(st.getReservedList()).addAllFree(st.getFreeList()));
            sums[0] = sums[0].plus(Resources.fromProto(st.getTotalList()));
            sums[1] = sums[1].plus(Resources.fromProto(st.getAllocatedList()));
            sums[2] = sums[2].plus(Resources.fromProto(st.getOfferedList()));
            sums[3] = sums[3].plus(Resources.fromProto(st.getReservedList()));
            sums[4] = sums[4].plus(Resources.fromProto(st.getFreeList()));
            for (ExecutorState e : st.getExecutorsList()) {
                b.addExecutors(e.toBuilder().setNode(st.getNode()));
            }
            b.addAllOffers(st.getOffersList()).addAllReservations(st.getReservationsList())
                    .addAllReplacementsInFlight(st.getReplacementsInFlightList());
            for (io.baton.proto.RefusedSubscription r : st.getRefusedSubscriptionsList()) {
                b.addRefusedSubscriptions(r.toBuilder().setNode(st.getNode()));
            }
            finished.addAll(st.getFinishedReplacementsList());
        }
        finished.sort(java.util.Comparator.comparingLong(f -> f.getFinalUpdate().getTimestampUs()));
        return b.addAllTotal(sums[0].toProto()).addAllAllocated(sums[1].toProto()).addAllOffered(sums[2].toProto())
                .addAllReserved(sums[3].toProto()).addAllFree(sums[4].toProto()).addAllFinishedReplacements(finished)
                .build();
    }

    static NodeState snapshot(CoreState s, String isolatorKind) {
        return snapshot(s, isolatorKind, s.stateCache);
    }

    /** The snapshot with {@code cache} as the executors' cache (an empty one builds every executor from scratch). */
    static NodeState snapshot(CoreState s, String isolatorKind, Map<String, Cached> cache) {
        Ledger l = s.ledger;
        NodeState.Builder b = NodeState.newBuilder().setNode(s.settings.node()).addAllTotal(l.total().toProto())
                .addAllAllocated(l.allocated().toProto()).addAllOffered(l.offered().toProto())
                .addAllReserved(l.reserved().toProto()).addAllFree(l.free().toProto())
                .setIsolator(isolatorKind);
        List<ReservationView> reservations = l.reservations();
        Map<String, List<ReservationView>> replacing = new HashMap<>();
        for (ReservationView r : reservations) {
            replacing.computeIfAbsent(r.executorId(), k -> new ArrayList<>()).add(r);
        }
        // tasks mostly share a handful of sizes: one ResourceList per distinct size, whose serialized size protobuf
        // then computes once, not once per task (a third of a 100,000-task STATE's CPU was these lists)
        Map<Resources, ResourceList> lists = new HashMap<>();
        List<String> ids = l.executorIds();
        cache.keySet().retainAll(new java.util.HashSet<>(ids));
        for (String id : ids) {
            // an executor whose stamp is unchanged since the last snapshot is not built again: its message is
            // immutable, and protobuf keeps its serialized size (most of a 100,000-task STATE's CPU was building
            // and sizing executors that had not changed)
            CoreState.Container c = s.containers.get(id);
            List<ReservationView> mine = replacing.getOrDefault(id, List.of());
            Object[] stamp = stamp(l, id, c, s.bound.containsKey(id), isolatorKind, mine);
            Cached hit = cache.get(id);
            if (hit == null || !Arrays.equals(hit.stamp(), stamp)) {
                hit = new Cached(stamp, executorState(l, l.executor(id), c, s.bound.containsKey(id), isolatorKind,
                        mine, lists));
                cache.put(id, hit);
            }
            b.addExecutors(hit.state());
        }
        for (OfferView o : l.offers()) {
            b.addOffers(o.toProto(s.settings.node()));
        }
        for (ReservationView r : reservations) {
            b.addReservations(r.toState());
        }
        s.board.addTo(b);
        return b.addAllRefusedSubscriptions(s.refused.toProto()).build();
    }

    /**
     * Everything {@link #executorState} reads, by reference or value: the ledger's stamp of the executor, its
     * container (an immutable record, replaced when it changes), whether it is connected, the isolator, and the
     * latest statuses of its replacements' tasks.
     */
    private static Object[] stamp(Ledger l, String id, CoreState.Container c, boolean connected, String isolatorKind,
            List<ReservationView> mine) {
        Object[] ledger = l.executorStamp(id);
        Object[] out = Arrays.copyOf(ledger, ledger.length + 3 + 2 * mine.size());
        int i = ledger.length;
        out[i++] = c;
        out[i++] = connected;
        out[i++] = isolatorKind;
        for (ReservationView r : mine) {
            out[i++] = l.latest(r.oldTask().getTaskId().getValue());
            out[i++] = l.latest(r.newTask().getTaskId().getValue());
        }
        return out;
    }

    private static ExecutorState executorState(Ledger l, ExecutorView e, CoreState.Container c, boolean connected,
            String isolatorKind, List<ReservationView> mine, Map<Resources, ResourceList> lists) {
        return ExecutorState.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(e.id()))
                .setConnected(connected).setPid((int) e.pid()).setUid(e.uid()).setSubscribedAtUs(e.subscribedAtUs())
                .addAllOverhead(e.overhead().toProto()).addAllAllocation(e.allocation().toProto())
                .addAllLimits((c == null ? Resources.empty() : c.applied()).toProto()).addAllTasks(e.latest())
                .addAllTasks(replacing(l, e, mine))
                .setContainer(c == null ? isolatorKind : c.description())
                .addAllTaskResources(taskResources(e, lists)).build();
    }

    /**
     * The tasks of the executor's live replacements, which its held tasks leave out (the old task's resources
     * are in the reservation's pool, the new task's come from it): listed with their latest status, so a draining
     * old task and a starting new one both show.
     */
    private static List<TaskStatus> replacing(Ledger l, ExecutorView e, List<ReservationView> mine) {
        List<TaskStatus> out = new ArrayList<>();
        for (ReservationView r : mine) {
            for (String id : List.of(r.oldTask().getTaskId().getValue(), r.newTask().getTaskId().getValue())) {
                TaskStatus st = l.latest(id);
                if (st != null && !e.taskIds().contains(id)) {
                    out.add(st);
                }
            }
        }
        return out;
    }

    private static List<HeldTask> taskResources(ExecutorView e, Map<Resources, ResourceList> lists) {
        List<HeldTask> out = new ArrayList<>(e.taskResources().size());
        e.taskResources().forEach((id, r) -> out.add(HeldTask.newBuilder().setTaskId(id).setResources(
                lists.computeIfAbsent(r, k -> ResourceList.newBuilder().addAllResources(k.toProto()).build())).build()));
        return out;
    }
}
