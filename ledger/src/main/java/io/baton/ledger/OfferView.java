package io.baton.ledger;

import io.baton.proto.Offer;
import io.baton.proto.OfferID;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.OfferEntry;

/** A read-only copy of an outstanding offer. */
public record OfferView(String id, Resources resources, long expiresAtUs, String designatedExecutor,
        String designatedReplacement) {

    static OfferView of(OfferEntry o) {
        return new OfferView(o.id, o.resources, o.expiresAtUs, o.designatedExecutor, o.designatedReplacement);
    }

    public Offer toProto(String node) {
        return Offer.newBuilder().setId(OfferID.newBuilder().setValue(id)).addAllResources(resources.toProto())
                .setExpiresAtUs(expiresAtUs).setNode(node).build();
    }
}
