package io.baton.shim.server;

import io.baton.resources.Resources;
import java.nio.file.Path;

/**
 * Everything the shim is started with.
 *
 * @param tcpPort 0 = no TCP listener for the framework API
 * @param bindAddress where the TCP listeners bind; loopback unless the operator says otherwise
 * @param executorPort 0 = executors only over the Unix socket; otherwise also over TCP, where (with no
 *     peer credentials) an executor must present the token and is not put into a container
 * @param metricsPort 0 = no metrics; otherwise Prometheus text at {@code GET /metrics} on {@code bindAddress}
 * @param maxConnections concurrent connections each listener (each socket or port) accepts; beyond it a new
 *     connection gets a TOO_MANY_CONNECTIONS error frame and is closed, and existing ones are unaffected
 */
public record ShimConfig(Path workDir, String node, Resources total, Resources defaultOverhead, String isolator,
        String cgroupParent, Path tokenFile, int tcpPort, String bindAddress, int maxFrameBytes, long offerTtlMs,
        long heartbeatIntervalMs, long idleTimeoutMs, long recoveryTimeoutMs, long memoryShrinkDeadlineMs,
        long memoryPollMs, int executorPort, int metricsPort, int maxConnections) {

    public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 512;

    public ShimConfig {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("the connection limit (--max-connections) must be at least 1, got "
                    + maxConnections);
        }
    }

    public Path executorSocket() {
        return workDir.resolve("executor.sock");
    }

    public Path frameworkSocket() {
        return workDir.resolve("framework.sock");
    }

    /** Defaults for everything but the work dir, the total and the isolator. */
    public static ShimConfig defaults(Path workDir, Resources total, String isolator) {
        return new ShimConfig(workDir, "localhost", total, Resources.parse("cpus:0.1;mem:32"), isolator, "baton",
                workDir.resolve("framework.token"), 0, "127.0.0.1", DEFAULT_MAX_FRAME_BYTES, 30_000, 5_000, 30_000,
                15 * 60_000, 30_000, 250, 0, 0, DEFAULT_MAX_CONNECTIONS);
    }

    public ShimConfig withExecutorPort(int port) {
        return new ShimConfig(workDir, node, total, defaultOverhead, isolator, cgroupParent, tokenFile, tcpPort,
                bindAddress, maxFrameBytes, offerTtlMs, heartbeatIntervalMs, idleTimeoutMs, recoveryTimeoutMs,
                memoryShrinkDeadlineMs, memoryPollMs, port, metricsPort, maxConnections);
    }

    public ShimConfig withTcpPort(int port) {
        return new ShimConfig(workDir, node, total, defaultOverhead, isolator, cgroupParent, tokenFile, port,
                bindAddress, maxFrameBytes, offerTtlMs, heartbeatIntervalMs, idleTimeoutMs, recoveryTimeoutMs,
                memoryShrinkDeadlineMs, memoryPollMs, executorPort, metricsPort, maxConnections);
    }

    public ShimConfig withTimeouts(int maxFrame, long offerTtl, long idle, long recovery) {
        return new ShimConfig(workDir, node, total, defaultOverhead, isolator, cgroupParent, tokenFile, tcpPort,
                bindAddress, maxFrame, offerTtl, heartbeatIntervalMs, idle, recovery, memoryShrinkDeadlineMs,
                memoryPollMs, executorPort, metricsPort, maxConnections);
    }

    public ShimConfig withTokenFile(Path file) {
        return new ShimConfig(workDir, node, total, defaultOverhead, isolator, cgroupParent, file, tcpPort,
                bindAddress, maxFrameBytes, offerTtlMs, heartbeatIntervalMs, idleTimeoutMs, recoveryTimeoutMs,
                memoryShrinkDeadlineMs, memoryPollMs, executorPort, metricsPort, maxConnections);
    }

    public ShimConfig withNode(String name, String bind, String cgroup) {
        return new ShimConfig(workDir, name, total, defaultOverhead, isolator, cgroup, tokenFile, tcpPort, bind,
                maxFrameBytes, offerTtlMs, heartbeatIntervalMs, idleTimeoutMs, recoveryTimeoutMs,
                memoryShrinkDeadlineMs, memoryPollMs, executorPort, metricsPort, maxConnections);
    }

    public ShimConfig withMemoryShrink(long deadlineMs, long pollMs) {
        return new ShimConfig(workDir, node, total, defaultOverhead, isolator, cgroupParent, tokenFile, tcpPort,
                bindAddress, maxFrameBytes, offerTtlMs, heartbeatIntervalMs, idleTimeoutMs, recoveryTimeoutMs,
                deadlineMs, pollMs, executorPort, metricsPort, maxConnections);
    }

    public ShimConfig withMetricsPort(int port) {
        return new ShimConfig(workDir, node, total, defaultOverhead, isolator, cgroupParent, tokenFile, tcpPort,
                bindAddress, maxFrameBytes, offerTtlMs, heartbeatIntervalMs, idleTimeoutMs, recoveryTimeoutMs,
                memoryShrinkDeadlineMs, memoryPollMs, executorPort, port, maxConnections);
    }

    public ShimConfig withMaxConnections(int max) {
        return new ShimConfig(workDir, node, total, defaultOverhead, isolator, cgroupParent, tokenFile, tcpPort,
                bindAddress, maxFrameBytes, offerTtlMs, heartbeatIntervalMs, idleTimeoutMs, recoveryTimeoutMs,
                memoryShrinkDeadlineMs, memoryPollMs, executorPort, metricsPort, max);
    }
}
