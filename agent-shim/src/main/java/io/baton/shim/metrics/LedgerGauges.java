package io.baton.shim.metrics;

import io.baton.proto.Resource;
import io.baton.proto.ValueType;
import io.baton.resources.Resources;
import io.baton.ledger.ExecutorView;
import io.baton.ledger.Ledger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ledger's gauges at one moment. {@link #read} must run on the shim's loop (the ledger is
 * single-threaded); the result is immutable and can be rendered anywhere.
 *
 * @param resources kind (total, allocated, reserved, offered, free) → scalar name → value summed over
 *     roles (mem and disk in MB, as in Mesos); every kind lists the same names
 * @param tasks tasks held by executors (a task inside a replacement's pool is not held)
 * @param refusedSubscriptions executors whose latest subscription the shim refused (each retries until accepted)
 */
public record LedgerGauges(Map<String, Map<String, Double>> resources, int connectedExecutors,
        int disconnectedExecutors, int tasks, int offers, int reservations, int refusedSubscriptions) {

    public LedgerGauges(Map<String, Map<String, Double>> resources, int connectedExecutors, int disconnectedExecutors,
            int tasks, int offers, int reservations) {
        this(resources, connectedExecutors, disconnectedExecutors, tasks, offers, reservations, 0);
    }

    /** These gauges with {@code n} refused subscriptions (the shim's cores keep those, not the ledgers). */
    public LedgerGauges withRefusedSubscriptions(int n) {
        return new LedgerGauges(resources, connectedExecutors, disconnectedExecutors, tasks, offers, reservations, n);
    }

    /** Several nodes' ledgers (one each), summed. */
    public static LedgerGauges read(java.util.List<Ledger> ledgers) {
        if (ledgers.size() == 1) {
            return read(ledgers.get(0));
        }
        Map<String, Map<String, Double>> sums = new LinkedHashMap<>();
        int connected = 0;
        int disconnected = 0;
        int tasks = 0;
        int offers = 0;
        int reservations = 0;
        for (Ledger l : ledgers) {
            LedgerGauges g = read(l);
            g.resources.forEach((kind, values) -> values.forEach((name, v) -> sums.computeIfAbsent(kind,
                    k -> new LinkedHashMap<>()).merge(name, v, Double::sum)));
            connected += g.connectedExecutors;
            disconnected += g.disconnectedExecutors;
            tasks += g.tasks;
            offers += g.offers;
            reservations += g.reservations;
        }
        return new LedgerGauges(sums, connected, disconnected, tasks, offers, reservations);
    }

    public static LedgerGauges read(Ledger ledger) {
        Map<String, Resources> kinds = new LinkedHashMap<>();
        kinds.put("total", ledger.total());
        kinds.put("allocated", ledger.allocated());
        kinds.put("reserved", ledger.reserved());
        kinds.put("offered", ledger.offered());
        kinds.put("free", ledger.free());
        TreeSet<String> scalars = new TreeSet<>();
        for (Resources r : kinds.values()) {
            for (Resource p : r.toProto()) {
                if (p.getType() == ValueType.SCALAR) {
                    scalars.add(p.getName());
                }
            }
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        kinds.forEach((kind, r) -> {
            Map<String, Double> values = new LinkedHashMap<>();
            scalars.forEach(name -> values.put(name, r.scalarValue(name)));
            out.put(kind, values);
        });
        int connected = 0;
        int disconnected = 0;
        int tasks = 0;
        for (ExecutorView e : ledger.executors()) {
            if (e.connected()) {
                connected++;
            } else {
                disconnected++;
            }
            tasks += e.taskIds().size();
        }
        return new LedgerGauges(out, connected, disconnected, tasks, ledger.offers().size(),
                ledger.reservations().size());
    }
}
