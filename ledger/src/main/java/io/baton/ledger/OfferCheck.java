package io.baton.ledger;

import io.baton.proto.RejectCode;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.OfferEntry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks that offers are live, unused and may be spent by the caller, and sums them. */
final class OfferCheck {
    private OfferCheck() {
    }

    /**
     * @param replacementId null for a LAUNCH (the offers must not be set aside for a replacement);
     *     otherwise the replacement that must own them
     * @param designating true when the shim is setting the offers aside (they may be free or
     *     already set aside for this very replacement)
     */
    static Verdict<Resources> sum(Ledger ledger, List<String> offerIds, String executorId, String replacementId,
            long nowUs, boolean designating) {
        Set<String> seen = new HashSet<>();
        Resources sum = Resources.empty();
        for (String id : offerIds) {
            String bad = Ids.checkObject("offer id", id);
            if (bad != null) {
                return Verdict.reject(RejectCode.INVALID_ID, bad);
            }
            if (!seen.add(id)) {
                return Verdict.reject(RejectCode.OFFER_USED, "offer " + id + " is named twice; an offer can be used once");
            }
            OfferEntry o = ledger.offerBook().get(id);
            if (o == null) {
                String used = ledger.offerBook().spentAs(id);
                if (used == null) {
                    return Verdict.reject(RejectCode.UNKNOWN_OFFER, "offer " + id + " is unknown on this node");
                }
                if (used.equals("expired")) {
                    return Verdict.reject(RejectCode.OFFER_EXPIRED, "offer " + id
                            + " has expired; request new offers");
                }
                return Verdict.reject(RejectCode.OFFER_USED, "offer " + id + " can no longer be used: it was "
                        + used + "; request new offers");
            }
            if (o.expiresAtUs <= nowUs) {
                return Verdict.reject(RejectCode.OFFER_EXPIRED, "offer " + id + " expired "
                        + (nowUs - o.expiresAtUs) / 1000 + " ms ago; request new offers");
            }
            Verdict<Void> owned = ownership(o, executorId, replacementId, designating);
            if (!owned.accepted()) {
                return owned.cast();
            }
            sum = sum.plus(o.resources);
        }
        return Verdict.ok(sum);
    }

    private static Verdict<Void> ownership(OfferEntry o, String executorId, String replacementId, boolean designating) {
        boolean setAside = o.designatedExecutor != null;
        boolean mine = setAside && o.designatedExecutor.equals(executorId)
                && o.designatedReplacement.equals(replacementId);
        if (replacementId == null && setAside) {
            return Verdict.reject(RejectCode.OFFER_FOREIGN, "offer " + o.id + " is set aside for replacement "
                    + o.designatedReplacement + " on executor " + o.designatedExecutor);
        }
        if (replacementId != null && setAside && !mine) {
            return Verdict.reject(RejectCode.OFFER_FOREIGN, "offer " + o.id + " is set aside for replacement "
                    + o.designatedReplacement + " on executor " + o.designatedExecutor + ", not for replacement "
                    + replacementId + " on executor " + executorId);
        }
        if (replacementId != null && !setAside && !designating) {
            return Verdict.reject(RejectCode.OFFER_FOREIGN, "offer " + o.id + " was not handed to executor "
                    + executorId + " for replacement " + replacementId
                    + "; offers reach a replacement through the framework's REPLACE call");
        }
        return Verdict.ok(null);
    }
}
