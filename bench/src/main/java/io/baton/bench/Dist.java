package io.baton.bench;

import java.util.List;

/** Sorted samples in µs. */
record Dist(long[] us) {
    static Dist of(List<Long> samples) {
        long[] a = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Dist(a);
    }

    long pct(double p) {
        if (us.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * us.length) - 1;
        return us[Math.max(0, Math.min(us.length - 1, i))];
    }

    long p50() {
        return pct(50);
    }

    long p99() {
        return pct(99);
    }

    long max() {
        return us.length == 0 ? -1 : us[us.length - 1];
    }
}
