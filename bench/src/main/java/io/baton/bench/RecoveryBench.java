package io.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * DESIGN.md §10 "Recovery": an executor ({@link RecoveryChild}: the worker sample) in its own JVM writes a
 * journal of about N records by doing real replacements through a real shim; it is killed with SIGKILL;
 * then, from a pristine copy of that journal each time, a new executor process is started on it and timed
 * until it has re-subscribed with the shim and until it answers (a task launched on it runs).
 *
 * <p>Set {@code BATON_BENCH_JFR} to a directory to record each restarted executor with JFR (those are then
 * stopped with SIGTERM, so the recording is written; their logs are kept there too), and
 * {@code BATON_BENCH_JFR_SETTINGS} to a .jfc file for other settings than JFR's {@code profile}. Set
 * {@code BATON_BENCH_KEEP} to a directory to keep the restarted executors' logs there (without JFR), and
 * {@code BATON_BENCH_RESTART_OPTS} to JVM options (space-separated) for every restart, where {@code %n} becomes the
 * restart's name (e.g. {@code -Xlog:class+load:file=/tmp/%n.log:uptime}).
 */
final class RecoveryBench {

    /**
     * A JVM option set a row's restarts are also measured with, side by side (each rep runs every variant, the
     * first one alternating): its name in file names, what it changes, and its options.
     */
    record Variant(String name, String label, List<String> options, Map<String, String> env) {
        Variant(String name, String label, List<String> options) {
            this(name, label, options, Map.of());
        }

        /** bin/baton without its class-data archive (the launcher's row; the environment is bin/baton's). */
        static final Variant NO_CDS = new Variant("no-cds", "without the archive (`BATON_NO_CDS=1`)", List.of(),
                Map.of("BATON_NO_CDS", "1"));
        /** The connection made only after recovery. */
        static final Variant SERIAL = new Variant("serial",
                "connect after recovery (`-Dbaton.executor.preconnect=false`)", List.of("-Dbaton.executor.preconnect=false"));
        /** Chronicle's native POSIX binding loaded, as before 2026-12-03. */
        static final Variant NATIVE_POSIX = new Variant("posix",
                "Chronicle's native POSIX binding loaded (`-Dbaton.journal.chroniclePosix=true`)",
                List.of("-Dbaton.journal.chroniclePosix=true"));
        /** The journal's queue opened at the start and waited for before the subscription, as before 2026-12-06. */
        static final Variant QUEUE_AT_START = new Variant("queue-at-start",
                "the queue opened at the start and waited for (`-Dbaton.executor.openQueueAtStart=true`)",
                List.of("-Dbaton.executor.openQueueAtStart=true"));
        /** SLF4J and logback finding their set-up themselves, as before 2026-12-06. */
        static final Variant LOGBACK_SETUP = new Variant("logback-setup",
                "SLF4J and logback set up the way they find (`-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider`)",
                List.of("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider"));
        /** {@code baton executor}'s arguments parsed by picocli, as before 2026-12-06 (the launcher's row). */
        static final Variant PICOCLI = new Variant("picocli",
                "arguments parsed by picocli (`-Dbaton.cli.quickExecutor=false`)",
                List.of("-Dbaton.cli.quickExecutor=false"));
    }

    /**
     * A journal size to measure, with the SDK's default journal options or another Chronicle block size, restarted
     * as {@link RecoveryChild} (this class path, no class-data archive) or, with {@code launcher}, as an operator
     * starts an executor: {@code bin/baton executor worker} (the CLI's one jar and the AppCDS archive bin/baton
     * makes for it, the JVM's default collector and heap); as the executors start by default ({@code variant}
     * null) and, side by side, with each of {@code also}.
     */
    record Row(int records, long blockSize, boolean launcher, Variant variant, List<Variant> also) {
        static Row of(int records) {
            return new Row(records, 0, false);
        }

        /** Restarted with {@code bin/baton executor worker}. */
        static Row launched(int records) {
            return new Row(records, 0, true);
        }

        Row(int records, long blockSize, boolean launcher) {
            this(records, blockSize, launcher, null, List.of());
        }

        /** Each restart of this row also once with {@code v}'s options. */
        Row with(Variant v) {
            List<Variant> more = new ArrayList<>(also);
            more.add(v);
            return new Row(records, blockSize, launcher, null, List.copyOf(more));
        }

        /** The rows each restart of this one is compared with, side by side: itself first. */
        List<Row> variants() {
            List<Row> out = new ArrayList<>(List.of(this));
            also.forEach(v -> out.add(new Row(records, blockSize, launcher, v, List.of())));
            return out;
        }

        /** JVM options of this variant. */
        List<String> jvmOptions() {
            return variant == null ? List.of() : variant.options();
        }

        /** What this variant adds to bin/baton's environment. */
        Map<String, String> env() {
            return variant == null ? Map.of() : variant.env();
        }

        String options() {
            long defaults = io.baton.sdk.journal.ChronicleJournal.Options.defaults().blockSize();
            return (blockSize == 0 ? "default (" + (defaults >> 20) + " MiB blocks)" : (blockSize >> 20) + " MiB blocks")
                    + (launcher ? ", `bin/baton executor worker` (one jar, bin/baton's AppCDS archive, the JVM's "
                            + "default collector and heap)" : "")
                    + (variant != null ? ", " + variant.label() : also.isEmpty() ? "" : ", as executors start");
        }
    }

    /** Sizes of one run. */
    record Plan(List<Row> sizes, int reps, int chains, long fillMillis) {
        static Plan of(boolean smoke) {
            // 9,500: under the SDK's checkpoint interval, so all of it is replayed (the longest replay);
            // the last row: 100,000 with blocks big enough for its checkpoints (see the report)
            return smoke ? new Plan(List.of(Row.of(1_000).with(Variant.SERIAL).with(Variant.NATIVE_POSIX),
                    Row.launched(1_000).with(Variant.QUEUE_AT_START).with(Variant.PICOCLI)), 2, 4, 30_000)
                    : new Plan(List.of(Row.of(1_000), Row.of(9_500), Row.of(10_000),
                            Row.of(100_000).with(Variant.SERIAL).with(Variant.NATIVE_POSIX),
                            new Row(100_000, 1L << 20, false),
                            Row.launched(100_000).with(Variant.NO_CDS).with(Variant.PICOCLI).with(Variant.LOGBACK_SETUP)
                                    .with(Variant.QUEUE_AT_START).with(Variant.SERIAL)), 3, 8, 300_000);
        }
    }

    /**
     * One journal size. Times in µs, from {@link RestartTimeline}s.
     *
     * @param records     records in the journal when the executor was killed
     * @param replayed    of those, from the latest checkpoint on (what recovery replays)
     * @param fromProcess process start → re-subscribed with the shim
     * @param fromRuntime runtime start (JVM up, before the journal opens) → re-subscribed
     * @param opening     runtime start → recovery began (wiring; the journal's queue opens alongside since 2026-12-04)
     * @param recovering  the executor's own "recovered in N ms" (replay + recover hook)
     * @param subscribing recovered → re-subscribed
     * @param answering   re-subscribed → a task launched on it is RUNNING
     * @param queueOpen   runtime start → the journal's Chronicle queue open (on its own thread; empty for an executor
     *                    that does not log it)
     */
    record Size(Row row, long records, long replayed, Dist fromProcess, Dist fromRuntime, Dist opening,
            Dist recovering, Dist subscribing, Dist answering, Dist queueOpen, String fillErrors, String failure) {
    }

    /**
     * @param bare         a JVM that prints and exits ({@link BareMain}), same JVM, flags and options as
     *                     {@link RecoveryChild}'s: process start → exit
     * @param launcher     the same as bin/baton starts a JVM (its flags, the JVM's default collector and heap, the
     *                     CLI's jar first on the class path); empty without a launcher row
     * @param launcherCds  that with bin/baton's AppCDS archive mapped
     */
    record Result(Plan plan, List<Size> sizes, Dist bare, Dist launcher, Dist launcherCds) {
    }

    private final Plan plan;
    private final Path dir;

    RecoveryBench(Plan plan, Path dir) {
        this.plan = plan;
        this.dir = dir;
    }

    /** This section alone: {@code RecoveryBench [--smoke]} prints its table (set BATON_BENCH_JFR to profile). */
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("baton-bench-recovery");
        try {
            System.out.println(markdown(new RecoveryBench(Plan.of(List.of(args).contains("--smoke")), dir).run()));
        } finally {
            Harness.deleteTree(dir);
        }
        System.exit(0);
    }

    Result run() throws Exception {
        List<Size> out = new ArrayList<>();
        try (Node node = new Node(dir, "cpus:10000;mem:10000000")) {
            for (Row row : plan.sizes()) {
                out.addAll(size(node, row));
            }
        }
        int n = plan.reps() * 3;
        Dist bare = bare(n, () -> ChildJvm.start(BareMain.class.getName(), dir.resolve("bare.log"), List.of()));
        Dist launcher = Dist.of(List.of());
        Dist launcherCds = Dist.of(List.of());
        if (cdsArchive != null) {
            List<String> plain = Launcher.bareCommand(List.of());
            launcher = bare(n, () -> ChildJvm.command(plain, Map.of(), dir.resolve("bare.log")));
            // -Xshare:on: a JVM that cannot map the archive refuses to start, so the figure is one with it mapped
            List<String> mapped = Launcher.bareCommand(List.of("-XX:SharedArchiveFile=" + cdsArchive, "-Xshare:on",
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            launcherCds = bare(n, () -> ChildJvm.command(mapped, Map.of(), dir.resolve("bare.log")));
        }
        return new Result(plan, out, bare, launcher, launcherCds);
    }

    /** One row: its journal filled once, then restarted from copies of it (each variant per rep, alternating). */
    private List<Size> size(Node node, Row row) throws Exception {
        String id = "rec-" + row.records() + (row.blockSize() == 0 ? "" : "-b" + (row.blockSize() >> 20))
                + (row.launcher() ? "-launched" : "");
        Path base = dir.resolve(id);
        Path work = base.resolve("filled");
        long[] counted;
        String fillErrors;
        try (ChildJvm child = executor(node, id, row, work, base.resolve("filled.log"), List.of()).child()) {
            JournalFill.fill(node, id, work.resolve("journal"), row.records(), plan.chains(), plan.fillMillis());
            child.kill9();
            counted = JournalFill.count(work.resolve("journal"));
            fillErrors = errors(child.output(), " - executor driver loop: a step failed: ");
        }
        String failure = null;
        List<Row> variants = row.variants();
        List<List<RestartTimeline>> restarts = new ArrayList<>();
        variants.forEach(v -> restarts.add(new ArrayList<>()));
        String jfr = System.getenv("BATON_BENCH_JFR");
        if (jfr == null) {
            jfr = System.getenv("BATON_BENCH_KEEP");
        }
        if (row.launcher()) {
            try {
                cdsArchive = Launcher.train(dir.resolve("train.log"));
            } catch (IllegalStateException e) {
                failure = "no AppCDS archive: " + e.getMessage().lines().limit(3).reduce((a, b) -> a + " / " + b).orElse("?");
            }
        }
        for (int rep = 0; rep < plan.reps() && failure == null; rep++) {
            for (int k = 0; k < variants.size() && failure == null; k++) {
                int v = (k + rep) % variants.size(); // alternate which variant goes first
                Variant variant = variants.get(v).variant();
                String name = "restart-" + rep + (variant == null ? "" : "-" + variant.name());
                Path restart = base.resolve(name);
                JournalFill.copyTree(work.resolve("journal"), restart.resolve("journal"));
                List<String> opts = new ArrayList<>(variants.get(v).jvmOptions());
                String xo = System.getenv("BATON_BENCH_RESTART_OPTS");
                if (xo != null) {
                    for (String o : xo.split(" ")) {
                        opts.add(o.replace("%n", id + "-" + name));
                    }
                }
                if (jfr != null && System.getenv("BATON_BENCH_JFR") != null) {
                    opts.add("-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath().resolve(id + "-"
                            + name + ".jfr") + ",settings=" + System.getenv().getOrDefault("BATON_BENCH_JFR_SETTINGS",
                            "profile"));
                }
                long t0 = Harness.nowUs();
                ChildJvm child;
                long subscribed;
                try {
                    Started started = row.launcher()
                            ? launched(node, id, restart, base.resolve(name + ".log"), opts, variants.get(v).env())
                            : executor(node, id, row, restart, base.resolve(name + ".log"), opts);
                    child = started.child();
                    subscribed = started.subscribedUs();
                } catch (IllegalStateException e) {
                    failure = errors(e.getMessage(), " could not recover from its journal in ");
                    failure = failure == null ? e.getMessage().lines().findFirst().orElse("?") : failure;
                    keep(base.resolve(name + ".log"), jfr);
                    break;
                }
                try {
                    node.launch(id, JournalFill.task(id + "-probe-" + name)).get(30, TimeUnit.SECONDS);
                    long answered = Harness.nowUs();
                    awaitQueueOpen(child); // it opens after the subscription since 2026-12-06: its line comes later
                    try {
                        restarts.get(v).add(RestartTimeline.of(t0, child.output(), subscribed, answered));
                    } catch (IllegalStateException e) {
                        failure = e.getMessage().lines().findFirst().orElse("?");
                    }
                } finally {
                    if (jfr == null) {
                        child.kill9();
                    } else {
                        child.terminate();
                    }
                }
                keep(base.resolve(name + ".log"), jfr);
                Harness.deleteTree(restart);
            }
        }
        keep(base.resolve("filled.log"), jfr);
        Harness.deleteTree(work);
        List<Size> out = new ArrayList<>();
        for (int v = 0; v < variants.size(); v++) {
            List<RestartTimeline> all = restarts.get(v);
            List<RestartTimeline> logged = all.stream().filter(RestartTimeline::hasRecovery).toList();
            out.add(new Size(variants.get(v), counted[0], counted[1], dist(all, RestartTimeline::fromProcess),
                    dist(all, RestartTimeline::fromRuntime), dist(logged, RestartTimeline::opening),
                    dist(logged, RestartTimeline::recovering), dist(logged, RestartTimeline::subscribing),
                    dist(all, RestartTimeline::answering),
                    dist(all.stream().filter(RestartTimeline::hasQueueOpen).toList(), RestartTimeline::queueOpen),
                    fillErrors, failure));
        }
        return out;
    }

    private static Dist dist(List<RestartTimeline> restarts, java.util.function.ToLongFunction<RestartTimeline> f) {
        return Dist.of(restarts.stream().map(r -> f.applyAsLong(r)).toList());
    }

    /**
     * Starts the executor as an operator does, {@code bin/baton executor worker ...} (the jar as it is:
     * BATON_SKIP_BUILD; {@code opts} through BATON_JAVA_OPTS, after bin/baton's own), and returns once the shim lists
     * it subscribed. bin/baton execs java: the process is the JVM.
     */
    private Started launched(Node node, String id, Path work, Path log, List<String> opts, Map<String, String> env)
            throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("BATON_SKIP_BUILD", "1");
        all.put("BATON_LOG_LEVEL", "INFO"); // its runtime's start comes from an INFO line
        all.put("BATON_JAVA_OPTS", String.join(" ", opts));
        ChildJvm child = ChildJvm.command(List.of(Launcher.path().toString(), "executor", "worker", "--id", id, "--work-dir",
                work.toString(), "--shim", node.config.executorSocket().toString()), all, log);
        try {
            return new Started(child, node.awaitSubscribed(id, child.pid(), 60_000, child));
        } catch (Exception | Error e) {
            child.kill9();
            throw e;
        }
    }

    private Path cdsArchive;

    /** A JVM's start, for {@link BareMain}. */
    private interface BareStart {
        ChildJvm start() throws IOException;
    }

    /** {@link BareMain} started and waited for, {@code n} times: the JVM's own start. */
    private Dist bare(int n, BareStart start) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            long took;
            try (ChildJvm child = start.start()) {
                if (!child.waitFor(30_000)) {
                    throw new IllegalStateException("a JVM that prints and exits did not exit within 30 s");
                }
                took = (System.nanoTime() - t0) / 1_000;
                if (child.exitValue() != 0 || !child.output().contains(BareMain.LINE)) {
                    throw new IllegalStateException("a JVM that prints and exits failed (exit " + child.exitValue()
                            + "); its output:\n" + child.output());
                }
            }
            Files.deleteIfExists(dir.resolve("bare.log"));
            out.add(took);
        }
        return Dist.of(out);
    }

    /** How many lines of {@code log} hold {@code marker}, and the first one's message (null when none). */
    static String errors(String log, String marker) {
        List<String> hits = log.lines().filter(l -> l.contains(marker)).toList();
        if (hits.isEmpty()) {
            return null;
        }
        String first = hits.get(0).substring(hits.get(0).indexOf(marker) + marker.length());
        first = first.length() > 300 ? first.substring(0, 300) + "…" : first;
        return hits.size() + "× " + first;
    }

    /** With BATON_BENCH_JFR set, the executors' logs go next to the recordings. */
    private static void keep(Path log, String jfr) throws IOException {
        if (jfr != null && Files.exists(log)) {
            Path to = Path.of(jfr).resolve(log.getParent().getFileName() + "-" + log.getFileName());
            Files.copy(log, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Waits (at most 10 s, reading the log every 20 ms, after everything timed) until the executor logged that its
     * journal's queue is open, so the table can say when; an executor that never logs it leaves the column empty.
     */
    private static void awaitQueueOpen(ChildJvm child) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!child.output().contains(" opened its journal's queue ") && child.alive() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
    }

    /** An executor started, and when the shim accepted its subscription (epoch µs, the shim's clock). */
    private record Started(ChildJvm child, long subscribedUs) {
    }

    /** Starts the executor and returns once the shim lists it subscribed ({@link Node#awaitSubscribed}). */
    private Started executor(Node node, String id, Row row, Path work, Path log, List<String> opts)
            throws Exception {
        List<String> args = new ArrayList<>();
        if (row.blockSize() != 0) {
            args.addAll(List.of("--block-size", Long.toString(row.blockSize())));
        }
        args.addAll(List.of("--id", id, "--work-dir", work.toString(), "--shim",
                node.config.executorSocket().toString()));
        ChildJvm child = ChildJvm.start(RecoveryChild.class.getName(), log, opts, args.toArray(String[]::new));
        try {
            return new Started(child, node.awaitSubscribed(id, child.pid(), 60_000, child));
        } catch (Exception | Error e) {
            child.kill9();
            throw e;
        }
    }

    /** The report's section. */
    static String markdown(Result r) {
        StringBuilder b = new StringBuilder();
        b.append("## Executor recovery after SIGKILL, against journal size\n\n");
        b.append("The worker sample in its own JVM (`").append(ChildJvm.OPTIONS)
                .append("`) wrote its journal through real replacements (").append(r.plan().chains())
                .append(" tasks replaced over and over at once, PROCESS durability) behind a real shim and was killed "
                        + "with SIGKILL once its latest checkpoint was recorded (the journal records a checkpoint on a "
                        + "thread of its own, tens of ms after appending it; killed in between, a restart replays from "
                        + "the checkpoint before); then ").append(r.plan().reps()).append(" times, each from a pristine copy of "
                        + "the journal, a new executor process (same id) was started on it: by default the benchmark's own main "
                        + "(`RecoveryChild`, this module's class path, no class-data archive); in the rows that say "
                        + "so, as an operator starts one, `bin/baton executor worker` (process start is bash's: "
                        + "bin/baton's checks, then java with the CLI's one jar and the AppCDS archive bin/baton made "
                        + "for it, the JVM's default collector and heap). *Runtime start* is when the JVM is up and the "
                        + "executor's main begins (before the journal opens; for bin/baton, when `ExecutorBootstrap` "
                        + "started, from its log line saying when the queue opened); *re-subscribed* "
                        + "is when the shim accepted the new process's subscription (the shim's own time of it, "
                        + "`subscribed_at_us` in its STATE, polled every " + Node.POLL_MS + " ms: a poll every ms, "
                        + "as until 2026-12-06, took the restarting executor's CPU on two cores); "
                        + "*answering*: a task launched on it then reported RUNNING. The phases in between come from "
                        + "the executor's log (ms resolution): *before recovery* runs from runtime start to the "
                        + "beginning of recovery, *replay + recover* is the SDK's own \"recovered in N ms\". Replay "
                        + "reads the cycle files directly; the journal's Chronicle queue opens on a thread of its own "
                        + "after the first subscription (*queue open*, from runtime start; at the start, waited for "
                        + "before the subscription, in the row that says so), and until then every step writes the "
                        + "records it acts on to a file of its own first (`pending.rec`, docs/RELIABILITY.md). The SDK "
                        + "checkpoints every 10,000 appended records, so recovery replays only the records from the "
                        + "latest checkpoint on (column *replayed*). Times in ms, p50 / max.\n\n");
        b.append("| journal records | journal options | replayed | n | process start → re-subscribed | runtime start → "
                + "re-subscribed | of which: before recovery | replay + recover | connect + subscribe | "
                + "re-subscribed → answering | runtime start → queue open |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Size s : r.sizes()) {
            b.append("| ").append(s.records()).append(" | ").append(s.row().options()).append(" | ")
                    .append(s.replayed()).append(" | ").append(s.fromRuntime().us().length).append(" | ");
            if (s.failure() != null) {
                b.append(s.failure().startsWith("no AppCDS archive") ? "**no AppCDS archive** | | | | | | |\n"
                        : "**did not recover** | | | | | | |\n");
            } else {
                for (Dist d : List.of(s.fromProcess(), s.fromRuntime(), s.opening(), s.recovering(), s.subscribing(),
                        s.answering())) {
                    b.append(pm(d)).append(" | ");
                }
                b.append(s.queueOpen().us().length == 0 ? "–" : pm(s.queueOpen())).append(" | ");
                b.setLength(b.length() - 1);
                b.append('\n');
            }
        }
        b.append('\n');
        b.append("A bare JVM start — a main that prints and exits, process start to exit, n = ")
                .append(r.bare().us().length).append(": with the JVM, flags and options of the rows without bin/baton, ")
                .append(pm(r.bare())).append(" ms");
        if (r.launcher().us().length > 0) {
            b.append("; as bin/baton starts a JVM (its flags, the default collector and heap, the CLI's jar on the class "
                    + "path), ").append(pm(r.launcher())).append(" ms, and with bin/baton's AppCDS archive mapped, ")
                    .append(pm(r.launcherCds())).append(" ms");
        }
        b.append(".\n");
        for (Size s : r.sizes()) {
            Dist base = s.row().launcher() ? r.launcher() : r.bare();
            if (s.failure() == null && s.fromProcess().us().length > 0 && base.us().length > 0) {
                b.append("- ").append(s.records()).append(" records, ").append(s.row().options())
                        .append(": process start → re-subscribed is ").append(String.format(Locale.ROOT, "%.1f",
                                s.fromProcess().p50() / (double) base.p50())).append("× a bare JVM start (p50)")
                        .append(!s.row().launcher() ? "" : String.format(Locale.ROOT, ", %.1f× one with the archive",
                                s.fromProcess().p50() / (double) r.launcherCds().p50())).append("\n");
            }
        }
        b.append('\n');
        for (Size s : r.sizes()) {
            if (s.fillErrors() != null) {
                b.append("- ").append(s.records()).append(" records, ").append(s.row().options())
                        .append(": while writing the journal, the executor's driver loop failed a step ")
                        .append(s.fillErrors().replace("|", "\\|")).append("\n");
            }
            if (s.failure() != null) {
                b.append("- ").append(s.records()).append(" records, ").append(s.row().options())
                        .append(s.failure().startsWith("no AppCDS archive") ? ": " : ": the restarted executor could not "
                                + "recover: ").append(s.failure().replace("|", "\\|"))
                        .append("\n");
            }
        }
        b.append('\n');
        return b.toString();
    }

    private static String pm(Dist d) {
        return d.us().length == 0 ? "–" : String.format(Locale.ROOT, "%.1f / %.1f", d.p50() / 1e3, d.max() / 1e3);
    }
}
