package io.baton.bench;

import io.baton.bench.jmh.JournalBench;
import io.baton.proto.Durability;
import io.baton.proto.JournalRecord;
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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
 * Every loop is bounded in count and in time. Prints a markdown report; {@code --out} writes it too.
 */
public final class Harness {
    static final String TOKEN = "bench-token";
    static final String EXECUTOR = "bench";
    static final String TASK_RES = "cpus:0.01;mem:1";

    /** Sizes of one run. */
    record Plan(boolean smoke, int latencyReplacements, int floorSamples, int throughputChains, int throughputMax,
            long throughputMillis, int liveTasks, long liveMillis) {
        static Plan of(boolean smoke) {
            return smoke ? new Plan(true, 40, 40, 8, 400, 5_000, 500, 20_000)
                    : new Plan(false, 400, 400, 16, 20_000, 20_000, 10_000, 120_000);
        }
    }

    private final Plan plan;
    private final Path dir;
    private final Map<String, CompletableFuture<TaskStatus>> running = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private ShimServer shim;
    private ChronicleJournal journal;
    private ExecutorRuntime runtime;
    private BatonClient client;

    Harness(Plan plan, Path dir) {
        this.plan = plan;
        this.dir = dir;
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
        String report = run(smoke);
        System.out.println(report);
        if (out != null) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.out.println("written to " + out);
        }
        System.exit(0); // worker threads of live tasks are daemons, but be sure
    }

    /** Runs every measurement and returns the markdown report. */
    public static String run(boolean smoke) throws Exception {
        Path dir = Files.createTempDirectory("baton-bench");
        Harness h = new Harness(Plan.of(smoke), dir);
        try {
            h.start();
            return h.measure();
        } finally {
            h.stop();
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
        runtime = new ExecutorRuntime(new WorkerExecutor(), EXECUTOR, journal,
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

    /** Sorted samples in µs. */
    record Dist(long[] us) {
        static Dist of(List<Long> samples) {
            long[] a = samples.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Dist(a);
        }

        long pct(double p) {
            if (us.length == 0) {
                return -1;
            }
            int i = (int) Math.ceil(p / 100.0 * us.length) - 1;
            return us[Math.max(0, Math.min(us.length - 1, i))];
        }

        long p50() {
            return pct(50);
        }

        long p99() {
            return pct(99);
        }

        long max() {
            return us.length == 0 ? -1 : us[us.length - 1];
        }
    }

    /** What sequential replacements of one durability measured. */
    record Latency(Durability durability, int count, Dist total, Dist drain, Dist launch, Dist overhead,
            Dist client, double syncsPer, double appendsPer) {
    }

    Latency latency(Durability durability) throws Exception {
        String prefix = "lat-" + durability.name().toLowerCase(Locale.ROOT) + "-";
        String current = prefix + 0;
        launch(current).get(10, TimeUnit.SECONDS);
        List<Long> total = new ArrayList<>();
        List<Long> drain = new ArrayList<>();
        List<Long> start = new ArrayList<>();
        List<Long> overhead = new ArrayList<>();
        List<Long> e2e = new ArrayList<>();
        int warmup = Math.max(5, plan.latencyReplacements() / 10);
        long syncs0 = 0;
        long appended0 = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(plan.smoke() ? 15 : 90);
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
            current = next;
            if (i > warmup) {
                var t = o.timings();
                total.add(t.getTotalUs());
                drain.add(t.getDrainUs());
                start.add(t.getLaunchUs());
                overhead.add(Math.max(0, t.getTotalUs() - t.getDrainUs() - t.getLaunchUs()));
                e2e.add((t1 - t0) / 1_000);
                measured++;
            }
        }
        Thread.sleep(50);
        double syncsPer = measured == 0 ? 0 : (journal.stats().syncs() - syncs0) / (double) measured;
        double appendsPer = measured == 0 ? 0 : (journal.stats().appended() - appended0) / (double) measured;
        client.kill(current, 1_000).get(5, TimeUnit.SECONDS);
        return new Latency(durability, measured, Dist.of(total), Dist.of(drain), Dist.of(start), Dist.of(overhead),
                Dist.of(e2e), syncsPer, appendsPer);
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

    /** {@code appends} appends and {@code syncs} fsyncs, spread evenly, on a journal of their own. */
    Dist journalFloor(int appends, int syncs) {
        Path jdir = dir.resolve("floor-" + appends + "-" + syncs);
        List<Long> out = new ArrayList<>();
        try (ChronicleJournal j = ChronicleJournal.open(jdir, ChronicleJournal.Options.defaults())) {
            long seq = 0;
            for (int i = 0; i < plan.floorSamples() + 20; i++) {
                long t0 = System.nanoTime();
                for (int a = 0; a < appends; a++) {
                    j.append(JournalBench.sample(++seq));
                    // `syncs` fsyncs spread over the appends, each after the appends it covers, as a replacement does
                    if ((long) (a + 1) * syncs / appends > (long) a * syncs / appends) {
                        j.sync();
                    }
                }
                if (i >= 20) {
                    out.add((System.nanoTime() - t0) / 1_000);
                }
            }
        }
        return Dist.of(out);
    }

    /** Committed replacements per second, {@code chains} tasks replaced over and over at once. */
    double[] throughput() throws Exception {
        int chains = plan.throughputChains();
        List<String> tasks = new ArrayList<>();
        List<CompletableFuture<TaskStatus>> launched = new ArrayList<>();
        for (int c = 0; c < chains; c++) {
            String id = "tp-" + c + "-0";
            tasks.add(id);
            launched.add(launch(id));
        }
        CompletableFuture.allOf(launched.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(plan.throughputMillis());
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(chains, 8));
        List<CompletableFuture<String>> ends = new ArrayList<>();
        try {
            for (int c = 0; c < chains; c++) {
                ends.add(chain(c, tasks.get(c), 0, started, committed, failed, deadline, pool));
            }
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new))
                    .get(plan.throughputMillis() + 15_000, TimeUnit.MILLISECONDS);
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (CompletableFuture<String> e : ends) {
            client.kill(e.getNow(null), 1_000).get(5, TimeUnit.SECONDS);
        }
        return new double[] {committed.get() / seconds, committed.get(), failed.get(), seconds};
    }

    private CompletableFuture<String> chain(int c, String current, int n, AtomicInteger started,
            AtomicInteger committed, AtomicInteger failed, long deadline, ExecutorService pool) {
        if (System.nanoTime() > deadline || started.incrementAndGet() > plan.throughputMax()) {
            return CompletableFuture.completedFuture(current);
        }
        String next = "tp-" + c + "-" + (n + 1);
        return client.replace(spec(current, next, Durability.PROCESS)).outcome()
                .thenComposeAsync(o -> {
                    if (o.committed()) {
                        committed.incrementAndGet();
                        return chain(c, next, n + 1, started, committed, failed, deadline, pool);
                    }
                    failed.incrementAndGet();
                    return CompletableFuture.completedFuture(current);
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
        int appendsP = (int) Math.round(process.appendsPer());
        int appendsS = (int) Math.round(sync.appendsPer());
        int syncsS = (int) Math.round(sync.syncsPer());
        Dist floorJournalP = journalFloor(appendsP, 0);
        Dist floorJournalS = journalFloor(appendsS, syncsS);
        double[] tp = throughput();
        double[] heap = heapPerTask();

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
                + "`BatonClient` framework. STOP_THEN_START, same-size tasks, one replacement at a time.\n\n");

        b.append("## Replacement latency (µs)\n\n");
        b.append("| Metric | Durability | n | p50 | p99 | max |\n|---|---|---|---|---|---|\n");
        for (Latency l : List.of(process, sync)) {
            row(b, "total (timings.total_us)", l, l.total());
            row(b, "drain (task's own stop)", l, l.drain());
            row(b, "launch (task's own start)", l, l.launch());
            row(b, "SDK overhead (total − drain − launch)", l, l.overhead());
            row(b, "framework round trip (replace → final update)", l, l.client());
        }
        b.append('\n');

        b.append("## Floor, each part timed alone in the same run (µs)\n\n");
        b.append("| Part | n | p50 | p99 | max |\n|---|---|---|---|---|\n");
        floorRow(b, "shim round trip (framework STATE)", rtt);
        floorRow(b, appendsP + " journal appends (PROCESS)", floorJournalP);
        floorRow(b, appendsS + " journal appends + " + syncsS + " fsyncs (SYNC)", floorJournalS);
        b.append("| cgroup writes | – | n/a (InMemoryIsolator) | | |\n\n");

        long floorP = rtt.p50() + floorJournalP.p50();
        long floorS = rtt.p50() + floorJournalS.p50();
        b.append("## Against the targets (DESIGN.md §10)\n\n");
        b.append("| Metric | Measured | Target |\n|---|---|---|\n");
        b.append("| SDK overhead p50, PROCESS | ").append(process.overhead().p50()).append(" µs | ≤ 300 µs |\n");
        b.append("| SDK overhead p99, PROCESS | ").append(process.overhead().p99()).append(" µs | ≤ 1000 µs |\n");
        b.append("| overhead/floor ratio, PROCESS (p50 ").append(process.overhead().p50()).append(" / floor p50 ")
                .append(floorP).append(" µs) | ").append(fmt(process.overhead().p50() / (double) Math.max(1, floorP)))
                .append("× | ≤ 2× |\n");
        b.append("| overhead/floor ratio, SYNC (p50 ").append(sync.overhead().p50()).append(" / floor p50 ")
                .append(floorS).append(" µs) | ").append(fmt(sync.overhead().p50() / (double) Math.max(1, floorS)))
                .append("× | – |\n");
        b.append("| fsyncs per replacement, SYNC | ").append(fmt(sync.syncsPer())).append(" | ≤ 3 |\n");
        b.append("| fsyncs per replacement, PROCESS | ").append(fmt(process.syncsPer())).append(" | – |\n");
        b.append("| journal appends per replacement | ").append(fmt(process.appendsPer())).append(" (PROCESS), ")
                .append(fmt(sync.appendsPer())).append(" (SYNC) | – |\n");
        b.append("| throughput, one executor, no-op tasks, ").append(plan.throughputChains())
                .append(" replaced at once, PROCESS | ").append(String.format(Locale.ROOT, "%.0f", tp[0]))
                .append(" replacements/s (").append((long) tp[1]).append(" committed, ").append((long) tp[2])
                .append(" not, in ").append(fmt(tp[3])).append(" s) | ≥ 2000/s |\n");
        b.append("| heap per live task at ").append((long) heap[1]).append(" live tasks (of ").append(plan.liveTasks())
                .append("; ").append((long) heap[2]).append(" failed) | ")
                .append(String.format(Locale.ROOT, "%.0f", heap[0])).append(" bytes (heap after GC ")
                .append((long) heap[3] >> 20).append(" → ").append((long) heap[4] >> 20)
                .append(" MiB; shim + executor + client in one JVM) | bounded |\n\n");

        b.append("Not measured here yet: the HTTP downtime comparison (START_THEN_STOP vs kill-then-relaunch under "
                + "load) and recovery time vs journal size (100,000 records).\n");
        return b.toString();
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

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
