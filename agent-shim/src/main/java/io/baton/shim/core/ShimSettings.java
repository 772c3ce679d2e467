package io.baton.shim.core;

import io.baton.resources.Resources;

/**
 * What the core needs to know about its node.
 *
 * @param tokenFile where the token is kept, only named in refusals
 * @param uuidSalt  two random longs (chosen once per shim start): the shim's own status updates get uuids
 *                  {@code (salt[0], salt[1] + n)}, unique without the core reading a random source
 * @param reserveOnDelivery whether a REPLACE that moves no resources (no offers, the old task's resources cover the
 *                  new task, not START_THEN_STOP / FREEZE_THEN_START) is reserved when it is delivered, so the
 *                  executor's RESERVE round trip is off the replacement's path (on unless turned off, for comparison)
 */
public record ShimSettings(String node, Resources defaultOverhead, long heartbeatIntervalMs, long recoveryTimeoutMs,
        String token, String tokenFile, long[] uuidSalt, boolean reserveOnDelivery) {

    public ShimSettings(String node, Resources defaultOverhead, long heartbeatIntervalMs, long recoveryTimeoutMs,
            String token, String tokenFile, long[] uuidSalt) {
        this(node, defaultOverhead, heartbeatIntervalMs, recoveryTimeoutMs, token, tokenFile, uuidSalt, true);
    }

    public ShimSettings {
        if (uuidSalt.length != 2) {
            throw new IllegalArgumentException("uuidSalt must hold 2 longs, got " + uuidSalt.length);
        }
        if (recoveryTimeoutMs < 0 || heartbeatIntervalMs < 0) {
            throw new IllegalArgumentException("timeouts must not be negative: recovery " + recoveryTimeoutMs
                    + " ms, heartbeat " + heartbeatIntervalMs + " ms");
        }
    }
}
