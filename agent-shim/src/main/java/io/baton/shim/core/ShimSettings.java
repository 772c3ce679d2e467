package io.baton.shim.core;

import io.baton.resources.Resources;

/**
 * What the core needs to know about its node.
 *
 * @param tokenFile where the token is kept, only named in refusals
 * @param uuidSalt  two random longs (chosen once per shim start): the shim's own status updates get uuids
 *                  {@code (salt[0], salt[1] + n)}, unique without the core reading a random source
 */
public record ShimSettings(String node, Resources defaultOverhead, long heartbeatIntervalMs, long recoveryTimeoutMs,
        String token, String tokenFile, long[] uuidSalt) {

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
