package io.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Renders one {@link Harness} run as the markdown report in docs/BENCHMARKS.md. */
final class Report {
    private Report() {
    }

    /**
     * The floor's parts, each timed alone in the run (µs).
     *
     * @param state     a framework STATE answered (the floor's round trip in runs before 2026-12-02, kept beside)
     * @param heartbeat an executor heartbeat answered: half of it stands for the REPLACE's delivery to the executor
     * @param reserve   an executor RESERVE answered: the replacement's one round trip
     */
    record Floor(Dist state, Dist heartbeat, Dist reserve, Dist journalP, Dist journalS) {
        /** Delivery + one round trip (the protocol's part of a replacement), p50. */
        long protocolP50() {
            return heartbeat.p50() / 2 + reserve.p50();
        }

        long processP50() {
            return protocolP50() + journalP.p50();
        }

        long syncP50() {
            return protocolP50() + journalS.p50();
        }

        /** The floor as runs before 2026-12-02 defined it: one framework round trip + the appends. */
        long previousProcessP50() {
            return state.p50() + journalP.p50();
        }
    }

    /**
     * @param curve throughput rounds ({@link Harness#throughput}): replacements/s after the round's warm-up, committed
     *              then, not committed in the round, seconds measured, replacements at once, replacements/s over the
     *              whole round
     * @param heap  heap per live task: bytes, live, failed, heap before, heap after
     */
    static String render(Harness.Plan plan, Latency process, Latency sync, Floor floor, List<double[]> curve,
            double[] heap) {
        int appendsP = (int) Math.round(process.appendsPer());
        int appendsS = (int) Math.round(sync.appendsPer());
        int syncsS = (int) Math.round(sync.syncsPer());
        StringBuilder b = new StringBuilder();
        Runtime rt = Runtime.getRuntime();
        b.append("# Baton benchmarks\n\n");
        b.append("Produced by `io.baton.bench.Harness").append(plan.smoke() ? " --smoke" : "").append("` on ")
                .append(DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.now().atZone(ZoneOffset.UTC))).append(" (UTC).\n\n");
        b.append("| Machine | |\n|---|---|\n");
        b.append("| cores | ").append(rt.availableProcessors()).append(" |\n");
        b.append("| memory | ").append(physicalMemory()).append(" |\n");
        b.append("| max heap | ").append(rt.maxMemory() >> 20).append(" MiB |\n");
        b.append("| JVM | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append(" |\n");
        b.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(" |\n");
        b.append("| date | ").append(DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS))).append(" |\n\n");

        b.append("Setup: in-process shim (InMemoryIsolator, limits recorded, no cgroup writes), in-process executor "
                + "runtime with `WorkerExecutor` over the shim's Unix socket, Chronicle journal in a temp dir, "
                + "`BatonClient` framework. STOP_THEN_START, same-size tasks, one replacement at a time, measured after "
                + plan.latencyWarmup() + " warm-up replacements with PROCESS durability (a long-running executor is "
                + "JIT-warm), then SYNC after " + plan.earlyWarmup() + " more in the same executor. Until 2026-12-05 the "
                + "warm-up was 2,000 replacements (10 in a smoke run) and 400 were measured, and the JIT's C2 is still "
                + "compiling the replacement's path then: Baton's time over replacements " + (plan.earlyWarmup() + 1)
                + "–" + (plan.earlyWarmup() + plan.latencyReplacements()) + " of the same executor is the row marked "
                + "\"after only " + plan.earlyWarmup() + "\", here and in \"By kind of task\".\n\n");

        b.append("## Replacement latency (µs)\n\n");
        b.append("| Metric | Durability | n | p50 | p99 | max |\n|---|---|---|---|---|---|\n");
        for (Latency l : List.of(process, sync)) {
            row(b, "total (timings.total_us)", l, l.total());
            row(b, "drain (task's own stop)", l, l.drain());
            row(b, "launch (task's own start)", l, l.launch());
            row(b, "SDK overhead (total − drain − launch)", l, l.overhead());
            row(b, "Baton's time (total − the author's kill and launch, timed in its hooks)", l, l.sdk());
            if (l.sdkEarly().us().length > 0) {
                row(b, "Baton's time after only " + plan.earlyWarmup() + " warm-up replacements (the JIT still compiling)",
                        l, l.sdkEarly());
            }
            row(b, "framework round trip (replace → final update)", l, l.client());
        }
        b.append('\n');

        b.append("## Floor, each part timed alone in the same run (µs)\n\n");
        b.append("What a STOP_THEN_START cannot avoid between the shim receiving the REPLACE (where `total_us` starts) "
                + "and the commit, besides the tasks' own stop and start: the REPLACE's delivery to the executor, one "
                + "round trip to the shim (the RESERVE, answered once the container holds the pool), and the journal's "
                + "appends (with SYNC, its fsyncs). The executor's two are timed by a second, lightweight executor on "
                + "the same shim, on its connection's loop as the SDK's driver loop times its own calls; the delivery "
                + "is taken as half a heartbeat's round trip (one frame each way over the same socket). The framework's "
                + "STATE round trip was the floor's round trip until 2026-12-02; it is kept for comparison. The replacements "
                + "measured above move no resources, so the shim reserves them on delivery and they make no round trip "
                + "at all: their overhead can be below this floor, which stays the floor of every replacement (one "
                + "with offers makes the RESERVE round trip).\n\n");
        b.append("| Part | n | p50 | p99 | max |\n|---|---|---|---|---|\n");
        floorRow(b, "executor heartbeat round trip (delivery = half of it)", floor.heartbeat());
        floorRow(b, "executor RESERVE round trip (container limits set before the answer)", floor.reserve());
        floorRow(b, appendsP + " journal appends (PROCESS)", floor.journalP());
        floorRow(b, appendsS + " journal appends + " + syncsS + " fsyncs (SYNC)", floor.journalS());
        floorRow(b, "for comparison: framework STATE round trip (the previous floor's round trip)", floor.state());
        b.append("| cgroup writes | – | n/a (InMemoryIsolator) | | |\n\n");

        long floorP = floor.processP50();
        long floorS = floor.syncP50();
        b.append("## Against the targets (DESIGN.md §10, issue 13)\n\n");
        b.append("| Metric | Measured | Target |\n|---|---|---|\n");
        // the targets are held to Baton's time as the author's hooks see it (the stricter of the two measures)
        b.append("| SDK overhead p50, PROCESS (Baton's time) | ").append(process.sdk().p50())
                .append(" µs (total − drain − launch: ").append(process.overhead().p50()).append(") | ≤ 300 µs |\n");
        b.append("| SDK overhead p99, PROCESS (Baton's time) | ").append(process.sdk().p99())
                .append(" µs (total − drain − launch: ").append(process.overhead().p99()).append(") | ≤ 1000 µs |\n");
        b.append("| overhead/floor ratio, PROCESS (p50 ").append(process.sdk().p50()).append(" / floor p50 ")
                .append(floorP).append(" µs = delivery ").append(floor.heartbeat().p50() / 2).append(" + RESERVE ")
                .append(floor.reserve().p50()).append(" + appends ").append(floor.journalP().p50()).append(") | ")
                .append(fmt(process.sdk().p50() / (double) Math.max(1, floorP))).append("× | ≤ 2× |\n");
        b.append("| the same against the previous floor (STATE round trip + appends, p50 ")
                .append(floor.previousProcessP50()).append(" µs) | ")
                .append(fmt(process.sdk().p50() / (double) Math.max(1, floor.previousProcessP50())))
                .append("× | – |\n");
        b.append("| overhead/floor ratio, SYNC (p50 ").append(sync.sdk().p50()).append(" / floor p50 ")
                .append(floorS).append(" µs) | ").append(fmt(sync.sdk().p50() / (double) Math.max(1, floorS)))
                .append("× | – |\n");
        b.append("| fsyncs per replacement, SYNC | ").append(fmt(sync.syncsPer())).append(" | ≤ 3 |\n");
        b.append("| fsyncs per replacement, PROCESS | ").append(fmt(process.syncsPer())).append(" | – |\n");
        b.append("| journal appends per replacement | ").append(fmt(process.appendsPer())).append(" (PROCESS), ")
                .append(fmt(sync.appendsPer())).append(" (SYNC) | – |\n");
        for (double[] tp : curve) {
            int at = (int) tp[4];
            b.append("| throughput, one executor, worker-sample tasks (a thread each), ").append(at)
                    .append(" replaced at once, PROCESS | ")
                    .append(String.format(Locale.ROOT, "%.0f", tp[0])).append(" replacements/s (")
                    .append((long) tp[1]).append(" committed in ").append(fmt(tp[3])).append(" s after ")
                    .append(fmt(plan.throughputWarmMillis() / 1000.0)).append(" s at that concurrency not counted; ")
                    .append((long) tp[2]).append(" not committed; whole round ")
                    .append(String.format(Locale.ROOT, "%.0f", tp[5])).append("/s) | ").append(at == 16 ? "≥ 5000/s with no-op tasks: see \"By kind of task\""
                            : "curve").append(" |\n");
        }
        b.append("| heap per live task at ").append((long) heap[1]).append(" live tasks (of ").append(plan.liveTasks())
                .append("; ").append((long) heap[2]).append(" failed) | ")
                .append(String.format(Locale.ROOT, "%.0f", heap[0])).append(" bytes (heap after GC ")
                .append((long) heap[3] >> 20).append(" → ").append((long) heap[4] >> 20)
                .append(" MiB; shim + executor + client in one JVM) | bounded |\n\n");

        return b.toString();
    }

    /** The sections measured with executors in their own JVMs, and their rows against the targets. */
    /** The profile findings behind the figures: what was fixed, and the causes of the gaps that remain. */
    static String notes() {
        try (java.io.InputStream in = Report.class.getResourceAsStream("benchmark-notes.md")) {
            return in == null ? "" : "\n" + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String more(HttpDowntime.Result http, RecoveryBench.Result recovery, String svgName) {
        StringBuilder b = new StringBuilder();
        b.append(HttpDowntime.markdown(http, svgName));
        b.append(SideBySide.markdown(http));
        b.append(RecoveryReport.markdown(recovery));
        b.append("## Against the targets, continued (DESIGN.md §10)\n\n");
        b.append("| Metric | Measured | Target |\n|---|---|---|\n");
        for (HttpDowntime.Scenario s : http.scenarios()) {
            b.append("| failed requests, HTTP sample under load, ").append(s.name()).append(" | ").append(s.failed())
                    .append(" of ").append(s.samples().size()).append(" (").append(s.outcome()).append(") | ")
                    .append(s.name().equals("START_THEN_STOP") ? "0" : "compare").append(" |\n");
        }
        for (RecoveryBench.Size big : recovery.sizes()) {
            if (big.row().records() != recovery.sizes().stream().mapToInt(z -> z.row().records()).max().orElse(0)) {
                continue; // the target is about the largest journal
            }
            b.append("| recovery, ").append(big.records()).append("-record journal, ").append(big.row().options())
                    .append(" (").append(big.replayed()).append(" replayed), process start → re-subscribed, p50 | ")
                    .append(big.failure() != null ? "did not recover" : fmt(big.fromProcess().p50() / 1e3)
                            + " ms (runtime start: " + fmt(big.fromRuntime().p50() / 1e3) + " ms)")
                    .append(" | ").append(restartTarget(big, recovery)).append(" |\n");
        }
        Standbys standby = recovery.standby();
        if (standby.failure() == null) {
            b.append("| a warm standby's takeover (`baton executor worker --standby`), ").append(standby.records())
                    .append("-record journal, SIGKILL → re-subscribed, p50 | ").append(fmt(standby.takeover().p50() / 1e3))
                    .append(" ms (max ").append(fmt(standby.takeover().max() / 1e3)).append(" ms) | no process start: "
                            + "beside the restart's ≤ 300 ms, not instead of it |\n");
        }
        if (recovery.bare().us().length > 0) {
            b.append("| bare JVM start (prints and exits), p50 | ").append(fmt(recovery.bare().p50() / 1e3)).append(" ms")
                    .append(recovery.launcher().us().length == 0 ? "" : "; as bin/baton starts a JVM: "
                            + fmt(recovery.launcher().p50() / 1e3) + " ms (with its AppCDS archive: "
                            + fmt(recovery.launcherCds().p50() / 1e3) + " ms)")
                    .append(" | restart ≤ 5× this |\n");
        }
        b.append('\n');
        return b.toString();
    }

    /**
     * The target column of a restart row. Issue 13's item 4 is about the restart an operator gets: {@code bin/baton
     * executor worker} as executors start (its AppCDS archive, no variant), against a bare JVM started the same way;
     * that row gets the verdict. The other rows (the bench's own main without an archive, and the variants measured
     * beside it) say what they are compared with.
     */
    static String restartTarget(RecoveryBench.Size size, RecoveryBench.Result recovery) {
        RecoveryBench.Row row = size.row();
        if (!row.launcher() || row.variant() != null) {
            return "for comparison (item 4's figure is the `bin/baton executor worker` row as executors start)";
        }
        String target = "≤ 300 ms and ≤ 5× a bare JVM started as bin/baton starts one, at 100,000 records (issue 13, item 4)";
        if (size.failure() != null || recovery.launcher().us().length == 0) {
            return target;
        }
        double ms = size.fromProcess().p50() / 1e3;
        double ratio = size.fromProcess().p50() / (double) recovery.launcher().p50();
        boolean met = ms <= 300 && ratio <= 5;
        return target + ": " + (met ? "met" : "missed") + " (" + fmt(ms) + " ms, " + String.format("%.1f", ratio)
                + "× " + fmt(recovery.launcher().p50() / 1e3) + " ms)";
    }

    private static void row(StringBuilder b, String metric, Latency l, Dist d) {
        b.append("| ").append(metric).append(" | ").append(l.durability()).append(" | ").append(d.us().length)
                .append(" | ").append(d.p50()).append(" | ").append(d.p99()).append(" | ").append(d.max()).append(" |\n");
    }

    private static void floorRow(StringBuilder b, String part, Dist d) {
        b.append("| ").append(part).append(" | ").append(d.us().length).append(" | ").append(d.p50()).append(" | ")
                .append(d.p99()).append(" | ").append(d.max()).append(" |\n");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String physicalMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // below
        }
        return "unknown";
    }
}
