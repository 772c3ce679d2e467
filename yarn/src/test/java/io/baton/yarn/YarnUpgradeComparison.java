package io.baton.yarn;

import static org.awaitility.Awaitility.await;

import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskSpec;
import io.baton.samples.http.StandaloneVersion;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ReplaceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerLaunchContext;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.NMClient;
import org.apache.hadoop.yarn.client.api.YarnClient;

/**
 * Issue 12 item 6, side by side in one run on one local YARN cluster ({@link LocalYarn}): the HTTP sample under
 * the same steady {@code PacedLoad}, replaced v1 → v2
 * <ul>
 * <li>by Baton (the sample executor in a container, its AM in this JVM): STOP_THEN_START, START_THEN_STOP
 * (augmented with an offer: the container grows by a YARN increase first), and a START_THEN_STOP whose new
 * version fails at start (Baton rolls back on its own);
 * <li>by YARN alone, the service as the container's own process ({@link StandaloneVersion}), no Baton: the native
 * in-place upgrade ({@code NMClient.reInitializeContainer(id, v2, autoCommit=false)}, then
 * {@code commitLastReInitialization}), the same to v3 then {@code rollbackLastReInitialization}, and
 * kill-then-new-container (stop it, release it, ask the RM for a new one, start the service there).
 * </ul>
 * For each: failed requests, the window from the first to the last failed request, p99 latency of the run, and
 * the time from the request to its end (commit, rollback, or the new version answering). Then, on the same cluster,
 * an executor's relaunch in its container with and without its class-data archive ({@link ExecutorRelaunchTimes}).
 *
 * <p>Runs in the yarn module's test scope, not in {@code bench}: it needs the MiniYARNCluster, which the project
 * keeps to this module's test class path (its unshaded Hadoop jars would clash with the shaded client and Netty
 * 4.2 on a main class path). {@code bin/bench --yarn} builds that class path and runs it.
 *
 * <p>{@code YarnUpgradeComparison [--out FILE]}: the markdown section to stdout, and to FILE when given.
 */
public final class YarnUpgradeComparison {
    /** Load before and after each action, ms (the steady state around it). */
    private static final long MAX_RUN_MS = 90_000;

    private YarnUpgradeComparison() {
    }

    public static void main(String[] args) throws Exception {
        Path out = args.length == 2 && args[0].equals("--out") ? Path.of(args[1]) : null;
        if (args.length != 0 && out == null) {
            System.err.println("usage: YarnUpgradeComparison [--out FILE]");
            System.exit(2);
        }
        Path dir = Files.createTempDirectory("baton-yarn-compare");
        List<HttpOnYarn.Run> runs = new ArrayList<>();
        String relaunch;
        try (LocalYarn yarn = LocalYarn.start("yarn-compare"); YarnClient client = yarn.newClient()) {
            runs.addAll(baton(yarn, client, dir));
            runs.addAll(yarnAlone(yarn, client));
            relaunch = ExecutorRelaunchTimes.measure(yarn, client, dir.resolve("relaunch"));
        }
        String md = markdown(runs) + "\n" + relaunch;
        System.out.println(md);
        if (out != null) {
            Files.writeString(out, md);
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ Baton

    private static List<HttpOnYarn.Run> baton(LocalYarn yarn, YarnClient client, Path dir) throws Exception {
        List<HttpOnYarn.Run> runs = new ArrayList<>();
        try (LocalAm local = LocalAm.start(yarn, client, dir, "compare-baton")) {
            int port = HttpOnYarn.ledgerPort();
            local.startExecutor(HttpOnYarn.executor("web", new YarnSize(512, 1), port));
            try (BatonClient fw = local.framework(u -> { })) {
                LocalAm.launch(fw, "web", HttpOnYarn.version("b1", "v1", port));
                await().atMost(Duration.ofSeconds(30)).until(() -> HttpOnYarn.answer(port).equals("v1"));
                // a throw-away round first: the executor JVM's paths warm up before anything is measured
                HttpOnYarn.replace(fw, ReplaceStrategy.START_THEN_STOP, "b1", "b2", "v2", port);
                HttpOnYarn.steady(port, "v2");
                runs.add(HttpOnYarn.measure("Baton STOP_THEN_START", port, MAX_RUN_MS, steady(port, "v2", "v3"),
                        () -> HttpOnYarn.replace(fw, ReplaceStrategy.STOP_THEN_START, "b2", "b3", "v3", port)));
                runs.add(HttpOnYarn.measure("Baton START_THEN_STOP (+ offer: YARN increase)", port, MAX_RUN_MS,
                        steady(port, "v3", "v4"),
                        () -> HttpOnYarn.replace(fw, ReplaceStrategy.START_THEN_STOP, "b3", "b4", "v4", port)));
                runs.add(HttpOnYarn.measure("Baton rollback (new version fails at start)", port, MAX_RUN_MS,
                        steady(port, "v4", "v4"), () -> failingReplace(fw, port)));
            }
        }
        return runs;
    }

    private static HttpOnYarn.Settle steady(int port, String before, String after) {
        return phase -> HttpOnYarn.steady(port, phase.equals("before") ? before : after);
    }

    private static String failingReplace(BatonClient fw, int port) throws Exception {
        var bad = HttpOnYarn.version("b5", "v5", port);
        bad = bad.toBuilder().setSpec(TaskSpec.newBuilder(bad.getSpec()).putParams("fail", "true")).build();
        ReplaceSpec spec = ReplaceSpec.of("b4", bad).withReplacementId("to-b5")
                .withPolicy(io.baton.proto.ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.START_THEN_STOP)
                        .setStartTimeoutMs(10_000).setDrainTimeoutMs(10_000).build())
                .withOffers(List.of(LocalAm.offerNear(fw, "b4", HttpOnYarn.VERSION_RES)));
        return fw.replace(spec).outcome().get(60, TimeUnit.SECONDS).outcome().name();
    }

    // ------------------------------------------------------------------ YARN alone

    /** An AM of its own (unmanaged, in this JVM) with YARN's blocking clients; the service is the container's process. */
    private static List<HttpOnYarn.Run> yarnAlone(LocalYarn yarn, YarnClient client) throws Exception {
        UnmanagedAttempt attempt = UnmanagedAttempt.submit(client, "compare-native", Duration.ofSeconds(30));
        AMRMClient<ContainerRequest> rm = attempt.user().doAs((PrivilegedExceptionAction<AMRMClient<ContainerRequest>>) () -> {
            AMRMClient<ContainerRequest> c = AMRMClient.createAMRMClient();
            c.init(yarn.config());
            c.start();
            c.registerApplicationMaster("127.0.0.1", 0, "");
            return c;
        });
        NMClient nm = NMClient.createNMClient();
        nm.init(yarn.config());
        nm.start();
        List<HttpOnYarn.Run> runs = new ArrayList<>();
        try {
            int port = HttpOnYarn.ledgerPort();
            Container[] c = {allocate(rm)};
            nm.startContainer(c[0], service(port, "v1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> HttpOnYarn.answer(port).equals("v1"));
            runs.add(HttpOnYarn.measure("YARN reInitializeContainer + commit", port, MAX_RUN_MS,
                    steady(port, "v1", "v2"), () -> {
                        nm.reInitializeContainer(c[0].getId(), service(port, "v2"), false);
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                                .until(() -> HttpOnYarn.answer(port).equals("v2"));
                        nm.commitLastReInitialization(c[0].getId());
                        return "COMMITTED";
                    }));
            long[] rollbackNs = new long[1];
            HttpOnYarn.Run rollback = HttpOnYarn.measure("YARN reInitializeContainer + rollback", port, MAX_RUN_MS,
                    steady(port, "v2", "v2"), () -> {
                        nm.reInitializeContainer(c[0].getId(), service(port, "v3"), false);
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                                .until(() -> HttpOnYarn.answer(port).equals("v3"));
                        long t0 = System.nanoTime();
                        nm.rollbackLastReInitialization(c[0].getId());
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                                .until(() -> HttpOnYarn.answer(port).equals("v2"));
                        rollbackNs[0] = System.nanoTime() - t0;
                        return String.format(Locale.ROOT, "ROLLED_BACK (v2 answered again %.0f ms after the rollback call)",
                                rollbackNs[0] / 1e6);
                    });
            runs.add(rollback);
            runs.add(HttpOnYarn.measure("YARN kill, then a new container", port, MAX_RUN_MS,
                    steady(port, "v2", "v4"), () -> {
                        nm.stopContainer(c[0].getId(), c[0].getNodeId());
                        rm.releaseAssignedContainer(c[0].getId());
                        c[0] = allocate(rm);
                        nm.startContainer(c[0], service(port, "v4"));
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                                .until(() -> HttpOnYarn.answer(port).equals("v4"));
                        return "RUNNING";
                    }));
            nm.stopContainer(c[0].getId(), c[0].getNodeId());
        } finally {
            nm.stop();
            rm.unregisterApplicationMaster(FinalApplicationStatus.SUCCEEDED, "", "");
            rm.stop();
        }
        return runs;
    }

    /** A new 256 MB / 1 vcore container from the RM (heartbeats every 100 ms, at most 60 s). */
    private static Container allocate(AMRMClient<ContainerRequest> rm) {
        ContainerRequest ask = new ContainerRequest(Resource.newInstance(256, 1), null, null, Priority.newInstance(0));
        rm.addContainerRequest(ask);
        List<Container> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(LocalYarn.AM_HEARTBEAT_MS)).until(() -> {
            got.addAll(rm.allocate(0.5f).getAllocatedContainers());
            return !got.isEmpty();
        });
        rm.removeContainerRequest(ask);
        for (Container extra : got.subList(1, got.size())) {
            rm.releaseAssignedContainer(extra.getId());
        }
        return got.get(0);
    }

    /** The container's process: {@link StandaloneVersion} serving {@code version} on {@code port}. */
    private static ContainerLaunchContext service(int port, String version) {
        List<String> parts = new ArrayList<>();
        parts.add(ExecutorCommands.quote(LocalAm.java()));
        LocalAm.javaFlags("-Xmx64m").forEach(f -> parts.add(ExecutorCommands.quote(f)));
        parts.add("-cp");
        parts.add(ExecutorCommands.quote(System.getProperty("java.class.path")));
        parts.add(StandaloneVersion.class.getName());
        parts.addAll(List.of("--port", Integer.toString(port), "--version", version));
        String logs = ApplicationConstants.LOG_DIR_EXPANSION_VAR;
        parts.add("1>>" + logs + "/service.out");
        parts.add("2>>" + logs + "/service.err");
        return ContainerLaunchContext.newInstance(Map.of(), Map.of(), List.of(String.join(" ", parts)), null, null,
                null);
    }

    // ------------------------------------------------------------------ report

    static String markdown(List<HttpOnYarn.Run> runs) {
        StringBuilder b = new StringBuilder();
        b.append("## Baton on YARN vs YARN's in-place upgrade\n\n");
        b.append("Measured on ").append(LocalDate.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ").append(Runtime.version()).append(", on one local in-process YARN cluster "
                        + "(`LocalYarn`: MiniYARNCluster 3.4.1, one RM, two NMs, 100 ms heartbeats). **A noisy virtual "
                        + "machine** (its speed varies from run to run; the cluster, the AM and the load share its two "
                        + "cores): one run each, read the figures as orders of magnitude.\n\n");
        b.append("The HTTP sample under ").append(HttpOnYarn.CONNECTIONS).append(" client connections (half keep-alive) "
                + "at ").append(HttpOnYarn.RATE).append(" requests/s each, no retries; each run holds at least 0.5 s of "
                + "steady answers before and after. Baton: `HttpServiceExecutor` in a YARN container, the service's "
                + "port booked in the AM's ledger. YARN alone: the service (`StandaloneVersion`) is the container's "
                + "process; the NM stops it (SIGTERM, SIGKILL after 250 ms) and starts the new one in the same "
                + "container. *Time* is from the request to its end: to Baton's final outcome (its rollback: the new "
                + "version fails at start, Baton rolls back on its own, the old one never stops); to YARN's "
                + "`commitLastReInitialization` returning, called once v2 answers; for YARN's rollback, from the "
                + "re-initialization to v3 to v2 answering again, the rollback called once v3 answers (YARN rolls "
                + "back on its own only when the new process exits, never on a failed readiness check); for "
                + "kill-then-new-container, to the new version answering. Window: first to last failed request. "
                + "p99: latency of every request of the run, counted from when it was due.\n\n");
        b.append("| Scenario | outcome | time (ms) | failed requests (of) | window of failures (ms) | p99 (ms) |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (HttpOnYarn.Run r : runs) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %d (of %d) | %.0f | %.1f |%n", r.name(),
                    r.outcome().replace("|", "\\|"), r.actionMs(), r.failed(), r.samples().size(),
                    r.failureWindowMs(), r.p99Ms()));
        }
        b.append("\n");
        for (HttpOnYarn.Run r : runs) {
            if (!r.errors().isEmpty()) {
                b.append("- ").append(r.name()).append(", first errors: `")
                        .append(String.join("`, `", r.errors().subList(0, Math.min(2, r.errors().size())))).append("`\n");
            }
        }
        return b.toString();
    }
}
