package io.baton.sdk.core;

import io.baton.proto.Durability;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.tasks.Replaces;

/**
 * A replacement's policy with every default resolved.
 *
 * <table>
 * <caption>Defaults</caption>
 * <tr><td>strategy</td><td>STOP_THEN_START (the seed's)</td></tr>
 * <tr><td>drainTimeout</td><td>30 s: from the request until the old task has stopped</td></tr>
 * <tr><td>startTimeout</td><td>60 s: from the launch until the new task runs and is ready</td></tr>
 * <tr><td>minHealthy</td><td>0: the readiness check must pass once (if the task has one)</td></tr>
 * <tr><td>releaseLeftover</td><td>ON_COMMIT: unused resources stay reserved so rollback always fits</td></tr>
 * <tr><td>durability</td><td>SYNC: fsync before kill, launch and release (a STOP_THEN_START's launch needs none: its
 * request was fsynced before the kill)</td></tr>
 * </table>
 */
public record Policy(ReplaceStrategy strategy, long drainTimeoutUs, long startTimeoutUs, long minHealthyUs,
        ReleaseLeftover releaseLeftover, Durability durability) {

    public static final long DEFAULT_DRAIN_TIMEOUT_MS = Replaces.DEFAULT_DRAIN_TIMEOUT_MS;
    public static final long DEFAULT_START_TIMEOUT_MS = Replaces.DEFAULT_START_TIMEOUT_MS;

    public static Policy defaults() {
        return of(ReplacePolicy.getDefaultInstance());
    }

    /** Resolves the wire policy's zero values to the documented defaults. */
    public static Policy of(ReplacePolicy wire) {
        ReplacePolicy p = Replaces.resolved(wire);
        return new Policy(p.getStrategy(), p.getDrainTimeoutMs() * 1000, p.getStartTimeoutMs() * 1000,
                p.getMinHealthyMs() * 1000, p.getReleaseLeftover(), p.getDurability());
    }

    /** Old and new task hold resources at the same time (so the offers must cover the new task). */
    public boolean concurrent() {
        return strategy == ReplaceStrategy.START_THEN_STOP || strategy == ReplaceStrategy.FREEZE_THEN_START;
    }

    public ReplacePolicy toProto() {
        return ReplacePolicy.newBuilder().setStrategy(strategy).setDrainTimeoutMs(drainTimeoutUs / 1000)
                .setStartTimeoutMs(startTimeoutUs / 1000).setMinHealthyMs(minHealthyUs / 1000)
                .setReleaseLeftover(releaseLeftover).setDurability(durability).build();
    }
}
