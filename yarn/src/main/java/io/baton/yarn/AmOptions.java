package io.baton.yarn;

import io.baton.resources.Resources;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What a Baton ApplicationMaster is started with.
 *
 * @param workDir the AM's local directory (its shim sockets and token)
 * @param stagingDir where on the cluster's file system the application's files go (the token file that
 *     executor containers localize), as a Hadoop path string, e.g. {@code file:///tmp/baton-staging/app_1}
 *     on a local cluster or {@code hdfs:///user/me/.baton/app_1}
 * @param total the resources the AM's ledger manages (for now one ledger for the application; per-node
 *     ledgers are planned, see the README)
 * @param bindAddress where the framework and executor listeners bind
 * @param advertisedHost the host executors and frameworks reach the AM at (registered with the RM)
 * @param frameworkPort the framework API's TCP port (must be free)
 * @param executorPort the executors' TCP port (must be free)
 * @param heartbeatMs the AM–RM heartbeat: containers arrive and grow on these beats
 * @param reserveTimeoutMs how long the AM waits for the ResourceManager to grant (and the NodeManager to apply)
 *     an executor's container increase before it refuses the reservation or launch that needed it
 *     ({@link #DEFAULT_RESERVE_TIMEOUT_MS} unless set); keep it below the executors' own reserve timeout
 * @param webPort the live view's and metrics' HTTP port (the shim's page at {@code GET /}, registered with the RM as
 *     the application's tracking URL, so YARN's web UI links to it); 0 = none
 * @param adoptTimeoutMs how long a later attempt waits for an executor whose container it took over from an
 *     earlier attempt to re-subscribe ({@link #DEFAULT_ADOPT_TIMEOUT_MS} unless set); one still silent then (it
 *     never learnt this attempt's address, or hangs) has its container given back to the ResourceManager and,
 *     if it is one the AM was started to run, is started again in a new container
 */
public record AmOptions(Path workDir, String stagingDir, Resources total, String bindAddress, String advertisedHost,
        int frameworkPort, int executorPort, long heartbeatMs, long reserveTimeoutMs, int webPort,
        long adoptTimeoutMs) {

    public static final long DEFAULT_RESERVE_TIMEOUT_MS = 10_000;
    /** Above the executors' reconnect backoff cap (5 s) and a slow JVM's pause, well below the RM's expiries. */
    public static final long DEFAULT_ADOPT_TIMEOUT_MS = 120_000;

    public AmOptions {
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(stagingDir, "stagingDir");
        Objects.requireNonNull(total, "total");
        checkPort("framework", frameworkPort);
        checkPort("executor", executorPort);
        if (webPort != 0) {
            checkPort("web", webPort);
            if (webPort == frameworkPort || webPort == executorPort) {
                throw new IllegalArgumentException("the web port must differ from the framework and executor ports ("
                        + frameworkPort + ", " + executorPort + "), got " + webPort);
            }
        }
        if (frameworkPort == executorPort) {
            throw new IllegalArgumentException("the framework and executor ports must differ, both are " + frameworkPort);
        }
        if (heartbeatMs < 10 || heartbeatMs > 60_000) {
            throw new IllegalArgumentException("the AM heartbeat must be 10-60000 ms, got " + heartbeatMs);
        }
        if (reserveTimeoutMs < heartbeatMs || reserveTimeoutMs > 600_000) {
            throw new IllegalArgumentException("the reserve timeout must be at least one AM heartbeat (" + heartbeatMs
                    + " ms) and at most 600000 ms, got " + reserveTimeoutMs);
        }
        if (adoptTimeoutMs < 1_000 || adoptTimeoutMs > 3_600_000) {
            throw new IllegalArgumentException("the adopt timeout must be 1000-3600000 ms, got " + adoptTimeoutMs);
        }
    }

    /** With the {@link #DEFAULT_ADOPT_TIMEOUT_MS default adopt timeout}. */
    public AmOptions(Path workDir, String stagingDir, Resources total, String bindAddress, String advertisedHost,
            int frameworkPort, int executorPort, long heartbeatMs, long reserveTimeoutMs, int webPort) {
        this(workDir, stagingDir, total, bindAddress, advertisedHost, frameworkPort, executorPort, heartbeatMs,
                reserveTimeoutMs, webPort, DEFAULT_ADOPT_TIMEOUT_MS);
    }

    /** With the {@link #DEFAULT_RESERVE_TIMEOUT_MS default reserve timeout}. */
    public AmOptions(Path workDir, String stagingDir, Resources total, String bindAddress, String advertisedHost,
            int frameworkPort, int executorPort, long heartbeatMs) {
        this(workDir, stagingDir, total, bindAddress, advertisedHost, frameworkPort, executorPort, heartbeatMs,
                DEFAULT_RESERVE_TIMEOUT_MS, 0);
    }

    /** Without a web port. */
    public AmOptions(Path workDir, String stagingDir, Resources total, String bindAddress, String advertisedHost,
            int frameworkPort, int executorPort, long heartbeatMs, long reserveTimeoutMs) {
        this(workDir, stagingDir, total, bindAddress, advertisedHost, frameworkPort, executorPort, heartbeatMs,
                reserveTimeoutMs, 0);
    }

    public AmOptions withWebPort(int port) {
        return new AmOptions(workDir, stagingDir, total, bindAddress, advertisedHost, frameworkPort, executorPort,
                heartbeatMs, reserveTimeoutMs, port, adoptTimeoutMs);
    }

    /** What the AM registers as the application's tracking URL: its live view, or none. */
    public String trackingUrl() {
        return webPort == 0 ? "" : "http://" + advertisedHost + ":" + webPort + "/";
    }

    public AmOptions withReserveTimeoutMs(long ms) {
        return new AmOptions(workDir, stagingDir, total, bindAddress, advertisedHost, frameworkPort, executorPort,
                heartbeatMs, ms, webPort, adoptTimeoutMs);
    }

    public AmOptions withAdoptTimeoutMs(long ms) {
        return new AmOptions(workDir, stagingDir, total, bindAddress, advertisedHost, frameworkPort, executorPort,
                heartbeatMs, reserveTimeoutMs, webPort, ms);
    }

    private static void checkPort(String which, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the AM's " + which + " port must be 1-65535, got " + port);
        }
    }
}
