package io.baton.sdk.runtime;

import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorHandle;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.driver.DriverWarmUp;
import io.baton.sdk.driver.JournaledEngine;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.journal.Journal;
import io.baton.sdk.journal.JournalInUseException;
import io.baton.sdk.journal.JournalSnapshot;
import io.baton.sdk.journal.OpeningJournal;
import io.baton.sdk.journal.WriterLock;
import io.baton.sdk.transport.ExecutorThreads;
import io.baton.sdk.transport.WireWarmUp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's warm standby ({@link ExecutorBootstrap#standBy}): a second process for the same executor id and work
 * directory. It warms its code up first — the synthetic replacements every executor runs after its first subscription,
 * with checkpoints, then replays of that scratch journal — so that a takeover runs the replay, recovery and the
 * subscription's code compiled, then waits on the journal's writer's lock ({@link WriterLock#awaitFree}), which the
 * kernel releases the moment the executor's process ends, and starts as {@link ExecutorBootstrap#start} does. If
 * another process takes the journal first (a cold restart, or a second standby), it waits again.
 *
 * <p>Until it takes over a standby writes nothing of the executor's and talks to no one: the journal is only read, the
 * shim never sees it. Its waits hold a shared lock on {@code writer.lock} for an instant as the lock comes free (an
 * executor started right then is refused as if the journal were in use); where no executor ever ran it makes the
 * journal's directory and an empty {@code writer.lock}. It takes over whenever the executor's process ends, however
 * it ended (a supervisor's {@code Restart=always} restarts a process that exited cleanly too): to stop an executor for
 * good, stop its standby first. Its warm-up's scratch journals are in the temporary directory, as every executor's.
 */
final class Standby {
    private static final Logger LOG = LoggerFactory.getLogger(Standby.class);

    /** How many times a standby replays its warm-up's journal: enough for the replay's loops to be compiled. */
    static final int REPLAYS = 40;
    /** How many takeovers a standby rehearses against a stand-in shim ({@link StandInShim}). */
    static final int REHEARSALS = 5;
    /**
     * How many times a standby replays the journal of the executor it stands in for, as it is (read-only,
     * {@link JournalSnapshot}): its code then meets that journal's shapes before the takeover, not during it.
     */
    static final int SNAPSHOT_REPLAYS = 20;
    /** The rehearsals' executor id (their logs say it). */
    static final String REHEARSAL_ID = "standby-rehearsal";
    /** The warm-up's scratch journal checkpoints this often, so that the replays read checkpoints too. */
    static final long CHECKPOINT_EVERY = 500;
    private static final long REHEARSAL_BOUND_MS = 10_000;

    private Standby() {
    }

    static ExecutorHandle takeOver(BatonExecutor executor, ExecutorOptions options, LongSupplier clockUs)
            throws InterruptedException {
        if (executor == null || options == null || clockUs == null) {
            throw new IllegalArgumentException("executor, options and clock are required (got executor=" + executor
                    + ", options=" + options + ", clock=" + clockUs + ")");
        }
        EffectsOut.inlineLimitMs(executor); // refused now, not at the takeover after seconds of warming up
        Path journal = options.workDir().resolve("journal");
        LOG.info("executor {} stands by: warming up, then waiting for the process that holds {}", options.executorId(),
                journal);
        long t0 = System.nanoTime();
        String warmed = warmUp(ExecutorBootstrap.warmUpReplacements(System.getenv("BATON_EXECUTOR_WARMUP")), REPLAYS,
                REHEARSALS, options.overTcp(), journal, options.threads());
        // the warm-up's garbage out, and the heap it grew to (418-475 MB resident after replays of a 100,000-record
        // journal) given back: about 160 MB while it waits, for a takeover some 25 ms later (measured side by side)
        System.gc();
        Runtime heap = Runtime.getRuntime();
        LOG.info("executor {} warmed up in {} ms ({}; heap {} MiB in use of {} MiB committed): standing by",
                options.executorId(), (System.nanoTime() - t0) / 1_000_000, warmed,
                (heap.totalMemory() - heap.freeMemory()) >> 20, heap.totalMemory() >> 20);
        while (true) {
            Thread refresh = refreshing(journal, options.threads());
            try {
                WriterLock.awaitFree(journal);
            } finally {
                refresh.interrupt();
            }
            long free = System.nanoTime();
            try {
                ExecutorHandle started = ExecutorBootstrap.start(executor, options, clockUs, false);
                LOG.info("executor {} took over: its journal was free, started in {} ms", options.executorId(),
                        (System.nanoTime() - free) / 1_000_000);
                return started;
            } catch (JournalInUseException e) {
                LOG.info("executor {}: another process took its journal first ({}); standing by again",
                        options.executorId(), e.holder());
            }
        }
    }

    /**
     * While it stands by, a replay of the executor's journal as it is every {@link #REFRESH_MS}: the journal grows
     * (its checkpoint remembers up to 10,000 ended replacements), and code the JIT compiled for a younger one would
     * otherwise meet the new shapes during the takeover. About as much CPU as one replay a minute.
     */
    private static Thread refreshing(Path journal, ThreadFactory injected) {
        Thread refresh = ExecutorThreads.fromOrNamed(injected).standby("refresh").newThread(() -> {
            while (true) {
                try {
                    Thread.sleep(REFRESH_MS);
                } catch (InterruptedException e) {
                    return; // taking over
                }
                try {
                    JournaledEngine.replay(new JournalSnapshot(journal));
                } catch (RuntimeException e) { // caught mid-write, say: the next one
                    LOG.debug("replaying the journal {} as it is: {}", journal, e.toString());
                }
            }
        });
        refresh.start();
        return refresh;
    }

    /** How often a standby replays the executor's journal as it is while it waits. */
    static final long REFRESH_MS = 60_000;

    /**
     * In a scratch directory: {@code replacements} synthetic replacements journaled with checkpoints, that journal
     * replayed {@code replays} times, then {@code rehearsals} starts of an executor on it (replay, recovery, the
     * connection, over TCP or a Unix socket as the executor's, the subscription to a {@link StandInShim}, the journal's
     * queue opening) — the takeover's own code; then, unless it is null, {@code journalOfTheExecutor} replayed
     * {@link #SNAPSHOT_REPLAYS} times as it is. Says what it did. Whatever fails is logged and the caller goes on,
     * colder. Also the training JVM's run ({@link ClassDataTraining}), with small counts: its classes, not their compilation.
     */
    static String warmUp(int replacements, int replays, int rehearsals, boolean overTcp, Path journalOfTheExecutor,
            ThreadFactory injected) throws InterruptedException {
        Path dir;
        try {
            dir = WarmUpScratch.create(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException | RuntimeException e) {
            LOG.warn("no scratch directory for the standby's warm-up ({}): warming up in memory only", e.toString());
            return ExecutorBootstrap.warmUp(replacements, () -> true) + " synthetic replacements in memory";
        }
        int done = 0;
        int replayed = 0;
        int rehearsed = 0;
        int snapshots = 0;
        try {
            Path journal = dir.resolve("journal");
            try (WireWarmUp frames = new WireWarmUp()) {
                Journal scratch = ChronicleJournal.open(journal,
                        ChronicleJournal.Options.defaults().withBlockSize(1 << 20));
                try {
                    done = DriverWarmUp.run(replacements, () -> true, scratch,
                            new DriverWarmUp.Wire(frames::inbound, frames::outbound), CHECKPOINT_EVERY);
                } finally {
                    scratch.close();
                }
            }
            WireWarmUp.warmBuffers();
            for (; replayed < replays; replayed++) {
                // no queue ever opens here: a replay that would wait for one (files it cannot read directly) fails
                CompletableFuture<Journal> never = new CompletableFuture<>();
                OpeningJournal again = new OpeningJournal(journal, never, () -> never.completeExceptionally(
                        new IllegalStateException("the warm-up's journal cannot be read directly")), true);
                try {
                    JournaledEngine.replay(again);
                } finally {
                    again.abandon();
                }
            }
            rehearsed = rehearse(dir, rehearsals, overTcp, injected);
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("the standby's warm-up stopped ({}): it stands by colder", e.toString(), e);
        } finally {
            WarmUpScratch.remove(dir);
        }
        try {
            for (; journalOfTheExecutor != null && snapshots < SNAPSHOT_REPLAYS; snapshots++) {
                JournaledEngine.replay(new JournalSnapshot(journalOfTheExecutor));
            }
        } catch (RuntimeException e) { // the executor deleted a file as it was read, say: what it is for is done
            LOG.info("replaying the journal {} as it is stopped after {} times: {}", journalOfTheExecutor, snapshots,
                    e.toString());
        }
        return done + " synthetic replacements, " + replayed + " replays, " + rehearsed + " rehearsed takeovers"
                + (journalOfTheExecutor == null ? "" : ", " + snapshots + " replays of the executor's journal as it is");
    }

    /**
     * {@code rehearsals} starts of an executor against a stand-in shim (on a loopback TCP port named by an address file
     * if {@code overTcp}, as {@code --shim-file} does; else on a Unix socket), each in a work directory of its own under
     * {@code dir} with a copy of the warm-up's journal (so that each recovers the task that journal left running);
     * how many got subscribed. A start that fails ends the rehearsals (logged).
     */
    private static int rehearse(Path dir, int rehearsals, boolean overTcp, ThreadFactory injected)
            throws IOException, InterruptedException {
        if (rehearsals <= 0) {
            return 0;
        }
        ThreadFactory threads = ExecutorThreads.fromOrNamed(injected).standby("stand-in-shim");
        Path socket = dir.resolve(overTcp ? "shim.address" : "shim.sock");
        LOG.info("rehearsing {} takeovers as executor {} against a stand-in shim at {} (not the node's shim)",
                rehearsals, REHEARSAL_ID, socket);
        int subscribed = 0;
        try (StandInShim shim = overTcp ? StandInShim.bindTcp(socket, threads) : StandInShim.bind(socket, threads)) {
            for (int i = 1; i <= rehearsals; i++) {
                Path work = dir.resolve("rehearsal-" + i);
                copyJournal(dir.resolve("journal"), work.resolve("journal"));
                ExecutorHandle h;
                try {
                    ExecutorOptions options = overTcp
                            ? ExecutorOptions.tcpFromFile(REHEARSAL_ID, work, socket, "stand-in")
                            : new ExecutorOptions(REHEARSAL_ID, work, socket);
                    h = ExecutorBootstrap.start(new Rehearsing(),
                            injected == null ? options : options.withThreads(injected), ExecutorBootstrap.SYSTEM_CLOCK_US,
                            false);
                } catch (RuntimeException e) {
                    LOG.warn("a rehearsed takeover could not start ({}): no more rehearsals", e.toString());
                    break;
                }
                try {
                    if (!shim.awaitSubscribed(i, REHEARSAL_BOUND_MS)) {
                        LOG.warn("a rehearsed takeover did not subscribe within {} ms: no more rehearsals",
                                REHEARSAL_BOUND_MS);
                        break;
                    }
                    subscribed++;
                } finally {
                    h.close();
                }
            }
        }
        return subscribed;
    }

    /** The journal's files copied (the warm-up's journal is closed: nothing writes them meanwhile). */
    private static void copyJournal(Path from, Path to) throws IOException {
        java.nio.file.Files.createDirectories(to);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(from)) {
            for (Path f : files.toList()) {
                if (java.nio.file.Files.isRegularFile(f)) {
                    java.nio.file.Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
    }

    /** The rehearsals' executor: its tasks (the warm-up's) are not alive, and it is never asked to run one. */
    private static final class Rehearsing extends BatonExecutor {
        @Override
        public void launch(Task task) {
            throw new IllegalStateException("a standby's rehearsal launches nothing");
        }

        @Override
        public void kill(Task task, Duration gracePeriod) {
        }

        @Override
        public Set<String> recover(Collection<Task> tasks) {
            return Set.of();
        }
    }
}
