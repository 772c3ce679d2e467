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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/** Writes an executor's journal by real replacements, and counts and copies journals, for {@link RecoveryBench}. */
final class JournalFill {
    static final String RES = "cpus:0.01;mem:1";

    private JournalFill() {
    }

    /**
     * Replaces {@code chains} tasks of executor {@code id} over and over at once (STOP_THEN_START,
     * PROCESS durability) until its journal holds {@code target} records; bounded by {@code millis}.
     */
    static void fill(Node node, String id, Path journal, int target, int chains, long millis) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong committed = new AtomicLong();
        List<String> failures = new CopyOnWriteArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < chains; c++) {
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
            threads.add(t);
        }
        count(journal); // the first read-only open loads Chronicle in this JVM: not while the chains run
        threads.forEach(Thread::start);
        double perReplacement = 13; // recalibrated from every exact count
        long exact = 0;
        while (exact < target && System.nanoTime() < deadline && threads.stream().anyMatch(Thread::isAlive)) {
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
        for (Thread t : threads) {
            t.join(40_000);
        }
        if (exact < target) {
            throw new IllegalStateException("journal of executor " + id + " reached only " + exact + " of " + target
                    + " records in " + millis + " ms; failures: " + failures);
        }
        awaitLatestCheckpoint(journal);
    }

    /**
     * Waits (up to 2 s) until {@code checkpoint.idx} names the latest checkpoint: the executor records a checkpoint on
     * its journal's retention thread tens of ms after appending it, and the fill stops right after a checkpoint when
     * its target is a multiple of the checkpoint interval; killed before, a restart replays from the checkpoint before
     * (up to {@link io.baton.sdk.driver.ExecutorDriver#CHECKPOINT_EVERY} records more), which is not the row's case.
     */
    private static void awaitLatestCheckpoint(Path journal) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            long replayed = count(journal)[1];
            if (replayed >= 0 && replayed < io.baton.sdk.driver.ExecutorDriver.CHECKPOINT_EVERY) {
                return;
            }
            Thread.sleep(10);
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
            try {
                if (Files.exists(idx)) {
                    long cp = Long.parseLong(Files.readString(idx, StandardCharsets.US_ASCII).trim());
                    replayed = q.countExcerpts(cp, q.lastIndex()) + 1;
                }
            } catch (IOException | RuntimeException e) {
                replayed = -1; // being replaced by the executor just now
            }
            return new long[] {total, replayed};
        } catch (RuntimeException e) {
            return new long[] {0, 0}; // not created yet, or being created
        }
    }

    static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(RES).toProto())
                .setSpec(TaskSpec.newBuilder().setKind("worker").setValue("ok").putParams("period_ms", "3600000"))
                .setKillGracePeriodMs(1_000).build();
    }

    static void copyTree(Path from, Path to) throws IOException {
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
}
