package io.baton.shim.metrics;

import com.google.protobuf.ByteString;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReplacementTimings;
import io.baton.proto.TaskStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shim's own counters and histograms: how replacements ended and how long their phases took.
 * Gauges of the ledger are not kept here; they are read on the loop when scraped ({@link LedgerGauges}).
 *
 * <p>Thread-safe: fed on the shim's loop, read by the metrics endpoint's thread.
 */
public final class ShimMetrics {
    /** Bucket bounds of {@code baton_replacement_phase_seconds}, in seconds. */
    public static final double[] DEFAULT_BUCKETS = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60};
    /** Phases in the order they are rendered. */
    public static final List<String> PHASES = List.of("drain", "handoff", "launch", "ready", "total");
    /** Final updates are resent until acknowledged; this many uuids are remembered to count each once. */
    static final int SEEN_CAPACITY = 4096;

    private final Map<ReplacementOutcome, AtomicLong> outcomes = new EnumMap<>(ReplacementOutcome.class);
    private final Map<String, Histogram> phases = new LinkedHashMap<>();
    private final Map<String, AtomicLong> connectionsOpen = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, AtomicLong> connectionsRefused = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Set<ByteString> seen = Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, Boolean> eldest) {
            return size() > SEEN_CAPACITY;
        }
    });

    public ShimMetrics() {
        this(DEFAULT_BUCKETS);
    }

    public ShimMetrics(double[] bucketsSeconds) {
        for (ReplacementOutcome o : outcomes()) {
            outcomes.put(o, new AtomicLong());
        }
        for (String p : PHASES) {
            phases.put(p, new Histogram(bucketsSeconds));
        }
    }

    /** The outcomes counted, in the order they are rendered (all but UNSPECIFIED). */
    static List<ReplacementOutcome> outcomes() {
        List<ReplacementOutcome> out = new ArrayList<>();
        for (ReplacementOutcome o : ReplacementOutcome.values()) {
            if (o != ReplacementOutcome.OUTCOME_UNSPECIFIED && o != ReplacementOutcome.UNRECOGNIZED) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * A status update the shim relayed. Counts it when it is a replacement's final update (its outcome is
     * set) not seen before by uuid, and observes its timings: {@code total} always, the other phases when
     * they took place (non-zero).
     *
     * @return whether it was counted
     */
    public boolean relayed(TaskStatus status) {
        AtomicLong counter = outcomes.get(status.getOutcome());
        if (counter == null) {
            return false;
        }
        synchronized (seen) {
            if (!seen.add(status.getUuid())) {
                return false;
            }
        }
        counter.incrementAndGet();
        if (status.hasTimings()) {
            ReplacementTimings t = status.getTimings();
            long[] micros = {t.getDrainUs(), t.getHandoffUs(), t.getLaunchUs(), t.getReadyUs(), t.getTotalUs()};
            for (int i = 0; i < micros.length; i++) {
                if (micros[i] > 0 || i == micros.length - 1) {
                    // uint64 on the wire: a value past Long.MAX_VALUE is nonsense; clamp it rather than go negative
                    phases.get(PHASES.get(i)).observeMicros(micros[i] < 0 ? Long.MAX_VALUE : micros[i]);
                }
            }
        }
        return true;
    }

    /** The shim refused a REPLACE itself (it never reached an executor). */
    public void replaceRejected() {
        outcomes.get(ReplacementOutcome.REJECTED).incrementAndGet();
    }

    /** A connection was accepted on {@code listener} (within its limit). */
    public void connectionOpened(String listener) {
        connectionsOpen.computeIfAbsent(listener, k -> new AtomicLong()).incrementAndGet();
    }

    public void connectionClosed(String listener) {
        connectionsOpen.computeIfAbsent(listener, k -> new AtomicLong()).decrementAndGet();
    }

    /** A connection on {@code listener} was refused: the listener was at its connection limit. */
    public void connectionRefused(String listener) {
        connectionsRefused.computeIfAbsent(listener, k -> new AtomicLong()).incrementAndGet();
    }

    public Snapshot snapshot() {
        Map<String, Long> o = new LinkedHashMap<>();
        outcomes.forEach((k, v) -> o.put(k.name(), v.get()));
        Map<String, Histogram.Snapshot> p = new LinkedHashMap<>();
        phases.forEach((k, v) -> p.put(k, v.snapshot()));
        return new Snapshot(Collections.unmodifiableMap(o), Collections.unmodifiableMap(p), values(connectionsOpen),
                values(connectionsRefused));
    }

    private static Map<String, Long> values(Map<String, AtomicLong> counters) {
        Map<String, Long> out = new LinkedHashMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Counters by outcome name and histograms by phase, both in rendering order; open connections and
     * refused connections by listener.
     */
    public record Snapshot(Map<String, Long> outcomes, Map<String, Histogram.Snapshot> phases,
            Map<String, Long> connectionsOpen, Map<String, Long> connectionsRefused) {
        public Snapshot(Map<String, Long> outcomes, Map<String, Histogram.Snapshot> phases) {
            this(outcomes, phases, Map.of(), Map.of());
        }
    }
}
