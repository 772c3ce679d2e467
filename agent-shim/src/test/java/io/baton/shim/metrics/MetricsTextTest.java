package io.baton.shim.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReplacementTimings;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTextTest {
    static final double[] BUCKETS = {0.01, 0.1, 1};

    static ByteString uuid(long n) {
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x5eedL).putLong(n).array());
    }

    static TaskStatus finalUpdate(long uuid, ReplacementOutcome outcome, ReplacementTimings.Builder timings) {
        TaskStatus.Builder b = TaskStatus.newBuilder().setState(TaskState.TASK_RUNNING).setUuid(uuid(uuid))
                .setOutcome(outcome);
        if (timings != null) {
            b.setTimings(timings);
        }
        return b.build();
    }

    static LedgerGauges gauges() {
        Map<String, Map<String, Double>> resources = new LinkedHashMap<>();
        resources.put("total", new LinkedHashMap<>(Map.of("cpus", 4.0)));
        resources.get("total").put("mem", 4096.0);
        resources.put("free", new LinkedHashMap<>(Map.of("cpus", 3.5)));
        resources.get("free").put("mem", 3839.5);
        return new LedgerGauges(resources, 1, 0, 2, 1, 0);
    }

    @Test
    void rendersCountersCumulativeHistogramsAndGaugesExactly() {
        ShimMetrics m = new ShimMetrics(BUCKETS);
        ReplacementTimings.Builder t = ReplacementTimings.newBuilder().setDrainUs(5_000).setLaunchUs(200_000)
                .setReadyUs(2_000_000).setTotalUs(2_205_000);
        assertTrue(m.relayed(finalUpdate(1, ReplacementOutcome.COMMITTED, t)));
        assertFalse(m.relayed(finalUpdate(1, ReplacementOutcome.COMMITTED, t)), "a resent update counts once");
        assertTrue(m.relayed(finalUpdate(2, ReplacementOutcome.ROLLED_BACK,
                ReplacementTimings.newBuilder().setTotalUs(50_000))));
        assertFalse(m.relayed(TaskStatus.newBuilder().setUuid(uuid(3)).setState(TaskState.TASK_RUNNING).build()),
                "an update without an outcome is not a replacement's end");
        m.replaceRejected();

        assertEquals("""
                # HELP baton_replacements_total Replacements that ended, by outcome: final status updates relayed \
                by the shim (once per uuid), plus REPLACE calls the shim rejected itself.
                # TYPE baton_replacements_total counter
                baton_replacements_total{outcome="COMMITTED"} 1
                baton_replacements_total{outcome="ROLLED_BACK"} 1
                baton_replacements_total{outcome="ABORTED"} 0
                baton_replacements_total{outcome="REJECTED"} 1
                baton_replacements_total{outcome="FAILED"} 0
                # HELP baton_replacement_phase_seconds Duration of a replacement's phases, from the timings of its \
                final update; total for every one, the others when the phase took place.
                # TYPE baton_replacement_phase_seconds histogram
                baton_replacement_phase_seconds_bucket{phase="drain",le="0.01"} 1
                baton_replacement_phase_seconds_bucket{phase="drain",le="0.1"} 1
                baton_replacement_phase_seconds_bucket{phase="drain",le="1"} 1
                baton_replacement_phase_seconds_bucket{phase="drain",le="+Inf"} 1
                baton_replacement_phase_seconds_sum{phase="drain"} 0.005
                baton_replacement_phase_seconds_count{phase="drain"} 1
                baton_replacement_phase_seconds_bucket{phase="handoff",le="0.01"} 0
                baton_replacement_phase_seconds_bucket{phase="handoff",le="0.1"} 0
                baton_replacement_phase_seconds_bucket{phase="handoff",le="1"} 0
                baton_replacement_phase_seconds_bucket{phase="handoff",le="+Inf"} 0
                baton_replacement_phase_seconds_sum{phase="handoff"} 0
                baton_replacement_phase_seconds_count{phase="handoff"} 0
                baton_replacement_phase_seconds_bucket{phase="launch",le="0.01"} 0
                baton_replacement_phase_seconds_bucket{phase="launch",le="0.1"} 0
                baton_replacement_phase_seconds_bucket{phase="launch",le="1"} 1
                baton_replacement_phase_seconds_bucket{phase="launch",le="+Inf"} 1
                baton_replacement_phase_seconds_sum{phase="launch"} 0.2
                baton_replacement_phase_seconds_count{phase="launch"} 1
                baton_replacement_phase_seconds_bucket{phase="ready",le="0.01"} 0
                baton_replacement_phase_seconds_bucket{phase="ready",le="0.1"} 0
                baton_replacement_phase_seconds_bucket{phase="ready",le="1"} 0
                baton_replacement_phase_seconds_bucket{phase="ready",le="+Inf"} 1
                baton_replacement_phase_seconds_sum{phase="ready"} 2
                baton_replacement_phase_seconds_count{phase="ready"} 1
                baton_replacement_phase_seconds_bucket{phase="total",le="0.01"} 0
                baton_replacement_phase_seconds_bucket{phase="total",le="0.1"} 1
                baton_replacement_phase_seconds_bucket{phase="total",le="1"} 1
                baton_replacement_phase_seconds_bucket{phase="total",le="+Inf"} 2
                baton_replacement_phase_seconds_sum{phase="total"} 2.255
                baton_replacement_phase_seconds_count{phase="total"} 2
                # HELP baton_resources Scalar resources of the node by ledger account (mem and disk in MB); \
                free = total - allocated - reserved - offered.
                # TYPE baton_resources gauge
                baton_resources{kind="total",resource="cpus"} 4
                baton_resources{kind="total",resource="mem"} 4096
                baton_resources{kind="free",resource="cpus"} 3.5
                baton_resources{kind="free",resource="mem"} 3839.5
                # HELP baton_executors Executors the ledger holds, by connection state.
                # TYPE baton_executors gauge
                baton_executors{state="connected"} 1
                baton_executors{state="disconnected"} 0
                # HELP baton_refused_subscriptions Executors whose latest subscription the shim refused (each \
                retries until accepted; baton status lists them with the reason).
                # TYPE baton_refused_subscriptions gauge
                baton_refused_subscriptions 0
                # HELP baton_tasks Tasks held by executors.
                # TYPE baton_tasks gauge
                baton_tasks 2
                # HELP baton_offers Outstanding offers.
                # TYPE baton_offers gauge
                baton_offers 1
                # HELP baton_reservations Replacement reservations in the ledger.
                # TYPE baton_reservations gauge
                baton_reservations 0
                """, MetricsText.render(m.snapshot(), gauges()));
    }

    @Test
    void bucketsAreInclusiveOfTheirUpperBoundAndCumulative() {
        Histogram h = new Histogram(BUCKETS);
        for (long us : new long[] {10_000, 10_001, 100_000, 999_999, 1_000_001, 0}) {
            h.observeMicros(us);
        }
        Histogram.Snapshot s = h.snapshot();
        assertArrayEquals(new long[] {2, 4, 5, 6}, s.cumulative());
        assertEquals(6, s.count());
        assertEquals(2_120_001, s.sumMicros());
    }

    @Test
    void theUuidMemoryIsBoundedSoAVeryOldResendCountsAgain() {
        ShimMetrics m = new ShimMetrics(BUCKETS);
        for (long i = 0; i <= ShimMetrics.SEEN_CAPACITY; i++) {
            assertTrue(m.relayed(finalUpdate(i, ReplacementOutcome.FAILED, null)));
        }
        assertFalse(m.relayed(finalUpdate(ShimMetrics.SEEN_CAPACITY, ReplacementOutcome.FAILED, null)));
        assertTrue(m.relayed(finalUpdate(0, ReplacementOutcome.FAILED, null)), "the eldest uuid was forgotten");
        assertEquals(ShimMetrics.SEEN_CAPACITY + 2L, m.snapshot().outcomes().get("FAILED"));
    }

    @Test
    void numbersAndLabelValuesFollowTheTextFormat() {
        assertEquals("4096", MetricsText.number(4096.0));
        assertEquals("0.1", MetricsText.number(0.1));
        assertEquals("5.0E-4", MetricsText.number(0.0005));
        assertEquals("+Inf", MetricsText.number(Double.POSITIVE_INFINITY));
        assertEquals("NaN", MetricsText.number(Double.NaN));
        assertEquals("a\\\"b\\\\c\\n", MetricsText.escape("a\"b\\c\n"));
    }

    @Test
    void rendersOpenAndRefusedConnectionsByListener() {
        ShimMetrics m = new ShimMetrics(BUCKETS);
        m.connectionOpened("framework-unix");
        m.connectionOpened("framework-unix");
        m.connectionClosed("framework-unix");
        m.connectionRefused("framework-tcp");
        m.connectionRefused("framework-tcp");
        String text = MetricsText.render(m.snapshot(), gauges());
        org.assertj.core.api.Assertions.assertThat(text).contains(
                "# TYPE baton_connections gauge\nbaton_connections{listener=\"framework-unix\"} 1\n",
                "# TYPE baton_connections_refused_total counter\n"
                        + "baton_connections_refused_total{listener=\"framework-tcp\"} 2\n");
    }
}
