package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.NodeState;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.Task;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Soak: {@value #EXECUTORS} executors (the real runtime, each with its own Chronicle journal, over the
 * shim's real Unix socket) hold {@value #TASKS_PER_EXECUTOR} tasks each, and a framework (the SDK client)
 * keeps {@value #IN_FLIGHT} replacements in flight for {@code -Dbaton.soak.seconds} (default
 * {@value #DEFAULT_SECONDS} s, what CI runs; the soak run uses 60, any longer value works). Heap after GC,
 * file descriptors, threads and journal disk use are sampled every second; the peak of the second half
 * must stay within the bounds below of the sample taken a fifth into the run, and at the end the ledger
 * balances with nothing reserved or offered and every executor still holds exactly its tasks.
 *
 * <p>The journals use 1-second roll cycles so that retention (whole cycles before the latest checkpoint
 * are deleted) runs within the run; with the default hourly cycles a journal holds up to an hour of
 * records. The isolator is the in-memory one: no cgroups are created.
 */
class SoakIT {
    static final int EXECUTORS = 4;
    static final int TASKS_PER_EXECUTOR = 600;
    static final int IN_FLIGHT = 8;
    static final long DEFAULT_SECONDS = 5;
    static final long MAX_REPLACEMENTS = 5_000_000;
    static final String TASK = "cpus:0.01;mem:1";
    /*
     * Bounds. Heap: each executor's engine keeps its last 10,000 finished replacements (Engine.MAX_FINISHED,
     * for idempotent retries and the checkpoint), so heap after GC may grow by up to RETAINED_PER_REPLACEMENT
     * per replacement until EXECUTORS x 10,000 have finished, and by no more than HEAP_SLACK after that.
     * File descriptors and threads: no growth beyond the slack. Journal: retention keeps it under a fixed size.
     */
    static final long ENGINE_FINISHED_CAP = 10_000;
    static final long RETAINED_PER_REPLACEMENT = 6 << 10;
    static final long HEAP_SLACK = 24L << 20;
    static final int FD_GROWTH = 16;
    static final int THREAD_GROWTH = 8; // cached pools (hooks, Netty) grow and shrink with load
    /** Cycles since the last checkpoint (one per executor-second; a checkpoint every 10,000 records each). */
    static final long JOURNAL_MAX_KIB = 128L << 10;
    static final int JOURNAL_MAX_FILES = 512;

    @TempDir
    Path dir;
    ShimServer shim;
    final List<ExecutorRuntime> executors = new ArrayList<>();
    BatonClient client;

    /** Tasks that are entries only: they run at once and stop at once. */
    static final class NoopExecutor extends BatonExecutor {
        @Override
        public void launch(Task task) {
            task.running();
        }

        @Override
        public void kill(Task task, Duration grace) {
            task.killed("stopped");
        }
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        executors.forEach(ExecutorRuntime::close);
        if (shim != null) {
            shim.close();
        }
    }

    static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(TASK).toProto()).build();
    }

    @Test
    void thousandsOfTasksAndAContinuousReplaceLoopLeakNothing() throws Exception {
        long seconds = Long.getLong("baton.soak.seconds", DEFAULT_SECONDS);
        ShimConfig config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:64;mem:65536"), "none");
        shim = new ShimServer(config, new InMemoryIsolator(), "soak-token").start();
        List<Path> journals = new ArrayList<>();
        for (int e = 0; e < EXECUTORS; e++) {
            Path j = dir.resolve("e" + e).resolve("journal");
            journals.add(j);
            executors.add(new ExecutorRuntime(new NoopExecutor(), "e" + e, ChronicleJournal.open(j,
                    ChronicleJournal.Options.defaults().withRollCycle(TestRollCycles.TEST4_SECONDLY)),
                    new NettyShimConnection(config.executorSocket()), () -> System.currentTimeMillis() * 1000).start());
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> shim.state().getExecutorsList().stream()
                .filter(x -> x.getConnected()).count() == EXECUTORS);
        Set<String> running = ConcurrentHashMap.newKeySet();
        client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token("soak-token").name("soak")
                .updates(true).autoAcknowledge(true).build(), s -> {
                    if (s.getState() == TaskState.TASK_RUNNING) {
                        running.add(s.getTaskId().getValue());
                    }
                });
        List<ArrayDeque<String>> live = launchAll(running);
        NodeState start = shim.state();

        SoakSampler sampler = new SoakSampler(journals);
        long runMs = TimeUnit.SECONDS.toMillis(seconds);
        long t0 = System.nanoTime();
        long done = 0;
        long nextSample = 0;
        int counter = 0;
        List<CompletableFuture<ReplaceOutcome>> inFlight = new ArrayList<>();
        List<String> inFlightNew = new ArrayList<>();
        List<Integer> inFlightExec = new ArrayList<>();
        while (done < MAX_REPLACEMENTS) {
            long at = (System.nanoTime() - t0) / 1_000_000;
            if (at >= nextSample) {
                System.out.println("SoakIT: " + sampler.sample(at, done));
                nextSample = at + 1000;
            }
            boolean stopping = at >= runMs;
            while (!stopping && inFlight.size() < IN_FLIGHT) {
                int e = counter % EXECUTORS;
                String old = live.get(e).poll();
                String neu = "e" + e + "-t" + (++counter);
                inFlight.add(client.replace(ReplaceSpec.of(old, task(neu))).outcome());
                inFlightNew.add(neu);
                inFlightExec.add(e);
            }
            if (inFlight.isEmpty()) {
                break;
            }
            CompletableFuture.anyOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int i = inFlight.size() - 1; i >= 0; i--) {
                if (inFlight.get(i).isDone()) {
                    ReplaceOutcome o = inFlight.remove(i).get();
                    assertThat(o.outcome()).as("%s", o.status()).isEqualTo(ReplacementOutcome.COMMITTED);
                    live.get(inFlightExec.remove(i)).add(inFlightNew.remove(i));
                    done++;
                }
            }
            client.updates().clear(); // the listener has seen them; the queue only grows otherwise
        }
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("SoakIT: " + sampler.sample(tookMs, done));
        System.out.printf("SoakIT: %d executors, %d tasks, %d replacements in %d ms (%.0f/s), %d in flight%n",
                EXECUTORS, EXECUTORS * TASKS_PER_EXECUTOR, done, tookMs, done * 1000.0 / tookMs, IN_FLIGHT);

        SoakSampler.Sample early = sampler.early(runMs);
        SoakSampler.Sample peak = sampler.peakLate(runMs);
        System.out.println("SoakIT: early " + early);
        System.out.println("SoakIT: late peak " + peak);
        assertThat(done).as("replacements").isPositive();
        long cap = EXECUTORS * ENGINE_FINISHED_CAP;
        long retained = Math.min(done, cap) - Math.min(early.replacements(), cap);
        assertThat(peak.heapBytes()).as("heap after GC (early %d, %d replacements retained by design)",
                early.heapBytes(), retained)
                .isLessThanOrEqualTo(early.heapBytes() + HEAP_SLACK + retained * RETAINED_PER_REPLACEMENT);
        SoakSampler.Sample full = sampler.samples.stream().filter(x -> x.replacements() >= cap * 5 / 4).findFirst()
                .orElse(null);
        if (full != null) { // a long run: once the engines' histories are full, the heap must stay flat
            System.out.println("SoakIT: histories full at " + full);
            assertThat(sampler.samples.stream().filter(x -> x.atMs() > full.atMs()).mapToLong(SoakSampler.Sample::heapBytes)
                    .max().orElse(0)).as("heap after GC once the histories are full (then %d)", full.heapBytes())
                    .isLessThanOrEqualTo(full.heapBytes() + HEAP_SLACK);
        }
        assertThat(peak.fds()).as("open fds (early %d)", early.fds()).isLessThanOrEqualTo(early.fds() + FD_GROWTH);
        assertThat(peak.threads()).as("threads (early %d)", early.threads())
                .isLessThanOrEqualTo(early.threads() + THREAD_GROWTH);
        assertThat(peak.journalKiB()).as("journal KiB on disk").isLessThanOrEqualTo(JOURNAL_MAX_KIB);
        assertThat(peak.journalFiles()).as("journal cycle files").isLessThanOrEqualTo(JOURNAL_MAX_FILES);
        if (seconds >= 30) { // long enough for checkpoints: retention must have deleted cycle files
            List<SoakSampler.Sample> all = sampler.samples;
            assertThat(java.util.stream.IntStream.range(1, all.size())
                    .anyMatch(i -> all.get(i).journalFiles() < all.get(i - 1).journalFiles()))
                    .as("journal retention ran (the cycle file count went down at least once)").isTrue();
        }

        NodeState end = shim.state();
        assertThat(shim.verifyLedger()).isNull();
        assertThat(end.getReservationsCount()).isZero();
        assertThat(end.getOfferedList()).isEmpty();
        assertThat(Resources.fromProto(end.getAllocatedList())).isEqualTo(Resources.fromProto(start.getAllocatedList()));
        for (int e = 0; e < EXECUTORS; e++) {
            String id = "e" + e;
            assertThat(end.getExecutorsList()).filteredOn(x -> x.getExecutorId().getValue().equals(id)).singleElement()
                    .satisfies(x -> assertThat(x.getTasksCount()).isEqualTo(TASKS_PER_EXECUTOR));
        }
    }

    /** Launches every task from its own offer, in batches, and waits until all run. */
    private List<ArrayDeque<String>> launchAll(Set<String> running) throws Exception {
        List<ArrayDeque<String>> live = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int e = 0; e < EXECUTORS; e++) {
            ArrayDeque<String> ids = new ArrayDeque<>();
            List<CompletableFuture<?>> batch = new ArrayList<>();
            for (int i = 0; i < TASKS_PER_EXECUTOR; i++) {
                String id = "e" + e + "-init" + i;
                String exec = "e" + e;
                ids.add(id);
                batch.add(client.offers(Resources.parse(TASK)).thenCompose(offers ->
                        client.launch(exec, task(id), BatonClient.offerIds(offers))));
                if (batch.size() == 100) {
                    CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                    batch.clear();
                }
            }
            CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            live.add(ids);
        }
        int total = EXECUTORS * TASKS_PER_EXECUTOR;
        await().atMost(Duration.ofSeconds(60)).until(() -> running.size() >= total);
        System.out.printf("SoakIT: %d tasks launched and running in %d ms%n", total, (System.nanoTime() - t0) / 1_000_000);
        return live;
    }
}
