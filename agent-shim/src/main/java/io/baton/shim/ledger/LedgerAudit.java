package io.baton.shim.ledger;

import io.baton.resources.Resources;
import io.baton.shim.ledger.LedgerEntries.ExecutorEntry;
import io.baton.shim.ledger.LedgerEntries.OfferEntry;
import io.baton.shim.ledger.LedgerEntries.ReservationEntry;

/** Recomputes the ledger's sums from scratch and checks them against the running totals and the total. */
final class LedgerAudit {
    private LedgerAudit() {
    }

    static String verify(Ledger l) {
        Resources a = Resources.empty();
        for (ExecutorEntry e : l.executorMap().values()) {
            a = a.plus(e.allocation());
        }
        Resources r = Resources.empty();
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
        Resources used = a.plus(r).plus(o);
        if (!l.total().contains(used)) {
            return "allocated " + a + " + reserved " + r + " + offered " + o + " = " + used + " exceeds the total "
                    + l.total();
        }
        return null;
    }
}
