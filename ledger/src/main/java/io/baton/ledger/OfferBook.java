package io.baton.ledger;

import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.OfferEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Outstanding offers, their running sum, and a bounded memory of how spent offers were spent. */
final class OfferBook {
    private final long ttlUs;
    private final String prefix;
    private long seq;
    private final Map<String, OfferEntry> live = new LinkedHashMap<>();
    private final Map<String, String> spent = Bounded.map(4096);
    private Resources offered = Resources.empty();

    OfferBook(long ttlUs, String prefix) {
        if (ttlUs <= 0) {
            throw new IllegalArgumentException("offer ttl must be > 0 us, got " + ttlUs);
        }
        this.ttlUs = ttlUs;
        this.prefix = prefix;
    }

    OfferEntry create(Resources resources, long nowUs) {
        OfferEntry o = new OfferEntry(prefix + "-" + (++seq), resources, nowUs + ttlUs);
        live.put(o.id, o);
        offered = offered.plus(resources);
        return o;
    }

    List<OfferView> expire(long nowUs) {
        List<OfferView> out = new ArrayList<>();
        for (OfferEntry o : List.copyOf(live.values())) {
            if (o.expiresAtUs <= nowUs) {
                spend(o.id, "expired");
                out.add(OfferView.of(o));
            }
        }
        return out;
    }

    /** Removes a live offer, remembering why (used by a launch, reserved, declined, expired). */
    void spend(String id, String why) {
        OfferEntry o = live.remove(id);
        if (o != null) {
            offered = offered.minus(o.resources);
            spent.put(id, why);
        }
    }

    OfferEntry get(String id) {
        return live.get(id);
    }

    String spentAs(String id) {
        return spent.get(id);
    }

    Collection<OfferEntry> all() {
        return live.values();
    }

    Resources offered() {
        return offered;
    }
}
