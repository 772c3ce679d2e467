package io.baton.sdk.core;

import io.baton.proto.Durability;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;

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
 * <tr><td>durability</td><td>SYNC: fsync before kill, launch and release</td></tr>
 * </table>
 */
public record Policy(ReplaceStrategy strategy, long drainTimeoutUs, long startTimeoutUs, long minHealthyUs,
        ReleaseLeftover releaseLeftover, Durability durability) {

    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_START_TIMEOUT_MS = 60_000;

    public static Policy defaults() {
        return of(ReplacePolicy.getDefaultInstance());
    }

    /** Resolves the wire policy's zero values to the documented defaults. */
    public static Policy of(ReplacePolicy p) {
        ReplaceStrategy strategy = switch (p.getStrategy()) {
            case STRATEGY_DEFAULT, UNRECOGNIZED -> ReplaceStrategy.STOP_THEN_START;
            default -> p.getStrategy();
        };
        ReleaseLeftover leftover = p.getReleaseLeftover() == ReleaseLeftover.IMMEDIATE ? ReleaseLeftover.IMMEDIATE
                : ReleaseLeftover.ON_COMMIT;
        Durability durability = p.getDurability() == Durability.PROCESS ? Durability.PROCESS : Durability.SYNC;
        long drain = p.getDrainTimeoutMs() == 0 ? DEFAULT_DRAIN_TIMEOUT_MS : p.getDrainTimeoutMs();
        long start = p.getStartTimeoutMs() == 0 ? DEFAULT_START_TIMEOUT_MS : p.getStartTimeoutMs();
        return new Policy(strategy, drain * 1000, start * 1000, p.getMinHealthyMs() * 1000, leftover, durability);
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
