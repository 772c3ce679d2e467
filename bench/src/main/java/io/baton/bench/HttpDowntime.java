package io.baton.bench;

import io.baton.proto.Durability;
import io.baton.proto.HttpCheck;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplacementTimings;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.samples.http.HttpServiceExecutor;
import io.baton.samples.http.PacedLoad;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * DESIGN.md §10 "Unavailability": the HTTP sample ({@link HttpServiceExecutor}, in its own JVM, behind a
 * real shim, its hooks timed by {@link TimedHttpExecutor}) under a steady {@link PacedLoad}, replaced
 * v1 → v2 with START_THEN_STOP and FREEZE_THEN_START once each, then {@link Plan#repetitions} runs of
 * STOP_THEN_START (with the default SYNC durability, and with PROCESS) side by side with what a user does without
 * Baton — kill v1 through the framework API, await its terminal update, launch v2 ({@link SideBySide}). Each scenario on its own port, one after the
 * other, in one run; the same load, the same grace period, the same executor process.
 */
final class HttpDowntime {
    static final String EXECUTOR = "bench-web";
    static final String RES = "cpus:0.5;mem:64";
    static final String KILL_RELAUNCH = "kill-then-relaunch";
    /**
     * STOP_THEN_START with PROCESS durability: no fsync before v1's kill, as kill-then-relaunch journals nothing durable
     * before its kill either. The same durability on both sides: what the protocol's shape costs, without the disk.
     */
    static final String STS_PROCESS = "STOP_THEN_START (PROCESS)";
    /** v1's kill grace period, in a replacement (the task's) and in kill-then-relaunch (the kill call's). */
    static final long GRACE_MS = 2_000;
    /**
     * Before the unmeasured rounds ({@link Plan#warmRounds}), cycles of a STOP_THEN_START and a kill-then-relaunch of
     * no-op tasks on a second executor in this JVM ({@link NodeWarmUp}, {@link Plan#warmCycles} of them): those rounds
     * are too few for the JIT to compile the shim's and the client's code;
     * a shim and a framework that have been running a while have it compiled. Bounded in time too (smoke: fewer).
     */
    static final long WARM_MAX_MS = 20_000;

    /**
     * Sizes of one run; {@code repetitions}: how many times STOP_THEN_START, kill-then-relaunch and STOP_THEN_START
     * with PROCESS durability are run side by side; {@code warmCycles}: {@link NodeWarmUp}'s cycles; {@code
     * warmRounds}: unmeasured rounds of STOP_THEN_START and of kill-then-relaunch (one after the other; in the first
     * two, a STOP_THEN_START with PROCESS durability after them) before anything is measured: the shim's and the
     * bench's client's paths of each, as in a shim and a framework that have been running a while (a smoke run, which
     * only checks every table is made, does one).
     */
    record Plan(int connections, int ratePerConnection, long beforeMillis, long afterMillis, int repetitions,
            int warmCycles, int warmRounds) {
        static Plan of(boolean smoke) {
            return smoke ? new Plan(4, 200, 300, 300, 2, 200, 1) : new Plan(4, 200, 1_000, 1_000, 5, 2_000, 5);
        }
    }

    /**
     * One scenario.
     *
     * @param outcome  the replacement's outcome (or of kill-then-relaunch: RUNNING when v2 ran)
     * @param note     why, when it did not commit (the final update's message)
     * @param startNs  when the replacement (or the kill) was asked for, ns since the load started
     * @param endNs    when its final update (or v2's RUNNING) arrived, ns since the load started
     * @param samples  every request of the load, by due time
     * @param oldId    v1's task id
     * @param newId    v2's task id
     * @param marks    the executor's launch and kill hooks of v1 and v2, times in ns since the load started
     * @param timings  the final update's per-phase timings (null for kill-then-relaunch)
     */
    record Scenario(String name, String outcome, String note, long startNs, long endNs,
            List<PacedLoad.Sample> samples, List<String> errors, String oldId, String newId,
            List<TimedHttpExecutor.Mark> marks, ReplacementTimings timings) {
        List<PacedLoad.Sample> inWindow() {
            return samples.stream().filter(s -> s.dueNanos() >= startNs && s.dueNanos() <= endNs).toList();
        }

        long failed() {
            return samples.stream().filter(PacedLoad.Sample::failed).count();
        }

        /** Latency (µs) of the requests due during the replacement window, failed ones included. */
        Dist windowLatency() {
            return Dist.of(inWindow().stream().map(s -> s.latencyNanos() / 1_000).toList());
        }

        /** Latency (µs) of the requests due outside the window (the steady state around it). */
        Dist steadyLatency() {
            return Dist.of(samples.stream().filter(s -> s.dueNanos() < startNs || s.dueNanos() > endNs)
                    .filter(s -> !s.failed()).map(s -> s.latencyNanos() / 1_000).toList());
        }

        String lastVersion() {
            for (int i = samples.size() - 1; i >= 0; i--) {
                if (samples.get(i).version() != null) {
                    return samples.get(i).version();
                }
            }
            return "none";
        }
    }

    /** What one run measured: every scenario in the order run, and the side-by-side runs among them. */
    record Result(Plan plan, NodeWarmUp.Done warm, List<Scenario> scenarios, List<SideBySide.Run> runs) {
    }

    private final Plan plan;
    private final Path dir;

    HttpDowntime(Plan plan, Path dir) {
        this.plan = plan;
        this.dir = dir;
    }

    /**
     * This section alone: {@code HttpDowntime [--smoke] [--runs N] [SVG]} prints its tables and writes the
     * plot; {@code --runs} overrides the number of side-by-side runs.
     */
    public static void main(String[] args) throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("baton-bench-http");
        List<String> a = List.of(args);
        int runsAt = a.indexOf("--runs");
        Plan plan = Plan.of(a.contains("--smoke"));
        if (runsAt >= 0) {
            if (runsAt + 1 >= a.size() || !a.get(runsAt + 1).matches("[1-9][0-9]{0,2}")) {
                throw new IllegalArgumentException("--runs needs a number of runs from 1 to 999, got "
                        + (runsAt + 1 < a.size() ? "'" + a.get(runsAt + 1) + "'" : "nothing"));
            }
            plan = new Plan(plan.connections(), plan.ratePerConnection(), plan.beforeMillis(), plan.afterMillis(),
                    Integer.parseInt(a.get(runsAt + 1)), plan.warmCycles(), plan.warmRounds());
        }
        Path svg = Path.of(a.stream().filter(x -> !x.startsWith("--") && !x.matches("[0-9]+")).findFirst()
                .orElse(Harness.SVG));
        try {
            Result r = new HttpDowntime(plan, dir).run();
            java.nio.file.Files.writeString(svg, Svg.plot(r));
            System.out.println(markdown(r, svg.getFileName().toString()) + SideBySide.markdown(r));
        } finally {
            Harness.deleteTree(dir);
        }
        System.exit(0);
    }

    Result run() throws Exception {
        List<Scenario> out = new ArrayList<>();
        List<SideBySide.Run> runs = new ArrayList<>();
        NodeWarmUp.Done warm;
        try (Node node = new Node(dir, "cpus:8;mem:8192")) {
            warm = NodeWarmUp.run(node, dir.resolve("warm"), plan.warmCycles(), WARM_MAX_MS);
            measure(node, out, runs);
        }
        return new Result(plan, warm, out, runs);
    }

    private void measure(Node node, List<Scenario> out, List<SideBySide.Run> runs) throws Exception {
        try (ChildJvm web = ChildJvm.start(TimedHttpExecutor.class.getName(), dir.resolve("web.log"), List.of(),
                        "--id", EXECUTOR, "--work-dir", dir.resolve("web").toString(),
                        "--shim", node.config.executorSocket().toString())) {
            node.awaitSubscribed(EXECUTOR, web.pid(), 30_000, web);
            // throw-away rounds first: the bench's own client and shim warm up before anything is measured, and each of
            // the three compared side by side runs (every scenario's clean-up kill warms the kill path; the first
            // STOP_THEN_START would otherwise be the shim's and the executor's first REPLACE reserved on delivery)
            scenario(node, web, ReplaceStrategy.START_THEN_STOP.name(), "warm", true);
            for (int i = 1; i <= plan.warmRounds(); i++) {
                scenario(node, web, ReplaceStrategy.STOP_THEN_START.name(), "warm-sts-" + i, true);
                scenario(node, web, KILL_RELAUNCH, "warm-kill-" + i, true);
                if (i <= 2) {
                    scenario(node, web, STS_PROCESS, "warm-sts-process-" + i, true);
                }
            }
            for (ReplaceStrategy s : List.of(ReplaceStrategy.START_THEN_STOP, ReplaceStrategy.FREEZE_THEN_START)) {
                out.add(scenario(node, web, s.name(), s.name().toLowerCase(java.util.Locale.ROOT), false));
            }
            // side by side: each run does all three, in one of the six orders (ORDERS), so a drift of the machine hits
            // each and each of the two comparisons runs its pair both ways round
            for (int run = 1; run <= plan.repetitions(); run++) {
                List<String> order = order(run);
                Scenario sts = null;
                Scenario kill = null;
                Scenario process = null;
                for (String leg : order) {
                    Scenario s = leg.equals(KILL_RELAUNCH) ? killRelaunch(node, web, run) : leg.equals(STS_PROCESS)
                            ? stopThenStartProcess(node, web, run) : stopThenStart(node, web, run);
                    sts = leg.equals(ReplaceStrategy.STOP_THEN_START.name()) ? s : sts;
                    kill = leg.equals(KILL_RELAUNCH) ? s : kill;
                    process = leg.equals(STS_PROCESS) ? s : process;
                    out.add(s);
                }
                runs.add(new SideBySide.Run(run, order, sts, kill, process));
            }
        }
    }

    /**
     * The order of the three legs in each side-by-side run, run n taking the (n - 1) % 6th: every order once in six
     * runs, and in the first two, three or five STOP_THEN_START (SYNC or PROCESS) as often before kill-then-relaunch
     * as after it (or one more time).
     */
    static final List<List<String>> ORDERS;

    static {
        String s = ReplaceStrategy.STOP_THEN_START.name();
        String k = KILL_RELAUNCH;
        String p = STS_PROCESS;
        ORDERS = List.of(List.of(s, k, p), List.of(p, k, s), List.of(s, p, k), List.of(k, p, s), List.of(p, s, k),
                List.of(k, s, p));
    }

    static List<String> order(int run) {
        return ORDERS.get((run - 1) % ORDERS.size());
    }

    private Scenario stopThenStartProcess(Node node, ChildJvm web, int run) throws Exception {
        return scenario(node, web, STS_PROCESS, "stop_then_start_process-" + run, false,
                SideBySide.runName(STS_PROCESS, run));
    }

    private Scenario stopThenStart(Node node, ChildJvm web, int run) throws Exception {
        return scenario(node, web, ReplaceStrategy.STOP_THEN_START.name(), "stop_then_start-" + run, false,
                SideBySide.runName(ReplaceStrategy.STOP_THEN_START.name(), run));
    }

    private Scenario killRelaunch(Node node, ChildJvm web, int run) throws Exception {
        return scenario(node, web, KILL_RELAUNCH, "kill-" + run, false, SideBySide.runName(KILL_RELAUNCH, run));
    }

    private Scenario scenario(Node node, ChildJvm web, String name, String prefix, boolean warmUp) throws Exception {
        return scenario(node, web, name, prefix, warmUp, name);
    }

    private Scenario scenario(Node node, ChildJvm web, String name, String prefix, boolean warmUp, String title)
            throws Exception {
        int port = freePort();
        String v1 = prefix + "-v1";
        String v2 = prefix + "-v2";
        node.launch(EXECUTOR, version(v1, "v1", port)).get(20, TimeUnit.SECONDS);
        long before = warmUp ? 200 : plan.beforeMillis();
        long after = warmUp ? 200 : plan.afterMillis();
        PacedLoad load = new PacedLoad(port, plan.connections(), plan.ratePerConnection(), before + after + 30_000);
        Done done;
        long start;
        long end;
        List<PacedLoad.Sample> samples;
        try {
            // what the caller would have ready before the call (v2's task, the replacement's spec): built before the
            // clock starts, for both, so the window is the call's alone
            TaskInfo next = version(v2, "v2", port);
            ReplaceSpec spec = name.equals(KILL_RELAUNCH) ? null : name.equals(STS_PROCESS)
                    ? spec(ReplaceStrategy.STOP_THEN_START, v1, next, Durability.PROCESS)
                    : spec(ReplaceStrategy.valueOf(name), v1, next);
            Thread.sleep(before); // the steady state before the replacement
            start = System.nanoTime();
            done = spec == null ? killThenRelaunch(node, v1, next) : replace(node, spec);
            end = System.nanoTime();
            Thread.sleep(after);
        } finally {
            samples = load.stop();
        }
        String serving = done.outcome().equals("COMMITTED") || done.outcome().equals("RUNNING") ? v2 : v1;
        node.client.kill(serving, 2_000).get(10, TimeUnit.SECONDS);
        node.state(serving, TaskState.TASK_KILLED).get(20, TimeUnit.SECONDS);
        long zero = load.startNanos();
        List<TimedHttpExecutor.Mark> marks = web.output().lines().filter(l -> l.startsWith(TimedHttpExecutor.MARK))
                .map(TimedHttpExecutor.Mark::parse)
                .filter(m -> m.taskId().equals(v1) && m.hook().equals("kill") || m.taskId().equals(v2) && m.hook().equals("launch"))
                .map(m -> m.since(zero))
                .toList();
        return new Scenario(title, done.outcome(), done.note(), start - zero, end - zero, samples, load.errors(), v1, v2,
                marks, done.timings());
    }

    /** How a replacement (or kill-then-relaunch) ended, and the final update's timings (null without one). */
    private record Done(String outcome, String note, ReplacementTimings timings) {
    }

    static ReplaceSpec spec(ReplaceStrategy strategy, String v1, TaskInfo v2) {
        return spec(strategy, v1, v2, Durability.DURABILITY_DEFAULT);
    }

    /** {@code durability}: DURABILITY_DEFAULT is SYNC. */
    static ReplaceSpec spec(ReplaceStrategy strategy, String v1, TaskInfo v2, Durability durability) {
        return ReplaceSpec.of(v1, v2).withReplacementId("http-" + v2.getTaskId().getValue())
                .withPolicy(ReplacePolicy.newBuilder().setStrategy(strategy).setStartTimeoutMs(10_000)
                        .setDrainTimeoutMs(10_000).setDurability(durability).build());
    }

    private Done replace(Node node, ReplaceSpec spec) throws Exception {
        if (spec.policy().getStrategy() != ReplaceStrategy.STOP_THEN_START) {
            spec = spec.withOffers(node.offer(RES)); // both versions hold resources at once: an offer first
        }
        ReplaceOutcome o = node.client.replace(spec).outcome().get(40, TimeUnit.SECONDS);
        return new Done(o.outcome().name(), o.committed() ? null : o.status().getMessage(), o.timings());
    }

    /** Without Baton: kill v1 through the framework API, wait for its terminal update, launch v2, wait for RUNNING. */
    private Done killThenRelaunch(Node node, String v1, TaskInfo v2) throws Exception {
        node.client.kill(v1, GRACE_MS).get(10, TimeUnit.SECONDS);
        node.state(v1, TaskState.TASK_KILLED).get(20, TimeUnit.SECONDS);
        node.launch(EXECUTOR, v2).get(20, TimeUnit.SECONDS);
        return new Done("RUNNING", null, null);
    }

    /** A version of the service on {@code port}, with an HTTP readiness check probed every 100 ms. */
    static TaskInfo version(String id, String version, int port) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(RES).toProto()).setKillGracePeriodMs(GRACE_MS)
                .setSpec(TaskSpec.newBuilder().setKind("http").setValue(version)
                        .putAllParams(Map.of("port", Integer.toString(port))))
                .setReadiness(ReadinessCheck.newBuilder().setHttp(HttpCheck.newBuilder().setPort(port).setPath("/"))
                        .setIntervalMs(100).setTimeoutMs(500))
                .build();
    }

    /** The report's section: one row per scenario, side by side, and the plot. */
    static String markdown(Result r, String svgName) {
        StringBuilder b = new StringBuilder();
        b.append("## HTTP service under steady load: downtime during a replacement\n\n");
        b.append("`HttpServiceExecutor` (its hooks timed by `TimedHttpExecutor`) in its own JVM (`")
                .append(ChildJvm.OPTIONS).append("`) behind the shim; ")
                .append("the load: ").append(r.plan().connections())
                .append(" client connections on loopback (half keep-alive, half a new connection per request), each ")
                .append(r.plan().ratePerConnection()).append(" requests/s at fixed times, no retries; latency is "
                        + "counted from when a request was due (a stall shows on the requests queued behind it). ")
                .append("Window: from the replace (or kill) call to the final update (or v2's RUNNING); ")
                .append(r.plan().beforeMillis()).append(" ms of load before it and ").append(r.plan().afterMillis())
                .append(" ms after. Kill-then-relaunch is what a user does without Baton: kill v1 through the "
                        + "framework API, wait for TASK_KILLED, launch v2 with a fresh offer, wait for "
                        + "TASK_RUNNING. First, with no load, ")
                .append(r.warm().cycles()).append(" cycles (").append(r.warm().millis()).append(" ms) of a "
                        + "STOP_THEN_START and a kill-then-relaunch of no-op tasks on a second executor in the bench's JVM "
                        + "bring the shim's and the bench's client's code to where a shim and a framework running a while "
                        + "have it: compiled by the JIT (the HTTP executor's JVM is fresh: it warms itself up as every "
                        + "executor does). Then, after unmeasured rounds (short loads) of START_THEN_STOP once and of "
                        + "STOP_THEN_START and kill-then-relaunch ").append(r.plan().warmRounds())
                .append(r.plan().warmRounds() == 1 ? " time each, " : " times each, ")
                .append("one after the other (the HTTP executor's paths of both), and of STOP_THEN_START with PROCESS "
                        + "durability after ").append(r.plan().warmRounds() == 1 ? "them" : "the first two")
                .append(", START_THEN_STOP and FREEZE_THEN_START run once, STOP_THEN_START, "
                        + "kill-then-relaunch and STOP_THEN_START with PROCESS durability ").append(r.plan().repetitions())
                .append(" times each, side by side (below the table). The replacements have the default durability, SYNC "
                        + "(an fsync before v1's kill), but those named (PROCESS). A STOP_THEN_START's kill names v2 as "
                        + "v1's successor, and the sample then leaves the port's listener open for v2 (same port, no "
                        + "warm-up): requests made from v1's kill to v2's start wait for v2 instead of failing (their "
                        + "wait shows in the window's latencies); kill-then-relaunch's kill names none, and v1 closes "
                        + "the listener.\n\n");
        b.append("| Scenario | outcome | window (ms) | requests in window | failed in window | failed in run "
                + "(of requests) | p50 in window (ms) | p99 in window (ms) | max in window (ms) | p99 outside "
                + "window (ms) | serving after |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Scenario s : r.scenarios()) {
            Dist w = s.windowLatency();
            b.append("| ").append(s.name()).append(" | ").append(s.outcome()).append(" | ")
                    .append(ms((s.endNs() - s.startNs()) / 1_000)).append(" | ").append(s.inWindow().size())
                    .append(" | ").append(s.inWindow().stream().filter(PacedLoad.Sample::failed).count()).append(" | ")
                    .append(s.failed()).append(" (of ").append(s.samples().size()).append(") | ").append(ms(w.p50()))
                    .append(" | ").append(ms(w.p99())).append(" | ").append(ms(w.max())).append(" | ")
                    .append(ms(s.steadyLatency().p99())).append(" | ").append(s.lastVersion()).append(" |\n");
        }
        b.append("\n");
        for (Scenario s : r.scenarios()) {
            if (s.note() != null) {
                b.append("- ").append(s.name()).append(" ended ").append(s.outcome()).append(": ")
                        .append(s.note().replace("|", "\\|")).append("\n");
            }
            if (!s.errors().isEmpty()) {
                b.append("- ").append(s.name()).append(", first errors: `").append(String.join("`, `",
                        s.errors().subList(0, Math.min(3, s.errors().size())))).append("`\n");
            }
        }
        b.append("\n![request latency over time across each replacement](").append(svgName).append(")\n\n");
        return b.toString();
    }

    static String ms(long us) {
        return us < 0 ? "–" : String.format(java.util.Locale.ROOT, "%.2f", us / 1e3);
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
