package io.baton.sdk.sim;

/**
 * How hostile a seed's world is. Probabilities are per message (network) or per journal append
 * (executor crash); the shim crashes at random times. All faults stop at {@link #quietAfterUs} so that
 * every seed can settle and be checked.
 */
record SimFaults(double dropPerMessage, double duplicatePerMessage, long maxDelayUs, double executorCrashPerAppend,
        int maxExecutorCrashes, int maxShimCrashes, long quietAfterUs) {

    static SimFaults random(java.util.SplittableRandom rnd) {
        boolean calm = rnd.nextInt(10) == 0;
        if (calm) {
            return new SimFaults(0, 0, 2_000, 0, 0, 0, 40_000_000);
        }
        return new SimFaults(rnd.nextDouble() * 0.03, rnd.nextDouble() * 0.05, 1_000 + rnd.nextLong(50_000),
                rnd.nextDouble() * 0.02, rnd.nextInt(4), rnd.nextInt(3), 40_000_000);
    }

    static SimFaults none() {
        return new SimFaults(0, 0, 1_000, 0, 0, 0, 40_000_000);
    }
}
