package io.baton.shim.isolator;

/**
 * CPU arithmetic shared by the cgroup adapters (DESIGN §4), in milli-cpus.
 *
 * <p>shares = max(floor(1024·cpus), 2), capped at the kernel's 262144 (the kernel clamps silently;
 * capping here keeps read-back exact). quota = max(cpus·100000, 1000) per 100000 µs period.
 * v2 weight uses the systemd/Kubernetes conversion from v1 shares.
 */
final class CpuConversion {

    static final long PERIOD_US = 100_000;
    static final long MIN_QUOTA_US = 1_000;
    static final long MIN_SHARES = 2;
    static final long MAX_SHARES = 262_144;
    static final long MIN_WEIGHT = 1;
    static final long MAX_WEIGHT = 10_000;

    private CpuConversion() {
    }

    static long shares(long cpuMillis) {
        long shares = Math.multiplyExact(cpuMillis, 1024) / 1000;
        return Math.min(Math.max(shares, MIN_SHARES), MAX_SHARES);
    }

    static long quotaUs(long cpuMillis) {
        return Math.max(Math.multiplyExact(cpuMillis, PERIOD_US) / 1000, MIN_QUOTA_US);
    }

    static long weight(long shares) {
        long weight = 1 + ((shares - 2) * 9999) / 262_142;
        return Math.min(Math.max(weight, MIN_WEIGHT), MAX_WEIGHT);
    }

    /** Inverse of {@link #weight} (rounded up to the smallest shares that map to this weight). */
    static long sharesFromWeight(long weight) {
        return 2 + ceilDiv((weight - 1) * 262_142, 9999);
    }

    /**
     * Milli-cpus from what the container holds. A quota above the minimum is exact
     * (quota·1000/period). At the 1000 µs floor, or with no quota (-1), the shares decide:
     * ceil(shares·1000/1024) is exact for 3..10 milli-cpus; shares 2 reads as 0 (0, 1 and 2 all write 2).
     */
    static long millisFrom(long quotaUs, long periodUs, long shares) {
        if (quotaUs > MIN_QUOTA_US && periodUs > 0) {
            return quotaUs * 1000 / periodUs;
        }
        if (shares <= MIN_SHARES) {
            return 0;
        }
        return ceilDiv(shares * 1000, 1024);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
