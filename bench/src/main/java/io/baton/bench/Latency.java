package io.baton.bench;

import io.baton.proto.Durability;

/**
 * What sequential replacements of one durability measured: {@code overhead} is total − drain − launch as the final
 * update's timings give them (their phases begin at the driver's step that decides the kill or the launch, so its
 * appends, fsyncs and the hand-off to the hook thread fall in them); {@code sdk} is total − the author's own kill
 * and launch as the hooks themselves time them ({@link TimedWorker}): everything Baton does, hand-offs included.
 * {@code sdkEarly} is the same measured earlier in the executor's life, right after the shorter warm-up
 * ({@code Harness.Plan.earlyWarmup}), while the JIT still compiles the path (empty when not measured).
 */
record Latency(Durability durability, int count, Dist total, Dist drain, Dist launch, Dist overhead, Dist sdk,
        Dist client, double syncsPer, double appendsPer, Dist sdkEarly) {
}
