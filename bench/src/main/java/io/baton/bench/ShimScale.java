package io.baton.bench;

import io.baton.proto.ExecutorCall;
import io.baton.proto.Keep;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.Reserve;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.shim.ShimMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 13, "one shim at scale": one real shim in its own JVM ({@code baton shim}'s main, isolator none), with
 * many executors as {@link ScaleExecutors} over its real Unix socket and one framework ({@link Node#attach}).
 * It measures what one operation on one executor costs at 10, 100 and 1,000 executors (and again with every
 * task up), fills the shim with 100,000 tasks, times STATE and RECONCILE over them, reads the shim's live heap
 * with jcmd, then SIGKILLs the shim, starts it again on the same work directory and times the storm of
 * re-subscriptions. Every wait is bounded. {@code BATON_BENCH_JFR=DIR} records both shim processes with JFR.
 */
final class ShimScale {
    /** The shim's JVM options besides {@link ChildJvm}'s: the JVM's default collector (G1, as `bin/baton` runs it). */
    static final List<String> SHIM_OPTIONS = List.of("-Xmx2g", "-XX:-UseSerialGC", "-XX:+UseG1GC");

    /** Sizes of one run: executor counts of the curve (the last is the shim's load), tasks, samples. */
    record Plan(List<Integer> scales, int tasks, int warmup, int probes, int answers, long phaseMillis) {
        static Plan of(boolean smoke) {
            return smoke ? new Plan(List.of(5, 20, 50), 2_000, 10, 30, 3, 60_000)
                    : new Plan(List.of(10, 100, 1_000), 100_000, 100, 300, 10, 240_000);
        }

        int executors() {
            return scales.get(scales.size() - 1);
        }

        /** The full plan with other sizes: the curve at executors/100, /10 and all of them. */
        Plan sized(int executors, int tasks) {
            return new Plan(List.of(Math.max(1, executors / 100), Math.max(1, executors / 10), executors), tasks, warmup,
                    probes, answers, phaseMillis);
        }
    }

    /** One operation's cost on one executor, with {@code executors} connected and {@code tasks} up (µs). */
    record Probe(int executors, int tasks, Dist launch, Dist kill, Dist update, Dist reserve, Dist release) {
    }

    /** The storm (ms): kill → new process, process start → listening, listening → first and last re-subscribed. */
    record Storm(int resubscribed, double killedToStart, double startToReady, double readyToFirst, double readyToAll,
            double startToAll, int tasksAfter, Dist readyToEach, long failedConnects, ProcUsage atReady,
            ProcUsage atAll) {
    }

    /**
     * @param heap live heap (bytes) with no executor, with every executor and no task, with every task
     * @param stateCpuMs the shim's CPU time per STATE call (the same for RECONCILE): on a busy machine the wall
     *     time also holds the time the shim waited for a core
     * @param load the machine's highest 1-minute load average seen during the run
     */
    record Result(Plan plan, List<Probe> probes, int tasksUp, double fillSeconds, Dist state, Dist reconcile,
            int stateBytes, int reconciled, double stateCpuMs, double reconcileCpuMs, long[] heap, Storm storm,
            Storm stormCds, String failure, double load) {
    }

    private final Plan plan;
    private final Path dir;
    private final Path work;
    private final String jfr = System.getenv("BATON_BENCH_JFR");
    private double load;

    private void sampleLoad() {
        load = Math.max(load, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    ShimScale(Plan plan, Path dir) {
        this.plan = plan;
        this.dir = dir;
        this.work = dir.resolve("shim");
    }

    /**
     * This section alone: {@code ShimScale [--smoke] [--executors N --tasks N] [--out FILE]} prints its tables (or
     * writes them to FILE). The bench runs it as {@link #inChild}.
     */
    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        Plan plan = Plan.of(a.contains("--smoke"));
        if (a.contains("--executors") && a.contains("--tasks")) {
            plan = plan.sized(Integer.parseInt(a.get(a.indexOf("--executors") + 1)),
                    Integer.parseInt(a.get(a.indexOf("--tasks") + 1)));
        }
        Path dir = Files.createTempDirectory("baton-bench-scale");
        try {
            String tables = ScaleReport.markdown(new ShimScale(plan, dir).run());
            if (a.contains("--out")) {
                Files.writeString(Path.of(a.get(a.indexOf("--out") + 1)), tables, StandardCharsets.UTF_8);
            } else {
                System.out.println(tables);
            }
        } finally {
            Harness.deleteTree(dir);
        }
        System.exit(0);
    }

    /**
     * The JVM the executors and the framework run in: G1 and a fixed heap, committed and touched at start, as a
     * long-running framework's heap is after its first collections. In a JVM whose heap is still growing, each
     * 5 MiB RECONCILE answer (57 MB of objects parsed) lands in pages never touched before, and on this VM the first
     * touch of a page costs more than the parse itself: 170–200 ms a parse against 12 ms, in one JVM with no
     * collection and no compilation in between (see docs/BENCHMARKS.md).
     */
    static final List<String> FRAMEWORK_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:-UseSerialGC", "-XX:+UseG1GC",
            "-XX:+AlwaysPreTouch");

    /** Runs this section in a JVM of its own ({@link #FRAMEWORK_OPTIONS}) and returns its tables. */
    static String inChild(boolean smoke, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path out = dir.resolve("tables.md");
        List<String> args = new ArrayList<>(List.of("--out", out.toString()));
        if (smoke) {
            args.add("--smoke");
        }
        try (ChildJvm child = ChildJvm.start(ShimScale.class.getName(), dir.resolve("child.log"), FRAMEWORK_OPTIONS,
                args.toArray(String[]::new))) {
            if (!child.waitFor(TimeUnit.MINUTES.toMillis(30)) || !Files.exists(out)) {
                throw new IllegalStateException("the shim-at-scale child did not write its tables; its output:\n"
                        + child.output());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        }
    }

    private ChildJvm shim(int run) throws Exception {
        return shim(run, work, List.of());
    }

    private ChildJvm shim(int run, Path workDir, List<String> extra) throws Exception {
        List<String> opts = new ArrayList<>(SHIM_OPTIONS);
        opts.addAll(extra);
        if (jfr != null) {
            opts.add("-XX:StartFlightRecording=filename=" + Path.of(jfr).toAbsolutePath().resolve("shim-scale-" + run
                    + ".jfr") + ",settings=" + System.getenv().getOrDefault("BATON_BENCH_JFR_SETTINGS", "profile"));
        }
        ChildJvm child = ChildJvm.start(ShimMain.class.getName(), dir.resolve("shim-" + run + ".log"), opts,
                "--work-dir", workDir.toString(), "--resources", "cpus:1000000;mem:1000000000", "--isolator", "none",
                "--node", "scale", "--max-connections", Integer.toString(plan.executors() * 2 + 64));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!child.output().contains("baton shim ready")) {
            if (!child.alive() || System.nanoTime() > deadline) {
                child.kill9();
                throw new IllegalStateException("the shim did not start within 60 s; its output:\n" + child.output());
            }
            Thread.sleep(2);
        }
        return child;
    }

    /** What was measured with every task up, before the storm. */
    private record Loaded(int up, double fillSeconds, Dist state, Dist reconcile, int stateBytes, int reconciled,
            double stateCpuMs, double reconcileCpuMs) {
    }

    Result run() throws Exception {
        List<Probe> probes = new ArrayList<>();
        long[] heap = new long[3];
        List<String> cds = train();
        ChildJvm shim = shim(1);
        try (ScaleExecutors execs = new ScaleExecutors(work.resolve("executor.sock"))) {
            Loaded loaded;
            try (Node node = Node.attach(work, token())) {
                loaded = load(node, shim, execs, probes, heap);
            }
            // the storm twice, side by side: the new shim as the bench starts it, then as bin/baton does (with the
            // AppCDS archive of the shim's start); each time every executor was connected before the SIGKILL
            Storm storm = storm(shim, execs, 2, List.of());
            shim = restarted;
            Storm stormCds = storm(shim, execs, 3, cds);
            shim = restarted;
            return new Result(plan, probes, loaded.up(), loaded.fillSeconds(), loaded.state(), loaded.reconcile(),
                    loaded.stateBytes(), loaded.reconciled(), loaded.stateCpuMs(), loaded.reconcileCpuMs(), heap, storm,
                    stormCds, execs.firstError.get(), load);
        } finally {
            if (shim != null) {
                if (jfr == null) {
                    shim.kill9();
                } else {
                    shim.terminate();
                }
            }
        }
    }

    /** The shim {@link #storm} started last (it runs on until the caller is done with it). */
    private ChildJvm restarted;

    /**
     * An AppCDS archive of the shim's start, made as bin/baton's cds-train makes one: a shim on a scratch work
     * directory under {@code -XX:ArchiveClassesAtExit}, a few executors subscribed, a STATE and a RECONCILE, then
     * SIGTERM (the JVM writes the archive at its exit). Returns the options that map it.
     */
    private List<String> train() throws Exception {
        Path jsa = dir.resolve("shim.jsa");
        Path scratch = dir.resolve("train");
        ChildJvm trainer = shim(0, scratch, List.of("-XX:ArchiveClassesAtExit=" + jsa));
        try (ScaleExecutors execs = new ScaleExecutors(scratch.resolve("executor.sock"))) {
            execs.expectSubscriptions(8);
            execs.add("train-", 0, 8);
            if (!execs.awaitSubscriptions(plan.phaseMillis())) {
                throw new IllegalStateException("the AppCDS training shim's executors did not subscribe within "
                        + plan.phaseMillis() + " ms; first error: " + execs.firstError.get());
            }
            try (Node node = Node.attach(scratch, Files.readString(scratch.resolve("framework.token"),
                    StandardCharsets.UTF_8).trim())) {
                node.client.state().get(60, TimeUnit.SECONDS);
                node.client.reconcile().get(60, TimeUnit.SECONDS);
            }
        } finally {
            trainer.terminate();
        }
        if (!Files.isRegularFile(jsa) || Files.size(jsa) == 0) {
            throw new IllegalStateException("the training shim wrote no AppCDS archive at " + jsa + "; its output:\n"
                    + trainer.output());
        }
        return List.of("-XX:SharedArchiveFile=" + jsa, "-Xshare:auto");
    }

    private String token() throws java.io.IOException {
        return Files.readString(work.resolve("framework.token"), StandardCharsets.UTF_8).trim();
    }

    /** The curve, then every task up, STATE and RECONCILE over them; the live heap at each step. */
    private Loaded load(Node node, ChildJvm shim, ScaleExecutors execs, List<Probe> probes, long[] heap)
            throws Exception {
        heap[0] = shim.liveHeapBytes();
        for (int scale : plan.scales()) {
            sampleLoad();
            grow(execs, scale);
            if (scale == plan.executors()) {
                heap[1] = shim.liveHeapBytes();
            }
            probes.add(probe(node, execs, 0));
        }
        long t0 = System.nanoTime();
        int up = fill(node, execs);
        double fill = (System.nanoTime() - t0) / 1e9;
        heap[2] = shim.liveHeapBytes();
        sampleLoad();
        probes.add(probe(node, execs, up));
        long cpu0 = shim.cpuMillis();
        // timed until the framework holds the parsed answer: its size, counted afterwards, walks all 100,000 tasks
        // again (protobuf computes a parsed message's size anew), which until 2026-12-06 was timed with it
        Dist state = answers(() -> node.client.state().get(60, TimeUnit.SECONDS));
        long cpu1 = shim.cpuMillis();
        Dist reconcile = answers(() -> node.client.reconcile().get(60, TimeUnit.SECONDS));
        long cpu2 = shim.cpuMillis();
        int calls = plan.answers() + 2;
        sampleLoad();
        return new Loaded(up, fill, state, reconcile, node.client.state().get(60, TimeUnit.SECONDS).getSerializedSize(),
                node.client.reconcile().get(60, TimeUnit.SECONDS).size(), (cpu1 - cpu0) / (double) calls,
                (cpu2 - cpu1) / (double) calls);
    }

    /** Adds executors up to {@code n} and waits until they have all subscribed. */
    private void grow(ScaleExecutors execs, int n) throws Exception {
        execs.expectSubscriptions(n - execs.size());
        execs.add("scale-", execs.size(), n);
        if (!execs.awaitSubscriptions(plan.phaseMillis())) {
            throw new IllegalStateException("not all of " + n + " executors subscribed within " + plan.phaseMillis()
                    + " ms; first error: " + execs.firstError.get());
        }
    }

    /** Launches {@link Plan#tasks} tasks spread over the executors, 256 at once; returns how many ran. */
    private int fill(Node node, ScaleExecutors execs) throws Exception {
        Semaphore inFlight = new Semaphore(256);
        AtomicInteger up = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.phaseMillis());
        for (int i = 0; i < plan.tasks() && System.nanoTime() < deadline; i++) {
            if (!inFlight.tryAcquire(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                break;
            }
            node.launch(execs.get(i % execs.size()).id, Harness.task("t-" + i)).orTimeout(60, TimeUnit.SECONDS)
                    .whenComplete((s, e) -> {
                        if (e == null) {
                            up.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.tryAcquire(256, 60, TimeUnit.SECONDS);
        return up.get();
    }

    private int probeRound;

    /**
     * Each operation on executor 0, {@link Plan#warmup} times unmeasured (five times that in the first round),
     * then {@link Plan#probes} times.
     */
    private Probe probe(Node node, ScaleExecutors execs, int tasks) throws Exception {
        ScaleExecutors.Exec e0 = execs.get(0);
        int round = ++probeRound;
        TaskInfo anchor = Harness.task("anchor-" + round);
        node.launch(e0.id, anchor).get(30, TimeUnit.SECONDS);
        List<List<Long>> us = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>());
        int warmup = round == 1 ? plan.warmup() * 5 : plan.warmup(); // the first round warms the JIT for all
        for (int i = 0; i < warmup + plan.probes(); i++) {
            String id = "p" + round + "-" + i;
            long[] t = new long[6];
            t[0] = System.nanoTime();
            node.launch(e0.id, Harness.task(id)).get(30, TimeUnit.SECONDS);
            t[1] = System.nanoTime();
            CompletableFuture<TaskStatus> killed = node.state(id, TaskState.TASK_KILLED);
            node.client.kill(id, 0).thenCompose(f -> killed).get(30, TimeUnit.SECONDS);
            t[2] = System.nanoTime();
            execs.report(e0, anchor, TaskState.TASK_RUNNING).get(30, TimeUnit.SECONDS);
            t[3] = System.nanoTime();
            ReplacementID rid = ReplacementID.newBuilder().setValue("r" + id).build();
            execs.call(e0, ExecutorCall.newBuilder().setReserve(Reserve.newBuilder().setReplacementId(rid)
                    .setOldTaskId(anchor.getTaskId()).setNewTask(Harness.task(id + "-next")))).get(30, TimeUnit.SECONDS);
            t[4] = System.nanoTime();
            execs.call(e0, ExecutorCall.newBuilder().setRelease(Release.newBuilder().setReplacementId(rid)
                    .setKeep(Keep.KEEP_OLD))).get(30, TimeUnit.SECONDS);
            t[5] = System.nanoTime();
            for (int k = 0; i >= warmup && k < 5; k++) {
                us.get(k).add((t[k + 1] - t[k]) / 1_000);
            }
        }
        CompletableFuture<TaskStatus> killed = node.state(anchor.getTaskId().getValue(), TaskState.TASK_KILLED);
        node.client.kill(anchor.getTaskId().getValue(), 0).thenCompose(f -> killed).get(30, TimeUnit.SECONDS);
        return new Probe(execs.size(), tasks, Dist.of(us.get(0)), Dist.of(us.get(1)), Dist.of(us.get(2)),
                Dist.of(us.get(3)), Dist.of(us.get(4)));
    }

    /** A call answered {@link Plan#answers} times after two unmeasured ones, timed (µs). */
    private Dist answers(java.util.concurrent.Callable<?> call) throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < plan.answers() + 2; i++) {
            long t0 = System.nanoTime();
            call.call();
            if (i >= 2) {
                out.add((System.nanoTime() - t0) / 1_000);
            }
        }
        return Dist.of(out);
    }

    /**
     * SIGKILL, restart on the same work directory (shim number {@code run}, with {@code extra} JVM options), and wait
     * for every executor to re-subscribe. The new shim is left running in {@link #restarted}.
     */
    private Storm storm(ChildJvm shim, ScaleExecutors execs, int run, List<String> extra) throws Exception {
        if (jfr != null) {
            shim.jcmd("JFR.dump", "filename=" + Path.of(jfr).toAbsolutePath().resolve("shim-scale-" + (run - 1)
                    + ".jfr"));
        }
        execs.expectSubscriptions(execs.size());
        long failed0 = execs.failedConnects.get();
        long killAt = System.nanoTime();
        shim.kill9();
        long start = System.nanoTime();
        ChildJvm again = shim(run, work, extra);
        restarted = again;
        long ready = System.nanoTime();
        ProcUsage atReady = ProcUsage.of(again.pid());
        {
            boolean all = execs.awaitSubscriptions(plan.phaseMillis());
            long end = System.nanoTime();
            ProcUsage atAll = ProcUsage.of(again.pid());
            sampleLoad();
            long first = execs.all().stream().mapToLong(e -> e.subscribedAtNs).filter(t -> t > killAt).min().orElse(end);
            long last = execs.all().stream().mapToLong(e -> e.subscribedAtNs).filter(t -> t > killAt).max().orElse(end);
            int resubscribed = (int) execs.all().stream().filter(e -> e.subscribedAtNs > killAt).count();
            int after;
            try (Node node = Node.attach(work, token())) {
                after = node.client.reconcile().get(60, TimeUnit.SECONDS).size();
            }
            Dist each = Dist.of(execs.all().stream().filter(e -> e.subscribedAtNs > killAt)
                    .map(e -> (e.subscribedAtNs - ready) / 1_000).toList());
            return new Storm(resubscribed, ms(start - killAt), ms(ready - start), ms(first - ready),
                    all ? ms(last - ready) : -1, all ? ms(last - start) : -1, after, each,
                    execs.failedConnects.get() - failed0, atReady, atAll);
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
