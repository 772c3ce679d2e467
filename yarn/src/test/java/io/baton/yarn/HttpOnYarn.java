package io.baton.yarn;

import static org.awaitility.Awaitility.await;

import io.baton.proto.HttpCheck;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.samples.http.HttpServiceExecutor;
import io.baton.samples.http.PacedLoad;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP sample on the local YARN cluster, shared by {@link HttpOnYarnIT} and {@link YarnUpgradeComparison}:
 * its port from the AM's ledger range, its executor and versions, a probe, and one measured run under the
 * sample's {@link PacedLoad}.
 */
final class HttpOnYarn {
    /** The ports range of {@link LocalAm}'s ledger total. */
    static final int FIRST_PORT = 31000;
    static final int LAST_PORT = 31999;
    /** Each version of the service. */
    static final String VERSION_RES = "cpus:0.5;mem:64";
    /** The load: 4 connections (half keep-alive) at 100 requests/s each. */
    static final int CONNECTIONS = 4;
    static final int RATE = 100;

    private static final HttpClient PROBE = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private HttpOnYarn() {
    }

    /**
     * A port of the ledger's range that is free on this machine (all NodeManagers of the local cluster are this
     * machine). Starts at a random point so parallel runs rarely collide.
     */
    static int ledgerPort() throws IOException {
        int span = LAST_PORT - FIRST_PORT + 1;
        int start = (int) (System.nanoTime() % span);
        for (int i = 0; i < span; i++) {
            int port = FIRST_PORT + (start + i) % span;
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                // next one
            }
        }
        throw new IOException("no free port in the ledger's range " + FIRST_PORT + "-" + LAST_PORT);
    }

    /**
     * The HTTP sample executor in a container of {@code size}; the service's port is part of its overhead in
     * Baton's ledger (YARN does not see ports), so every version it runs serves the same booked port.
     */
    static ExecutorLaunch executor(String id, YarnSize size, int port) {
        return LocalAm.executor(id, size, HttpServiceExecutor.class.getName(),
                ";ports:[" + port + "-" + port + "]");
    }

    /** A version of the service on {@code port}, ready once an HTTP GET on it answers (probed every 100 ms). */
    static TaskInfo version(String id, String version, int port) {
        return LocalAm.task(id, VERSION_RES).toBuilder().setKillGracePeriodMs(2_000)
                .setSpec(TaskSpec.newBuilder().setKind("http").setValue(version)
                        .putAllParams(Map.of("port", Integer.toString(port))))
                .setReadiness(ReadinessCheck.newBuilder().setHttp(HttpCheck.newBuilder().setPort(port).setPath("/"))
                        .setIntervalMs(100).setTimeoutMs(500))
                .build();
    }

    /** What a GET on the port answers now (the version), or "" when nothing does. */
    static String answer(int port) {
        try {
            HttpResponse<String> r = PROBE.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body().trim() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Something done under load: returns its outcome (e.g. COMMITTED). */
    interface Action {
        String run() throws Exception;
    }

    /** Waits for the steady state around the action (the service keeps answering meanwhile). */
    interface Settle {
        void await(String phase) throws Exception;
    }

    /**
     * One measured run: the load starts, {@code settle("before")}, the action (timed), {@code settle("after")},
     * the load stops. Bounded: the load stops by itself after {@code maxMillis}.
     */
    static Run measure(String name, int port, long maxMillis, Settle settle, Action action) throws Exception {
        PacedLoad load = new PacedLoad(port, CONNECTIONS, RATE, maxMillis);
        List<PacedLoad.Sample> samples;
        long start;
        long end;
        String outcome;
        try {
            settle.await("before");
            start = System.nanoTime();
            outcome = action.run();
            end = System.nanoTime();
            settle.await("after");
        } finally {
            samples = load.stop();
        }
        return new Run(name, outcome, start - load.startNanos(), end - load.startNanos(), samples, load.errors());
    }

    /** A measured run: every request of the load by due time, and when the action began and ended. */
    record Run(String name, String outcome, long startNs, long endNs, List<PacedLoad.Sample> samples,
            List<String> errors) {
        long failed() {
            return samples.stream().filter(PacedLoad.Sample::failed).count();
        }

        /** First to last failed request (by due time), ms; 0 without failures. */
        double failureWindowMs() {
            List<PacedLoad.Sample> f = samples.stream().filter(PacedLoad.Sample::failed).toList();
            return f.isEmpty() ? 0 : (f.get(f.size() - 1).dueNanos() - f.get(0).dueNanos()) / 1e6;
        }

        /** p99 latency (ms, from when each request was due) of every request of the run, failed ones included. */
        double p99Ms() {
            List<Long> l = new ArrayList<>(samples.stream().map(PacedLoad.Sample::latencyNanos).sorted().toList());
            return l.isEmpty() ? 0 : l.get((int) Math.min(l.size() - 1, Math.ceil(l.size() * 0.99) - 1)) / 1e6;
        }

        /** The action's own time, ms. */
        double actionMs() {
            return (endNs - startNs) / 1e6;
        }

        /** The version the last answered request got. */
        String lastVersion() {
            for (int i = samples.size() - 1; i >= 0; i--) {
                if (samples.get(i).version() != null) {
                    return samples.get(i).version();
                }
            }
            return "none";
        }

        List<String> versions() {
            return samples.stream().map(PacedLoad.Sample::version).filter(v -> v != null).distinct().toList();
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %s in %.0f ms; %d of %d requests failed (window %.0f ms), p99 %.1f ms,"
                    + " versions %s%s", name, outcome, actionMs(), failed(), samples.size(), failureWindowMs(), p99Ms(),
                    versions(), errors.isEmpty() ? "" : ", first errors " + errors.subList(0, Math.min(3, errors.size())));
        }
    }

    /** The service answers {@code version} for half a second on end (the steady state around a replacement). */
    static void steady(int port, String version) {
        await().atMost(Duration.ofSeconds(20)).during(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(50))
                .until(() -> HttpOnYarn.answer(port).equals(version));
    }

    /**
     * Replaces {@code old} by version {@code version} with {@code strategy}; START_THEN_STOP brings an offer for the
     * new version (both run at once). Returns the outcome.
     */
    static String replace(BatonClient fw, ReplaceStrategy strategy, String old, String id, String version, int port)
            throws Exception {
        ReplaceSpec spec = ReplaceSpec.of(old, version(id, version, port)).withReplacementId("to-" + id)
                .withPolicy(ReplacePolicy.newBuilder().setStrategy(strategy).setStartTimeoutMs(10_000)
                        .setDrainTimeoutMs(10_000).build());
        if (strategy == ReplaceStrategy.START_THEN_STOP) {
            spec = spec.withOffers(List.of(LocalAm.offerNear(fw, old, VERSION_RES)));
        }
        ReplaceOutcome o = fw.replace(spec).outcome().get(60, TimeUnit.SECONDS);
        return o.outcome().name() + (o.committed() ? "" : ": " + o.status().getMessage());
    }
}
