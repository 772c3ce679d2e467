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
 * stopped with SIGTERM, so the recording is written).
 */
final class RecoveryBench {
    static final String RES = "cpus:0.01;mem:1";
    private static final Pattern RECOVERED = Pattern.compile("recovered in (\\d+) ms");

    /** Sizes of one run. */
    record Plan(List<Integer> sizes, int reps, int chains, long fillMillis) {
        static Plan of(boolean smoke) {
            return smoke ? new Plan(List.of(1_000), 2, 4, 30_000)
                    : new Plan(List.of(1_000, 10_000, 100_000), 3, 8, 300_000);
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
    record Size(int target, long records, long replayed, Dist fromProcess, Dist fromRuntime, Dist recovered,
            Dist answering) {
    }

    record Result(Plan plan, List<Size> sizes) {
    }

    private final Plan plan;
    private final Path dir;

    RecoveryBench(Plan plan, Path dir) {
        this.plan = plan;
        this.dir = dir;
    }

    Result run() throws Exception {
        List<Size> out = new ArrayList<>();
        try (Node node = new Node(dir, "cpus:10000;mem:10000000")) {
            for (int size : plan.sizes()) {
                out.add(size(node, size));
            }
        }
        return new Result(plan, out);
    }

    private Size size(Node node, int target) throws Exception {
        String id = "rec-" + target;
        Path base = dir.resolve(id);
        Path work = base.resolve("filled");
        long[] counted;
        try (ChildJvm child = executor(node, id, work, base.resolve("filled.log"), List.of())) {
            fill(node, id, work.resolve("journal"), target);
            child.kill9();
            counted = count(work.resolve("journal"));
        }
        List<Long> fromProcess = new ArrayList<>();
        List<Long> fromRuntime = new ArrayList<>();
        List<Long> recovered = new ArrayList<>();
        List<Long> answering = new ArrayList<>();
        String jfr = System.getenv("BATON_BENCH_JFR");
        for (int rep = 0; rep < plan.reps(); rep++) {
            Path restart = base.resolve("restart-" + rep);
            copyTree(work.resolve("journal"), restart.resolve("journal"));
            List<String> opts = jfr == null ? List.of() : List.of("-XX:StartFlightRecording=filename="
                    + Path.of(jfr).toAbsolutePath().resolve(id + "-" + rep + ".jfr") + ",settings=profile");
            long t0 = Harness.nowUs();
            ChildJvm child = executor(node, id, restart, base.resolve("restart-" + rep + ".log"), opts);
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
            Harness.deleteTree(restart);
        }
        Harness.deleteTree(work);
        return new Size(target, counted[0], counted[1], Dist.of(fromProcess), Dist.of(fromRuntime),
                Dist.of(recovered), Dist.of(answering));
    }

    /** Starts the executor and returns once it subscribed (the caller reads the clock right after). */
    private ChildJvm executor(Node node, String id, Path work, Path log, List<String> opts) throws Exception {
        ChildJvm child = ChildJvm.start(RecoveryChild.class.getName(), log, opts, "--id", id, "--work-dir",
                work.toString(), "--shim", node.config.executorSocket().toString());
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
                perReplacement = done == 0 ? perReplacement : Math.max(1, exact / (double) done);
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
        b.append("| journal records | replayed | n | runtime start → re-subscribed | process start → re-subscribed | "
                + "replay + recover (executor's log) | re-subscribed → answering |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Size s : r.sizes()) {
            b.append("| ").append(s.records()).append(" | ").append(s.replayed()).append(" | ")
                    .append(s.fromRuntime().us().length).append(" | ").append(pm(s.fromRuntime())).append(" | ")
                    .append(pm(s.fromProcess())).append(" | ").append(pm(s.recovered())).append(" | ")
                    .append(pm(s.answering())).append(" |\n");
        }
        b.append('\n');
        return b.toString();
    }

    /** The largest size's runtime start → re-subscribed p50, in µs (-1 when nothing ran). */
    static long largestP50(Result r) {
        return r.sizes().isEmpty() ? -1 : r.sizes().get(r.sizes().size() - 1).fromRuntime().p50();
    }

    private static String pm(Dist d) {
        return d.us().length == 0 ? "–" : String.format(Locale.ROOT, "%.1f / %.1f", d.p50() / 1e3, d.max() / 1e3);
    }
}
