package io.baton.sdk.core;

/** Per-phase durations of a replacement, in microseconds; carried by its final update. */
public record Timings(long drainUs, long handoffUs, long launchUs, long readyUs, long totalUs) {
    public static final Timings NONE = new Timings(0, 0, 0, 0, 0);

    public io.baton.proto.ReplacementTimings toProto() {
        return io.baton.proto.ReplacementTimings.newBuilder().setDrainUs(drainUs).setHandoffUs(handoffUs)
                .setLaunchUs(launchUs).setReadyUs(readyUs).setTotalUs(totalUs).build();
    }
}
