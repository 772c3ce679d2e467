package io.baton.ledger;

import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ExecutorEntry;
import io.baton.ledger.LedgerEntries.OfferEntry;
import io.baton.ledger.LedgerEntries.ReservationEntry;

/** Recomputes the ledger's sums from scratch and checks them against the running totals and the total. */
final class LedgerAudit {
    private LedgerAudit() {
    }

    static String verify(Ledger l) {
        Resources a = Resources.empty();
        for (ExecutorEntry e : l.executorMap().values()) {
            Resources fromScratch = e.recomputedAllocation();
            if (!fromScratch.equals(e.allocation())) {
                return "executor " + e.id + "'s running allocation drifted: " + e.allocation() + " vs " + fromScratch;
            }
            a = a.plus(fromScratch);
            for (String task : e.tasks().keySet()) {
                if (!e.id.equals(l.taskBook().ownerOf(task))) {
                    return "executor " + e.id + " holds task " + task + ", which the task book gives to "
                            + l.taskBook().ownerOf(task);
                }
            }
        }
        Resources r = Resources.empty();
        int indexed = 0;
        for (var byExecutor : l.reservationBook().byExecutor().entrySet()) {
            for (ReservationEntry res : byExecutor.getValue().values()) {
                if (!res.executorId.equals(byExecutor.getKey()) || l.reservationMap().get(res.replacementId) != res) {
                    return "reservation " + res.replacementId + " is indexed under executor " + byExecutor.getKey()
                            + " but is not that executor's live reservation";
                }
                indexed++;
            }
        }
        for (var byExecutor : l.reservationBook().byExecutor().entrySet()) {
            Resources fromScratch = Resources.empty();
            for (ReservationEntry res : byExecutor.getValue().values()) {
                fromScratch = fromScratch.plus(res.pool);
            }
            if (!fromScratch.equals(l.reservationBook().pooled(byExecutor.getKey()))) {
                return "executor " + byExecutor.getKey() + "'s reserved pools' running sum drifted: "
                        + l.reservationBook().pooled(byExecutor.getKey()) + " vs " + fromScratch;
            }
        }
        if (!l.reservationBook().byExecutor().keySet().containsAll(l.reservationBook().pooledByExecutor().keySet())) {
            return "reserved pools are summed for executors without a live reservation: "
                    + l.reservationBook().pooledByExecutor().keySet() + " vs " + l.reservationBook().byExecutor().keySet();
        }
        if (indexed != l.reservationMap().size()) {
            return indexed + " reservations are indexed by executor, " + l.reservationMap().size() + " are live";
        }
        java.util.Map<String, ReservationEntry> naming = new java.util.HashMap<>();
        for (ReservationEntry res : l.reservationMap().values()) {
            naming.putIfAbsent(res.oldTaskId(), res);
            naming.putIfAbsent(res.newTaskId(), res);
        }
        if (!naming.equals(l.reservationBook().byTask())) {
            return "the reservations indexed by task " + l.reservationBook().byTask().keySet()
                    + " are not the ones the live reservations name " + naming.keySet();
        }
        java.util.Map<String, java.util.List<ReservationEntry>> later = new java.util.HashMap<>();
        for (ReservationEntry res : l.reservationMap().values()) {
            for (String task : new java.util.LinkedHashSet<>(java.util.List.of(res.oldTaskId(), res.newTaskId()))) {
                if (naming.get(task) != res) {
                    later.computeIfAbsent(task, k -> new java.util.ArrayList<>()).add(res);
                }
            }
        }
        java.util.Map<String, java.util.List<ReservationEntry>> shadowed = new java.util.HashMap<>();
        l.reservationBook().shadowed().forEach((task, q) -> shadowed.put(task, new java.util.ArrayList<>(q)));
        if (!later.equals(shadowed)) {
            return "the reservations queued by task behind the indexed one " + shadowed.keySet()
                    + " are not the later live ones naming those tasks " + later.keySet();
        }
        for (ReservationEntry res : l.reservationMap().values()) {
            r = r.plus(res.pool);
            if (!res.pool.contains(res.inUse)) {
                return "reservation " + res.replacementId + " has in_use " + res.inUse + " outside its pool " + res.pool;
            }
        }
        Resources o = Resources.empty();
        for (OfferEntry off : l.offerBook().all()) {
            o = o.plus(off.resources);
        }
        if (!a.equals(l.allocated()) || !r.equals(l.reserved()) || !o.equals(l.offered())) {
            return "running totals drifted: allocated " + l.allocated() + " vs " + a + ", reserved " + l.reserved()
                    + " vs " + r + ", offered " + l.offered() + " vs " + o;
        }
        String overlap = overlaps(l);
        if (overlap != null) {
            return overlap;
        }
        Resources used = a.plus(r).plus(o);
        if (!l.total().contains(used)) {
            return "allocated " + a + " + reserved " + r + " + offered " + o + " = " + used + " exceeds the total "
                    + l.total();
        }
        return null;
    }

    /** Two holders of the same port or set item would be counted once and freed while still in use. */
    private static String overlaps(Ledger l) {
        Resources sum = Resources.empty();
        java.util.List<Object[]> holders = new java.util.ArrayList<>();
        for (ExecutorEntry e : l.executorMap().values()) {
            holders.add(new Object[] {"executor " + e.id + " overhead", e.overhead});
            e.tasks().values().forEach(t -> holders.add(new Object[] {"task " + t.id(), t.resources()}));
        }
        l.reservationMap().values().forEach(r -> holders.add(new Object[] {"reservation " + r.replacementId, r.pool}));
        l.offerBook().all().forEach(o -> holders.add(new Object[] {"offer " + o.id, o.resources}));
        for (Object[] h : holders) {
            Verdict<Resources> next = SubscriptionClaim.addDisjoint(sum, (Resources) h[1], (String) h[0]);
            if (next instanceof Verdict.Rejected<Resources> rej) {
                return rej.message();
            }
            sum = next.value();
        }
        return null;
    }
}
