package io.baton.bench;

import io.baton.proto.Durability;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.resources.Resources;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.sdk.journal.ChronicleJournal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * DESIGN.md §10 "Recovery": an executor ({@link RecoveryChild}: the worker sample) in its own JVM writes a
 * journal of about N records by doing real replacements through a real shim; it is killed with SIGKILL;
 * then, from a pristine copy of that journal each time, a new executor process is started on it and timed
 * until it has re-subscribed with the shim and until it answers (a task launched on it runs).
 *
 * <p>Set {@code BATON_BENCH_JFR} to a directory to record each restarted executor with JFR (those are then
 * stopped with SIGTERM, so the recording is written; their logs are kept there too), and
 * {@code BATON_BENCH_JFR_SETTINGS} to a .jfc file for other settings than JFR's {@code profile}.
 */
final class RecoveryBench {
    static final String RES = "cpus:0.01;mem:1";
    private static final Pattern RECOVERED = Pattern.compile("recovered in (\\d+) ms");

    /** A journal size to measure, with the SDK's default journal options or another Chronicle block size. */
    record Row(int records, long blockSize) {
        static Row of(int records) {
            return new Row(records, 0);
        }

        String options() {
            return blockSize == 0 ? "default (1 MiB blocks)" : (blockSize >> 20) + " MiB blocks";
        }
    }

    /** Sizes of one run. */
    record Plan(List<Row> sizes, int reps, int chains, long fillMillis) {
        static Plan of(boolean smoke) {
            // the last row: the same journal size with blocks big enough for its checkpoints (see the report)
            return smoke ? new Plan(List.of(Row.of(1_000)), 2, 4, 30_000)
                    : new Plan(List.of(Row.of(1_000), Row.of(10_000), Row.of(100_000), new Row(100_000, 16L << 20)),
                            3, 8, 300_000);
        }
    }

    /**
     * One journal size.
     *
     * @param records     records in the journal when the executor was killed
     * @param replayed    of those, from the latest checkpoint on (what recovery replays)
     * @param fromProcess process start → re-subscribed with the shim (µs)
     * @param fromRuntime runtime start (JVM up, before the journal opens) → re-subscribed (µs)
     * @param recovered   the executor's own "recovered in N ms" (replay + recover hook), in µs
     * @param answering   re-subscribed → a task launched on it is RUNNING (µs)
     */
    record Size(Row row, long records, long replayed, Dist fromProcess, Dist fromRuntime, Dist recovered,
            Dist answering, String fillErrors, String failure) {
    }

    record Result(Plan plan, List<Size> sizes) {
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
                out.add(size(node, row));
            }
        }
        return new Result(plan, out);
    }

    private Size size(Node node, Row row) throws Exception {
        String id = "rec-" + row.records() + (row.blockSize() == 0 ? "" : "-b" + (row.blockSize() >> 20));
        Path base = dir.resolve(id);
        Path work = base.resolve("filled");
        long[] counted;
        String fillErrors;
        try (ChildJvm child = executor(node, id, row, work, base.resolve("filled.log"), List.of())) {
            fill(node, id, work.resolve("journal"), row.records());
            child.kill9();
            counted = count(work.resolve("journal"));
            fillErrors = errors(child.output(), " ERROR DriverLoop - executor driver loop: a step failed: ");
        }
        String failure = null;
        List<Long> fromProcess = new ArrayList<>();
        List<Long> fromRuntime = new ArrayList<>();
        List<Long> recovered = new ArrayList<>();
        List<Long> answering = new ArrayList<>();
        String jfr = System.getenv("BATON_BENCH_JFR");
        for (int rep = 0; rep < plan.reps(); rep++) {
            Path restart = base.resolve("restart-" + rep);
            copyTree(work.resolve("journal"), restart.resolve("journal"));
            List<String> opts = jfr == null ? List.of() : List.of("-XX:StartFlightRecording=filename="
                    + Path.of(jfr).toAbsolutePath().resolve(id + "-" + rep + ".jfr") + ",settings="
                    + System.getenv().getOrDefault("BATON_BENCH_JFR_SETTINGS", "profile"));
            long t0 = Harness.nowUs();
            ChildJvm child;
            try {
                child = executor(node, id, row, restart, base.resolve("restart-" + rep + ".log"), opts);
            } catch (IllegalStateException e) {
                failure = errors(e.getMessage(), " could not recover from its journal in ");
                failure = failure == null ? e.getMessage().lines().findFirst().orElse("?") : failure;
                keep(base.resolve("restart-" + rep + ".log"), jfr);
                break;
            }
            try {
                long subscribed = Harness.nowUs();
                node.launch(id, task(id + "-probe-" + rep)).get(30, TimeUnit.SECONDS);
                long answered = Harness.nowUs();
                String log = child.output();
                fromProcess.add(subscribed - t0);
                fromRuntime.add(subscribed - mark(log, child));
                answering.add(answered - subscribed);
                Matcher m = RECOVERED.matcher(log);
                if (m.find()) {
                    recovered.add(Long.parseLong(m.group(1)) * 1_000);
                }
            } finally {
                if (jfr == null) {
                    child.kill9();
                } else {
                    child.terminate();
                }
            }
            keep(base.resolve("restart-" + rep + ".log"), jfr);
            Harness.deleteTree(restart);
        }
        keep(base.resolve("filled.log"), jfr);
        Harness.deleteTree(work);
        return new Size(row, counted[0], counted[1], Dist.of(fromProcess), Dist.of(fromRuntime),
                Dist.of(recovered), Dist.of(answering), fillErrors, failure);
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

    /** Starts the executor and returns once it subscribed (the caller reads the clock right after). */
    private ChildJvm executor(Node node, String id, Row row, Path work, Path log, List<String> opts)
            throws Exception {
        List<String> args = new ArrayList<>();
        if (row.blockSize() != 0) {
            args.addAll(List.of("--block-size", Long.toString(row.blockSize())));
        }
        args.addAll(List.of("--id", id, "--work-dir", work.toString(), "--shim",
                node.config.executorSocket().toString()));
        ChildJvm child = ChildJvm.start(RecoveryChild.class.getName(), log, opts, args.toArray(String[]::new));
        try {
            node.awaitSubscribed(id, child.pid(), 60_000, child);
        } catch (Exception | Error e) {
            child.kill9();
            throw e;
        }
        return child;
    }

    private static long mark(String log, ChildJvm child) {
        int i = log.indexOf(RecoveryChild.MARK);
        if (i < 0) {
            throw new IllegalStateException("executor " + child.pid() + " printed no runtime start mark:\n" + log);
        }
        int from = i + RecoveryChild.MARK.length();
        int to = from;
        while (to < log.length() && Character.isDigit(log.charAt(to))) {
            to++;
        }
        return Long.parseLong(log.substring(from, to));
    }

    /** Real replacements on {@code plan.chains} tasks at once until the journal holds {@code target} records. */
    private void fill(Node node, String id, Path journal, int target) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong committed = new AtomicLong();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.fillMillis());
        List<Thread> chains = new ArrayList<>();
        for (int c = 0; c < plan.chains(); c++) {
            String first = id + "-c" + c + "-0";
            node.launch(id, task(first)).get(30, TimeUnit.SECONDS);
            int chain = c;
            Thread t = new Thread(() -> {
                String current = first;
                for (int n = 1; !stop.get() && System.nanoTime() < deadline && failures.size() < 10; n++) {
                    String next = id + "-c" + chain + "-" + n;
                    try {
                        ReplaceOutcome o = node.client.replace(ReplaceSpec.of(current, task(next))
                                .withReplacementId(next).withPolicy(ReplacePolicy.newBuilder()
                                        .setStrategy(ReplaceStrategy.STOP_THEN_START).setDurability(Durability.PROCESS)
                                        .setStartTimeoutMs(10_000).build())).outcome().get(30, TimeUnit.SECONDS);
                        if (!o.committed()) {
                            failures.add(next + " " + o.outcome() + ": " + o.status().getMessage());
                            return;
                        }
                        current = next;
                        committed.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(next + ": " + e);
                        return;
                    }
                }
            }, "recovery-fill-" + c);
            t.setDaemon(true);
            chains.add(t);
        }
        chains.forEach(Thread::start);
        double perReplacement = 13; // recalibrated from every exact count
        long exact = 0;
        while (exact < target && System.nanoTime() < deadline && chains.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(20);
            long done = committed.get();
            if (done * perReplacement >= target * 0.9) {
                exact = count(journal)[0];
                if (exact > 0 && done > 0) { // 0: the queue could not be read just now; keep the estimate
                    perReplacement = Math.max(1, exact / (double) done);
                }
            }
        }
        stop.set(true);
        for (Thread t : chains) {
            t.join(40_000);
        }
        if (exact < target) {
            throw new IllegalStateException("journal of executor " + id + " reached only " + exact + " of " + target
                    + " records in " + plan.fillMillis() + " ms; failures: " + failures);
        }
    }

    /** {records in the journal, records from the latest checkpoint on}, read with a read-only queue. */
    static long[] count(Path journal) {
        if (!Files.isDirectory(journal)) {
            return new long[] {0, 0};
        }
        try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(journal).readOnly(true)
                .rollCycle(ChronicleJournal.Options.defaults().rollCycle()).build()) {
            long total = q.entryCount();
            long replayed = total;
            Path idx = journal.resolve("checkpoint.idx");
            if (Files.exists(idx)) {
                long cp = Long.parseLong(Files.readString(idx, StandardCharsets.US_ASCII).trim());
                replayed = q.countExcerpts(cp, q.lastIndex()) + 1;
            }
            return new long[] {total, replayed};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0}; // not created yet
        }
    }

    static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(RES).toProto())
                .setSpec(TaskSpec.newBuilder().setKind("worker").setValue("ok").putParams("period_ms", "3600000"))
                .setKillGracePeriodMs(1_000).build();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }

    /** The report's section. */
    static String markdown(Result r) {
        StringBuilder b = new StringBuilder();
        b.append("## Executor recovery after SIGKILL, against journal size\n\n");
        b.append("The worker sample in its own JVM wrote its journal through real replacements (").append(r.plan()
                .chains()).append(" tasks replaced over and over at once, PROCESS durability) behind a real shim and "
                        + "was killed with SIGKILL; then ").append(r.plan().reps()).append(" times, each from a "
                        + "pristine copy of the journal, a new executor process (same id) was started on it. "
                        + "*Runtime start* is when the JVM is up and the executor's main begins (before the journal "
                        + "opens); *re-subscribed* is when the shim lists the executor connected with the new pid "
                        + "(polled every ms); *answering*: a task launched on it then reported RUNNING. The SDK "
                        + "checkpoints every 10,000 appended records, so recovery replays only the records from the "
                        + "latest checkpoint on (column *replayed*). Times in ms, p50 / max.\n\n");
        b.append("| journal records | journal options | replayed | n | runtime start → re-subscribed | process start → "
                + "re-subscribed | replay + recover (executor's log) | re-subscribed → answering |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (Size s : r.sizes()) {
            b.append("| ").append(s.records()).append(" | ").append(s.row().options()).append(" | ")
                    .append(s.replayed()).append(" | ").append(s.fromRuntime().us().length).append(" | ");
            if (s.failure() != null) {
                b.append("**did not recover** | | | |\n");
            } else {
                b.append(pm(s.fromRuntime())).append(" | ").append(pm(s.fromProcess())).append(" | ")
                        .append(pm(s.recovered())).append(" | ").append(pm(s.answering())).append(" |\n");
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
                        .append(": the restarted executor could not recover: ").append(s.failure().replace("|", "\\|"))
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
