package io.baton.shim.metrics;

import java.util.Arrays;

/**
 * A Prometheus histogram over durations in microseconds, with bucket bounds in seconds. Observations
 * are kept as whole microseconds so bucket comparisons and the sum are exact.
 *
 * <p>Thread-safe: observed on the shim's loop, read by the metrics endpoint's thread.
 */
final class Histogram {
    private final double[] boundsSeconds;
    private final long[] boundsMicros;
    private final long[] counts; // per bucket, not cumulative; the last one is +Inf
    private long count;
    private long sumMicros;

    Histogram(double[] boundsSeconds) {
        for (int i = 0; i < boundsSeconds.length; i++) {
            if (!(boundsSeconds[i] > 0) || Double.isInfinite(boundsSeconds[i])
                    || i > 0 && boundsSeconds[i] <= boundsSeconds[i - 1]) {
                throw new IllegalArgumentException("bucket bounds must be finite, positive and increasing, got "
                        + Arrays.toString(boundsSeconds));
            }
        }
        this.boundsSeconds = boundsSeconds.clone();
        this.boundsMicros = new long[boundsSeconds.length];
        for (int i = 0; i < boundsSeconds.length; i++) {
            boundsMicros[i] = Math.round(boundsSeconds[i] * 1_000_000);
        }
        this.counts = new long[boundsSeconds.length + 1];
    }

    synchronized void observeMicros(long micros) {
        int i = 0;
        while (i < boundsMicros.length && micros > boundsMicros[i]) {
            i++;
        }
        counts[i]++;
        count++;
        sumMicros += micros;
    }

    synchronized Snapshot snapshot() {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i];
            cumulative[i] = running;
        }
        return new Snapshot(boundsSeconds.clone(), cumulative, count, sumMicros);
    }

    /**
     * @param cumulative one more entry than {@code boundsSeconds}: observations {@code <= bound}, the last
     *     one for {@code +Inf} (equal to {@code count})
     */
    record Snapshot(double[] boundsSeconds, long[] cumulative, long count, long sumMicros) {
        double sumSeconds() {
            return sumMicros / 1_000_000.0;
        }
    }
}
