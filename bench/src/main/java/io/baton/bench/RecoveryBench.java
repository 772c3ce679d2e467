package io.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        /**
         * The heap in transparent huge pages (where the kernel gives them on request, as here): fewer first touches of
         * fresh memory, for more resident memory. Not bin/baton's default; an operator's BATON_JAVA_OPTS.
         */
        static final Variant HUGE_PAGES = new Variant("thp",
                "the heap in transparent huge pages (`BATON_JAVA_OPTS=-XX:+UseTransparentHugePages`)",
                List.of("-XX:+UseTransparentHugePages"));
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
                                    .with(Variant.QUEUE_AT_START).with(Variant.SERIAL).with(Variant.HUGE_PAGES)), 3, 8, 300_000);
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
     * @param usage       what each restarted process had used when it was seen re-subscribed
     */
    record Size(Row row, long records, long replayed, Dist fromProcess, Dist fromRuntime, Dist opening,
            Dist recovering, Dist subscribing, Dist answering, Dist queueOpen, List<ProcUsage> usage, String fillErrors,
            String failure) {
    }

    /**
     * @param bare         a JVM that prints and exits ({@link BareMain}), same JVM, flags and options as
     *                     {@link RecoveryChild}'s: process start → exit
     * @param launcher     the same as bin/baton starts a JVM (its flags, the JVM's default collector and heap, the
     *                     CLI's jar first on the class path); empty without a launcher row
     * @param launcherCds  that with bin/baton's AppCDS archive mapped
     * @param freshPageUs  this machine's cost of a fresh 4 KiB page ({@link ProcUsage#freshPageMicros})
     */
    record Result(Plan plan, List<Size> sizes, Dist bare, Dist launcher, Dist launcherCds, double freshPageUs,
            Standbys standby) {
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
            System.out.println(RecoveryReport.markdown(new RecoveryBench(Plan.of(List.of(args).contains("--smoke")), dir).run()));
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
        return new Result(plan, out, bare, launcher, launcherCds, ProcUsage.freshPageMicros(),
                standbys != null ? standbys : Standbys.none("no launcher row"));
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
        List<List<ProcUsage>> used = new ArrayList<>();
        variants.forEach(v -> {
            restarts.add(new ArrayList<>());
            used.add(new ArrayList<>());
        });
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
                ProcUsage usage;
                long readUs;
                try {
                    Started started = row.launcher()
                            ? launched(node, id, restart, base.resolve(name + ".log"), opts, variants.get(v).env())
                            : executor(node, id, row, restart, base.resolve(name + ".log"), opts);
                    child = started.child();
                    subscribed = started.subscribedUs();
                    usage = started.usage();
                    readUs = started.readUs();
                } catch (IllegalStateException e) {
                    failure = errors(e.getMessage(), " could not recover from its journal in ");
                    failure = failure == null ? e.getMessage().lines().findFirst().orElse("?") : failure;
                    keep(base.resolve(name + ".log"), jfr);
                    break;
                }
                try {
                    node.launch(id, JournalFill.task(id + "-probe-" + name)).get(30, TimeUnit.SECONDS);
                    long answered = Harness.nowUs() - readUs; // the launch waited for the read of /proc
                    awaitQueueOpen(child); // it opens after the subscription since 2026-12-06: its line comes later
                    try {
                        restarts.get(v).add(RestartTimeline.of(t0, child.output(), subscribed, answered));
                        if (usage.known()) {
                            used.get(v).add(usage);
                        }
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
        if (row.launcher()) {
            standbys = failure != null ? Standbys.none(failure) : Standbys.measure(node, id, base, work.resolve("journal"), counted[0],
                    plan.reps());
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
                    used.get(v), fillErrors, failure));
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
    static Started launched(Node node, String id, Path work, Path log, List<String> opts, Map<String, String> env)
            throws Exception {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("BATON_SKIP_BUILD", "1");
        all.put("BATON_LOG_LEVEL", "INFO"); // its runtime's start comes from an INFO line
        all.put("BATON_JAVA_OPTS", String.join(" ", opts));
        ChildJvm child = ChildJvm.command(List.of(Launcher.path().toString(), "executor", "worker", "--id", id, "--work-dir",
                work.toString(), "--shim", node.config.executorSocket().toString()), all, log);
        try {
            return Started.when(child, node.awaitSubscribed(id, child.pid(), 60_000, child));
        } catch (Exception | Error e) {
            child.kill9();
            throw e;
        }
    }

    private Path cdsArchive;
    private Standbys standbys;

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
    static void keep(Path log, String jfr) throws IOException {
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
    record Started(ChildJvm child, long subscribedUs, ProcUsage usage, long readUs) {
        /** With what it had used at the poll that saw it subscribed, and how long reading that took (µs). */
        static Started when(ChildJvm child, long subscribedUs) {
            long t0 = System.nanoTime();
            ProcUsage usage = ProcUsage.of(child.pid());
            return new Started(child, subscribedUs, usage, (System.nanoTime() - t0) / 1_000);
        }
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
            return Started.when(child, node.awaitSubscribed(id, child.pid(), 60_000, child));
        } catch (Exception | Error e) {
            child.kill9();
            throw e;
        }
    }
}
