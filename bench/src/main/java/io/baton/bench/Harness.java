package io.baton.bench;

import io.baton.proto.Durability;
import io.baton.proto.NodeState;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * End-to-end numbers for DESIGN.md §10 from one run: an in-process shim (InMemoryIsolator), an
 * in-process executor runtime running {@link WorkerExecutor} over the shim's Unix socket with a
 * Chronicle journal, and a {@link BatonClient} framework.
 *
 * <pre>
 * java -cp ... io.baton.bench.Harness [--smoke] [--out docs/BENCHMARKS.md]
 * </pre>
 *
 * Every loop is bounded in count and in time. Prints a markdown report; {@code --out} writes it too, and
 * the HTTP latency plot goes next to it as {@value #SVG}. Then the HTTP downtime comparison
 * ({@link HttpDowntime}) and recovery time against journal size ({@link RecoveryBench}), with executors
 * in their own JVMs, and one shim in its own JVM under many executors ({@link ShimScale}, itself in a JVM of its
 * own).
 */
public final class Harness {
    static final String TOKEN = "bench-token";
    static final String EXECUTOR = "bench";
    static final String TASK_RES = "cpus:0.01;mem:1";
    static final String SVG = "http-downtime.svg";

    /**
     * Sizes of one run.
     *
     * @param latencyWarmup   replacements before the PROCESS latency is measured: an executor that runs for long is
     *                        JIT-warm, and after 2,000 the JIT's C2 is still compiling the replacement's path (its
     *                        p50 about 3x, its p99 about 5x the warm one's, 2026-12-05), so 20,000
     * @param earlyWarmup     the latency is also measured after only this many (the warm-up until 2026-12-05), over
     *                        as many replacements, beside the warm figure; and SYNC's warm-up, which follows PROCESS's
     *                        in the same executor
     * @param throughputCurve      how many replacements at once in each throughput round (the target is about 16)
     * @param throughputWarmMillis each round first replaces at its concurrency for this long, not counted: after the
     *                             concurrency changes the JIT recompiles (C2 took 17% of the CPU in the first seconds
     *                             at 16 after the round at 1), and the rate climbed for about 5 s (2026-12-05); until
     *                             then the rate was the whole round's
     * @param throughputMax        replacements at most started in a round's measured part, {@code throughputMillis}
     *                             its time at most
     */
    record Plan(boolean smoke, int latencyWarmup, int earlyWarmup, int latencyReplacements, int floorSamples,
            List<Integer> throughputCurve, long throughputWarmMillis, int throughputMax, long throughputMillis,
            int liveTasks, long liveMillis) {
        static Plan of(boolean smoke) {
            return smoke ? new Plan(true, 40, 5, 30, 40, List.of(1, 16, 256), 150, 400, 500, 500, 20_000)
                    : new Plan(false, 20_000, 2_000, 2_000, 400, List.of(1, 16, 256), 5_000, 150_000, 15_000, 10_000,
                            120_000);
        }
    }

    private final Plan plan;
    private final Path dir;
    private final Map<String, CompletableFuture<TaskStatus>> running = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private ShimServer shim;
    private ChronicleJournal journal;
    private TimedWorker worker;
    private ExecutorRuntime runtime;
    private BatonClient client;

    private final TimedWorker.Kind kind;

    Harness(Plan plan, Path dir) {
        this(plan, dir, TimedWorker.Kind.WORKER);
    }

    Harness(Plan plan, Path dir, TimedWorker.Kind kind) {
        this.plan = plan;
        this.dir = dir;
        this.kind = kind;
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = false;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--smoke" -> smoke = true;
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--out needs a file");
                    }
                    out = Path.of(args[++i]);
                }
                case "-h", "--help" -> {
                    System.out.println("usage: Harness [--smoke] [--out FILE]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: Harness [--smoke] [--out FILE]");
            }
        }
        // the latency-over-time plot goes next to the report (the report links it by name)
        Path svg = (out == null ? Path.of(".") : out.toAbsolutePath().getParent()).resolve(SVG);
        String report = run(smoke, svg);
        System.out.println(report);
        if (out != null) {
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.out.println("written to " + out);
        }
        System.out.println("plot written to " + svg);
        System.exit(0); // worker threads of live tasks are daemons, but be sure
    }

    /** Runs every measurement, writes the HTTP latency plot to {@code svg}, and returns the markdown report. */
    public static String run(boolean smoke, Path svg) throws Exception {
        Path dir = Files.createTempDirectory("baton-bench");
        Harness h = new Harness(Plan.of(smoke), dir);
        try {
            h.start();
            String report = h.measure();
            h.stop();
            h = null;
            report += ReserveAB.markdown(ReserveAB.run(smoke, dir.resolve("ab")));
            report += TaskKinds.markdown(TaskKinds.run(smoke, dir.resolve("kinds")), Plan.of(smoke));
            // each in its own node, with executors in their own JVMs, after the in-process measurements
            HttpDowntime.Result http = new HttpDowntime(HttpDowntime.Plan.of(smoke), dir.resolve("http")).run();
            RecoveryBench.Result recovery = new RecoveryBench(RecoveryBench.Plan.of(smoke), dir.resolve("rec")).run();
            String scale = ShimScale.inChild(smoke, dir.resolve("scale"));
            Files.createDirectories(svg.toAbsolutePath().getParent());
            Files.writeString(svg, Svg.plot(http), StandardCharsets.UTF_8);
            return report + Report.more(http, recovery, svg.getFileName().toString()) + scale
                    + Report.notes();
        } finally {
            if (h != null) {
                h.stop();
            }
            deleteTree(dir);
        }
    }

    // ------------------------------------------------------------------ setup

    static long nowUs() {
        Instant n = Instant.now();
        return n.getEpochSecond() * 1_000_000L + n.getNano() / 1_000;
    }

    void start() throws Exception {
        ShimConfig config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:10000;mem:10000000"), "none");
        shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        journal = ChronicleJournal.open(dir.resolve("journal"), ChronicleJournal.Options.defaults());
        worker = new TimedWorker(kind);
        runtime = new ExecutorRuntime(worker, EXECUTOR, journal,
                new NettyShimConnection(config.executorSocket()), Harness::nowUs).start();
        client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(TOKEN).name("bench")
                .updateQueueCapacity(1).build(), this::update); // updates are heard by the listener; the queue is unused
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            NodeState s = client.state().get(5, TimeUnit.SECONDS);
            if (s.getExecutorsCount() == 1 && s.getExecutors(0).getConnected()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("executor did not connect to the shim within 15 s: " + s);
            }
            Thread.sleep(20);
        }
    }

    void stop() {
        if (client != null) {
            client.close();
        }
        if (runtime != null) {
            runtime.close(); // closes the journal
        }
        if (shim != null) {
            shim.close();
        }
    }

    private void update(TaskStatus s) {
        if (s.getState() == TaskState.TASK_RUNNING) {
            CompletableFuture<TaskStatus> f = running.get(s.getTaskId().getValue());
            if (f != null) {
                f.complete(s);
            }
        }
    }

    static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(TASK_RES).toProto())
                .setSpec(TaskSpec.newBuilder().setKind("worker").setValue("ok").putParams("period_ms", "3600000"))
                .setKillGracePeriodMs(1_000).build();
    }

    /** Offers, then launches; completes when the task is RUNNING. */
    CompletableFuture<TaskStatus> launch(String id) {
        CompletableFuture<TaskStatus> up = running.computeIfAbsent(id, k -> new CompletableFuture<>());
        return client.offers(Resources.parse(TASK_RES))
                .thenCompose(offers -> client.launch(EXECUTOR, task(id), BatonClient.offerIds(offers)))
                .thenCompose(f -> up)
                .whenComplete((s, e) -> running.remove(id));
    }

    ReplaceSpec spec(String oldId, String newId, Durability durability) {
        return ReplaceSpec.of(oldId, task(newId)).withReplacementId("r-" + ids.incrementAndGet())
                .withPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)
                        .setDurability(durability).setStartTimeoutMs(10_000).build());
    }

    // ------------------------------------------------------------------ measurements

    Latency latency(Durability durability) throws Exception {
        String prefix = "lat-" + durability.name().toLowerCase(Locale.ROOT) + "-";
        String current = prefix + 0;
        launch(current).get(10, TimeUnit.SECONDS);
        worker.timing(true);
        List<Long> total = new ArrayList<>();
        List<Long> drain = new ArrayList<>();
        List<Long> start = new ArrayList<>();
        List<Long> overhead = new ArrayList<>();
        List<Long> sdk = new ArrayList<>();
        List<Long> e2e = new ArrayList<>();
        List<Long> sdkEarly = new ArrayList<>();
        int warmup = durability == Durability.PROCESS ? plan.latencyWarmup() : plan.earlyWarmup();
        int early = plan.earlyWarmup();
        boolean measureEarly = warmup >= early + plan.latencyReplacements();
        long syncs0 = 0;
        long appended0 = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.smoke() ? 15 : 120);
        int measured = 0;
        for (int i = 1; i <= warmup + plan.latencyReplacements() && System.nanoTime() < deadline; i++) {
            if (i == warmup + 1) {
                Thread.sleep(50); // let the warm-up's acknowledgements settle before counting
                syncs0 = journal.stats().syncs();
                appended0 = journal.stats().appended();
            }
            String next = prefix + i;
            long t0 = System.nanoTime();
            ReplaceOutcome o = client.replace(spec(current, next, durability)).outcome().get(10, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            if (!o.committed()) {
                throw new IllegalStateException("replacement " + o.replacementId() + " ended " + o.outcome() + ": "
                        + o.status().getMessage());
            }
            long ownKill = worker.takeKillUs(current);
            long ownLaunch = worker.takeLaunchUs(next);
            current = next;
            if (measureEarly && i > early && i <= early + plan.latencyReplacements() && ownKill >= 0 && ownLaunch >= 0) {
                sdkEarly.add(Math.max(0, o.timings().getTotalUs() - ownKill - ownLaunch));
            }
            if (i > warmup) {
                var t = o.timings();
                total.add(t.getTotalUs());
                drain.add(t.getDrainUs());
                start.add(t.getLaunchUs());
                overhead.add(Math.max(0, t.getTotalUs() - t.getDrainUs() - t.getLaunchUs()));
                if (ownKill >= 0 && ownLaunch >= 0) {
                    sdk.add(Math.max(0, t.getTotalUs() - ownKill - ownLaunch));
                }
                e2e.add((t1 - t0) / 1_000);
                measured++;
            }
        }
        Thread.sleep(50);
        double syncsPer = measured == 0 ? 0 : (journal.stats().syncs() - syncs0) / (double) measured;
        double appendsPer = measured == 0 ? 0 : (journal.stats().appended() - appended0) / (double) measured;
        worker.timing(false);
        client.kill(current, 1_000).get(5, TimeUnit.SECONDS);
        return new Latency(durability, measured, Dist.of(total), Dist.of(drain), Dist.of(start), Dist.of(overhead), Dist.of(sdk),
                Dist.of(e2e), syncsPer, appendsPer, Dist.of(sdkEarly));
    }

    /**
     * The executor side of the floor, timed the way the executor's driver loop sees its calls (on the connection's
     * loop, no thread hand-off), by a second, lightweight executor on the same shim ({@link ScaleExecutors}):
     * {0} a heartbeat answered — one frame each way over the executor's socket, the shim doing nothing else: half of
     * it is what delivering the REPLACE to the executor costs; {1} a RESERVE answered (no offers, same resources,
     * then given back with KEEP_OLD untimed) — the one round trip a replacement waits for, the container's limits
     * set before the answer as in a replacement.
     */
    Dist[] executorRoundTrips() throws Exception {
        String probeId = "floor-probe-0";
        try (ScaleExecutors probe = new ScaleExecutors(shim.config().executorSocket())) {
            probe.expectSubscriptions(1);
            probe.add("floor-probe-", 0, 1);
            if (!probe.awaitSubscriptions(15_000)) {
                throw new IllegalStateException("the floor's probe executor did not subscribe within 15 s: "
                        + probe.firstError.get());
            }
            ScaleExecutors.Exec e = probe.get(0);
            TaskInfo anchor = task("floor-anchor");
            CompletableFuture<TaskStatus> up = running.computeIfAbsent(anchor.getTaskId().getValue(),
                    k -> new CompletableFuture<>());
            client.offers(Resources.parse(TASK_RES)).thenCompose(offers -> client.launch(probeId, anchor,
                    BatonClient.offerIds(offers))).thenCompose(f -> up).get(10, TimeUnit.SECONDS);
            running.remove(anchor.getTaskId().getValue());
            List<Long> echo = new ArrayList<>();
            List<Long> reserve = new ArrayList<>();
            int warmup = plan.smoke() ? 20 : 500;
            for (int i = 0; i < warmup + plan.floorSamples(); i++) {
                long hb = probe.timed(e, io.baton.proto.ExecutorCall.newBuilder()
                        .setHeartbeat(io.baton.proto.Heartbeat.getDefaultInstance())).get(5, TimeUnit.SECONDS);
                io.baton.proto.ReplacementID rid = io.baton.proto.ReplacementID.newBuilder().setValue("floor-" + i).build();
                long rs = probe.timed(e, io.baton.proto.ExecutorCall.newBuilder().setReserve(io.baton.proto.Reserve
                        .newBuilder().setReplacementId(rid).setOldTaskId(anchor.getTaskId())
                        .setNewTask(task("floor-next-" + i)))).get(5, TimeUnit.SECONDS);
                probe.call(e, io.baton.proto.ExecutorCall.newBuilder().setRelease(io.baton.proto.Release.newBuilder()
                        .setReplacementId(rid).setKeep(io.baton.proto.Keep.KEEP_OLD))).get(5, TimeUnit.SECONDS);
                if (i >= warmup) {
                    echo.add(hb / 1_000);
                    reserve.add(rs / 1_000);
                }
            }
            client.kill(anchor.getTaskId().getValue(), 0).get(5, TimeUnit.SECONDS);
            return new Dist[] {Dist.of(echo), Dist.of(reserve)};
        }
    }

    /** One framework STATE call to the shim, answered. */
    Dist shimRoundTrip() throws Exception {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < plan.floorSamples() + 20; i++) {
            long t0 = System.nanoTime();
            client.state().get(5, TimeUnit.SECONDS);
            if (i >= 20) {
                out.add((System.nanoTime() - t0) / 1_000);
            }
        }
        return Dist.of(out);
    }

    /**
     * Committed replacements per second, {@code chains} tasks replaced over and over at once: first for the plan's
     * warm-up time (not counted), then for its measured time. Returns {replacements/s in the measured part,
     * committed in it, not committed in the whole round, its seconds, chains, replacements/s over the whole round,
     * µs of this JVM's CPU per replacement committed in the measured part}.
     */
    double[] throughput(int chains) throws Exception {
        List<String> tasks = new ArrayList<>();
        List<CompletableFuture<TaskStatus>> launched = new ArrayList<>();
        for (int c = 0; c < chains; c++) {
            String id = "tp" + chains + "-" + c + "-0";
            tasks.add(id);
            launched.add(launch(id));
        }
        CompletableFuture.allOf(launched.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        ThroughputRound round = new ThroughputRound(System.nanoTime(), plan.throughputWarmMillis(),
                plan.throughputMillis());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(chains, 8));
        List<CompletableFuture<String>> ends = new ArrayList<>();
        try {
            for (int c = 0; c < chains; c++) {
                CompletableFuture<String> end = new CompletableFuture<>();
                ends.add(end);
                chain(chains, c, tasks.get(c), 0, round, pool, end);
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new));
            round.warmUpThrough(all);
            all.get(plan.throughputWarmMillis() + plan.throughputMillis() + 15_000, TimeUnit.MILLISECONDS);
        } finally {
            pool.shutdownNow();
        }
        long endNs = System.nanoTime();
        long cpuNs = ThroughputRound.processCpuNs() - round.cpuAtWarmEndNs;
        double seconds = (endNs - round.warmEndNs) / 1e9;
        int measured = round.committed.get() - round.committedWarm;
        for (CompletableFuture<String> e : ends) {
            client.kill(e.getNow(null), 1_000).get(5, TimeUnit.SECONDS);
        }
        return new double[] {measured / seconds, measured, round.failed.get(), seconds, chains,
                round.committed.get() / ((endNs - round.startNs) / 1e9), measured == 0 ? 0 : cpuNs / 1e3 / measured};
    }

    /**
     * Replaces {@code current} over and over until the round's deadline, then completes {@code end} with the task
     * left running. Each replacement's future is let go once it completes: a chain of composed futures (as there was)
     * kept one per replacement alive for the whole round, mid-lived garbage the executor's own does not make.
     */
    private void chain(int chains, int c, String current, int n, ThroughputRound round, ExecutorService pool,
            CompletableFuture<String> end) {
        if (!round.mayStart(plan.throughputMax())) {
            end.complete(current);
            return;
        }
        String next = "tp" + chains + "-" + c + "-" + (n + 1);
        client.replace(spec(current, next, Durability.PROCESS)).outcome().whenCompleteAsync((o, error) -> {
            if (error != null) {
                end.completeExceptionally(error);
            } else if (o.committed()) {
                round.committed.incrementAndGet();
                chain(chains, c, next, n + 1, round, pool, end);
            } else {
                round.failed.incrementAndGet();
                end.complete(current);
            }
        }, pool);
    }

    /** Heap used after GC before and with {@code liveTasks} tasks running; returns {bytes per task, tasks up}. */
    double[] heapPerTask() throws Exception {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(mem);
        int n = plan.liveTasks();
        Semaphore inFlight = new Semaphore(256);
        AtomicInteger up = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.liveMillis());
        for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
            if (!inFlight.tryAcquire(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                break;
            }
            launch("live-" + i).orTimeout(30, TimeUnit.SECONDS).whenComplete((s, e) -> {
                (e == null ? up : failed).incrementAndGet();
                inFlight.release();
            });
        }
        inFlight.tryAcquire(256, Math.max(1, (deadline - System.nanoTime()) / 1_000_000) + 30_000, TimeUnit.MILLISECONDS);
        long after = usedAfterGc(mem);
        int live = up.get();
        return new double[] {live == 0 ? -1 : (after - before) / (double) live, live, failed.get(), before, after};
    }

    static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            mem.gc();
            Thread.sleep(100);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    // ------------------------------------------------------------------ the report

    String measure() throws Exception {
        Latency process = latency(Durability.PROCESS);
        Latency sync = latency(Durability.SYNC);
        Dist rtt = shimRoundTrip();
        Dist[] exec = executorRoundTrips();
        int appendsP = (int) Math.round(process.appendsPer());
        int appendsS = (int) Math.round(sync.appendsPer());
        int syncsS = (int) Math.round(sync.syncsPer());
        Dist floorJournalP = JournalFloor.measure(dir, plan.floorSamples(), appendsP, 0);
        Dist floorJournalS = JournalFloor.measure(dir, plan.floorSamples(), appendsS, syncsS);
        List<double[]> curve = new ArrayList<>();
        for (int chains : plan.throughputCurve()) {
            curve.add(throughput(chains));
        }
        double[] heap = heapPerTask();

        return Report.render(plan, process, sync, new Report.Floor(rtt, exec[0], exec[1], floorJournalP, floorJournalS),
                curve, heap);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
