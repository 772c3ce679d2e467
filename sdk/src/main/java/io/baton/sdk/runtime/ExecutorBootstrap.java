package io.baton.sdk.runtime;

import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorHandle;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.driver.DriverWarmUp;
import io.baton.sdk.driver.JournaledEngine;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.journal.Journal;
import io.baton.sdk.journal.OpeningJournal;
import io.baton.sdk.journal.WriterLock;
import io.baton.sdk.transport.ExecutorThreads;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.sdk.transport.ShimConnection;
import io.baton.sdk.transport.WireWarmUp;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an executor in production: wires the author's {@link BatonExecutor} to a durable journal
 * (Chronicle, in {@code <work-dir>/journal}), to the shim (its executor Unix socket, or its executor TCP
 * port with a token), to a clock and to its threads (all made by {@link ExecutorOptions#threads()} when set;
 * by default daemons named {@code baton-hook-N} for hooks and the connection's IO thread
 * {@code baton-executor-loop-P-N}, which also runs the driver loop), then runs it. This is the one place
 * where those adapters are chosen; the author's code and the {@code api} package never name them.
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * public static void main(String[] args) {
 *     // --id ID --work-dir DIR [--shim SOCKET | --shim tcp://HOST:PORT --token-file FILE | --shim-file FILE ...]
 *     ExecutorBootstrap.run(new SleepExecutor(), ExecutorOptions.fromArgs(args));
 * }
 * }</pre>
 * or, to keep the calling thread: {@code try (ExecutorHandle h = ExecutorBootstrap.start(executor, options))
 * { ... }}.
 *
 * <h2>Threading contract</h2>
 * <ul>
 *   <li>{@link #start} returns at once; recovery (journal replay, then {@link BatonExecutor#recover}) and the
 *       subscription to the shim happen on the executor's driver loop, hooks on its hook threads, as
 *       {@link BatonExecutor} describes. Call it from any thread, once per executor id and work directory.</li>
 *   <li>{@link #run} blocks the calling thread until the shim shuts the executor down, or the thread is
 *       interrupted (then the executor stops and the interrupt flag is set again).</li>
 *   <li>The returned {@link ExecutorHandle} may be closed from any thread; closing stops the executor's
 *       threads and closes its journal and connection, and leaves its tasks running (they are recovered on
 *       the next start).</li>
 * </ul>
 */
public final class ExecutorBootstrap {
    /**
     * Not a constant of this class: the first logger sets the logging up (about 100 ms of a cold start), which would
     * hold {@link #start} back from starting the journal's opening; this way the two run side by side.
     */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ExecutorBootstrap.class);
    }

    /**
     * Wall-clock time in microseconds, the unit of every timestamp the executor journals and sends, at the system
     * clock's resolution (microseconds on Linux; the phases of a replacement's timings are differences of these).
     */
    public static final LongSupplier SYSTEM_CLOCK_US = () -> micros(java.time.Clock.systemUTC());

    /**
     * {@code -Dbaton.executor.preconnect=false}: open the journal, then set the connection up and connect only after
     * recovery, one after the other as before the overlap (for the benchmark that measures the overlap side by
     * side; nothing else needs it).
     */
    static final boolean PRECONNECT_OFF = "false".equals(System.getProperty("baton.executor.preconnect"));

    /**
     * The journal's queue opens after the executor's first subscription, or at the latest this long after the start
     * (an executor that cannot reach its shim yet still gets its records into the queue soon).
     */
    static final long OPEN_QUEUE_BY_MS = 3_000;

    /**
     * {@code -Dbaton.executor.openQueueAtStart=true}: open the journal's queue at the start and have every step that
     * acts on records wait for it, as before 2026-12-06 (for the benchmark that measures the change side by side).
     */
    static final boolean OPEN_QUEUE_AT_START = Boolean.getBoolean("baton.executor.openQueueAtStart");

    private ExecutorBootstrap() {
    }

    /** Starts {@code executor} with the options' clock ({@link ExecutorOptions#clock()}) and returns at once. */
    public static ExecutorHandle start(BatonExecutor executor, ExecutorOptions options) {
        java.time.Clock clock = options == null ? null : options.clock();
        return start(executor, options, clock == null ? null : () -> micros(clock));
    }

    /** {@code clock}'s time in microseconds since the epoch, at the clock's own resolution. */
    public static long micros(java.time.Clock clock) {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Starts {@code executor} reading time (in microseconds) from {@code clockUs}, and returns at once. */
    public static ExecutorHandle start(BatonExecutor executor, ExecutorOptions options, LongSupplier clockUs) {
        return start(executor, options, clockUs, true);
    }

    /**
     * Starts {@code executor} as its executor's warm standby and returns once it has taken over: warms its code up
     * (a few seconds of one core), then waits while another process holds the executor's journal (its writer's lock)
     * and starts, as {@link #start} does, the moment that process ends, however it ends (SIGKILL included; to stop an
     * executor for good, stop its standby first), or at once if none holds it. A restart in a JVM that is already
     * warm: the executor's work is back on the shim in tens of milliseconds instead of a cold JVM's half second or
     * more. Until then it writes nothing of the executor's and talks to no one ({@link Standby}). {@code executor} is
     * made before it stands by: its constructor must not act on the node. Whoever starts the executor again (a
     * supervisor) starts the next standby. Blocks the calling thread until it has taken over.
     *
     * @throws InterruptedException if the calling thread is interrupted while it waits (nothing was started)
     */
    public static ExecutorHandle standBy(BatonExecutor executor, ExecutorOptions options) throws InterruptedException {
        java.time.Clock clock = options == null ? null : options.clock();
        return Standby.takeOver(executor, options, clock == null ? null : () -> micros(clock));
    }

    /** {@link #standBy}, then {@link #run}'s wait until the executor is shut down. */
    public static void runAsStandby(BatonExecutor executor, ExecutorOptions options) {
        try {
            runUntilShutdown(standBy(executor, options));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @param warmUpAfter whether to warm the replacement code up after the first subscription (a standby did before) */
    static ExecutorHandle start(BatonExecutor executor, ExecutorOptions options, LongSupplier clockUs,
            boolean warmUpAfter) {
        if (executor == null || options == null || clockUs == null) {
            throw new IllegalArgumentException("executor, options and clock are required (got executor=" + executor
                    + ", options=" + options + ", clock=" + clockUs + ")");
        }
        EffectsOut.inlineLimitMs(executor); // the author's own settings refused before the journal is touched
        long started = System.nanoTime();
        Path journalDir = options.workDir().resolve("journal");
        ExecutorThreads threads = ExecutorThreads.fromOrNamed(options.threads());
        CompletableFuture<Journal> opening = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch openNow = new java.util.concurrent.CountDownLatch(1);
        // On a restart two things need nothing of each other until recovery is over, and run side by side: the
        // replay, which reads the cycle files itself (OpeningJournal, CycleReader), and the set-up of the connection
        // (Netty's, then the connect on the connection's IO thread). The journal's Chronicle queue (its start-up:
        // mostly class loading and initialisation, a few hundred ms of CPU) opens after the first subscription, or
        // when something needs it, or OPEN_QUEUE_BY_MS after the start at the latest: on two cores it would take the
        // CPU the way to the subscription needs. Until then the records go to a file of their own (PendingRecords),
        // written before anything acts on them. Fail points wrap the journal the driver gets, so with them armed the
        // driver replays itself.
        Journal journal;
        OpeningJournal openingJournal = null;
        if (PRECONNECT_OFF) {
            // the records an earlier start left in PendingRecords' file, if it died before its queue opened, go in
            journal = ChronicleJournal.open(journalDir, ChronicleJournal.Options.defaults());
            opening.complete(journal);
            Log.LOG.info("executor {} opened its journal's queue {} ms after it started", options.executorId(),
                    (System.nanoTime() - started) / 1_000_000);
        } else {
            openingJournal = new OpeningJournal(journalDir, opening, openNow::countDown, !OPEN_QUEUE_AT_START);
            journal = openingJournal;
        }
        ShimConnection shim = null;
        CompletableFuture<JournaledEngine.Replayed> replaying = null;
        try {
            if (!PRECONNECT_OFF && !Failpoints.ARMED) {
                CompletableFuture<JournaledEngine.Replayed> r = new CompletableFuture<>();
                threads.replay().newThread(() -> {
                    try {
                        r.complete(JournaledEngine.replay(journal));
                    } catch (Throwable e) {
                        r.completeExceptionally(e);
                    }
                }).start();
                replaying = r;
            }
            if (!PRECONNECT_OFF) {
                startOpener(openingJournal, opening, openNow, threads, options.executorId(), started);
            }
            shim = options.shimAddressFile() != null
                    ? NettyShimConnection.tcpFromFile(options.shimAddressFile(), options.token(), threads.io())
                    : options.overTcp()
                    ? NettyShimConnection.tcp(options.shimHost(), options.shimPort(), options.token(), threads.io())
                    : new NettyShimConnection(options.shimSocket(), threads.io());
            if (!PRECONNECT_OFF) {
                shim.preconnect();
            }
            ExecutorRuntime runtime = new ExecutorRuntime(executor, options.executorId(), journal, shim, clockUs,
                    threads);
            opening.whenComplete((opened, failed) -> {
                if (failed != null && !(failed instanceof java.util.concurrent.CancellationException)) { // closed
                    runtime.journalFailed(failed instanceof java.util.concurrent.CompletionException c ? c.getCause()
                            : failed);
                }
            });
            runtime.afterFirstSubscription(openNow::countDown);
            if (warmUpAfter) {
                warmUpAfterFirstSubscription(runtime, threads, opening);
            }
            return replaying == null ? runtime.start() : runtime.start(replaying);
        } catch (RuntimeException | Error e) {
            // nothing but the replay acted on the journal yet: the opening cancelled first (a replay waiting for the
            // queue ends at once), the replay let finish (bounded), then the queue not opened (or closed) and the
            // writer's lock released
            opening.cancel(false);
            if (replaying != null) {
                try {
                    replaying.get(OPEN_QUEUE_BY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception ended) {
                    if (ended instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    } // else it failed or took too long: the start failed all the same
                }
            }
            try {
                if (openingJournal != null) {
                    openingJournal.abandon();
                } else {
                    journal.close();
                }
            } catch (RuntimeException | Error also) {
                e.addSuppressed(also);
            }
            try {
                if (shim != null) {
                    shim.close();
                }
            } catch (RuntimeException | Error also) {
                e.addSuppressed(also);
            }
            throw e;
        }
    }

    /**
     * Opens the journal's Chronicle queue on a thread of its own once {@code openNow} counts down (or
     * {@link #OPEN_QUEUE_BY_MS} after the start), and completes {@code opening} with it. The thread holds a share of
     * the writer's lock while it works in the journal's files; the share goes with the queue it hands over (released
     * when the journal closes that), else when the thread is done.
     */
    private static void startOpener(OpeningJournal journal, CompletableFuture<Journal> opening,
            java.util.concurrent.CountDownLatch openNow, ExecutorThreads threads, String executorId, long started) {
        WriterLock share = journal.retainLock();
        Path journalDir = journal.dir();
        try {
            threads.journalOpen().newThread(() -> {
                boolean handedOver = false;
                try {
                    if (!OPEN_QUEUE_AT_START) {
                        openNow.await(OPEN_QUEUE_BY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                    }
                    if (opening.isDone()) {
                        share.close();
                        return; // closed before it was needed
                    }
                    Journal opened = share.heldBy(ChronicleJournal.open(journalDir,
                            ChronicleJournal.Options.defaults().withFoldPending(false)));
                    handedOver = true;
                    if (!opening.complete(opened)) {
                        opened.close();
                        return;
                    }
                    Log.LOG.info("executor {} opened its journal's queue {} ms after it started", executorId,
                            (System.nanoTime() - started) / 1_000_000);
                } catch (Throwable e) {
                    if (!handedOver) {
                        share.close(); // before the failure's callbacks run here: they stop the executor
                    }
                    opening.completeExceptionally(e);
                }
            }).start();
        } catch (RuntimeException | Error e) { // no thread (a factory's null, or none to be had): the share is ours
            share.close();
            throw e;
        }
    }

    /**
     * Has {@code runtime} (not started yet) warm its replacement code up on a thread of {@code threads} once the shim
     * first accepts its subscription, as {@link #start} does (Netty's allocator events,
     * {@link WireWarmUp#warmBuffers}, then {@code BATON_EXECUTOR_WARMUP} synthetic replacements; then the class-data
     * archive its launcher asked for, {@link ClassDataArchive}): for an executor wired by hand.
     */
    public static void warmUpAfterFirstSubscription(ExecutorRuntime runtime, ExecutorThreads threads) {
        warmUpAfterFirstSubscription(runtime, threads, CompletableFuture.completedFuture(null));
    }

    /** As above, once {@code journalOpen} is done too (the warm-up's own journal would compete with its start-up). */
    private static void warmUpAfterFirstSubscription(ExecutorRuntime runtime, ExecutorThreads threads,
            CompletableFuture<?> journalOpen) {
        int warmUp = warmUpReplacements(System.getenv("BATON_EXECUTOR_WARMUP"));
        if (warmUp > 0 || ClassDataArchive.asked()) {
            runtime.afterFirstSubscription(() -> threads.warmUp().newThread(() -> {
                try {
                    journalOpen.join();
                } catch (RuntimeException failed) {
                    return; // the executor stops
                }
                if (warmUp > 0) {
                    long t0 = System.nanoTime();
                    WireWarmUp.warmBuffers(); // first: the next big frame's decode would run it on the IO thread
                    try {
                        int done = warmUp(warmUp, () -> !runtime.closing());
                        Log.LOG.debug("executor {}: warmed up with {} synthetic replacements in {} ms",
                                runtime.executorId(), done, (System.nanoTime() - t0) / 1_000_000);
                    } catch (RuntimeException | LinkageError e) { // a warm-up only: the executor runs on, colder
                        Log.LOG.warn("executor {}: its warm-up stopped: {}", runtime.executorId(), e.toString(), e);
                    }
                }
                if (!runtime.closing()) { // after the warm-up: its training JVM competes with nothing of this start
                    ClassDataArchive.afterWarmUp(runtime.executorId());
                }
            }).start());
        }
    }

    /**
     * How many synthetic replacements warm a new executor's replacement code up after its first subscription
     * ({@link DriverWarmUp}): {@code BATON_EXECUTOR_WARMUP}, default {@value #DEFAULT_WARM_UP}; 0 turns it off.
     * About a second of one core's time in a fresh JVM, most of it the class loading the first real replacement
     * would otherwise do on its critical path.
     */
    static int warmUpReplacements(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_WARM_UP;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0 && n <= 100_000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        Log.LOG.warn("BATON_EXECUTOR_WARMUP must be a number of replacements from 0 to 100000, got '{}'; using {}",
                value, DEFAULT_WARM_UP);
        return DEFAULT_WARM_UP;
    }

    static final int DEFAULT_WARM_UP = 300;

    /**
     * {@link DriverWarmUp} journaling into a scratch Chronicle journal in a new temporary directory, closed and
     * removed after: the executor's first real appends and fsyncs then do not run Chronicle's code cold either
     * (the HTTP benchmark's first replacement spent 0.25–0.5 ms per append before). Its events and calls go through
     * the connection's codecs ({@link WireWarmUp}), so the first real REPLACE is not decoded cold either. In memory if
     * no such directory
     * can be made. The scratch files are sparse and small (1 MiB blocks); a SIGKILL during the warm-up leaves them
     * in the temporary directory, until the next executor's warm-up finds their process gone ({@link WarmUpScratch}).
     */
    static int warmUp(int replacements, java.util.function.BooleanSupplier keepGoing) {
        try (WireWarmUp frames = new WireWarmUp()) {
            DriverWarmUp.Wire wire = new DriverWarmUp.Wire(frames::inbound, frames::outbound);
            java.nio.file.Path dir;
            try {
                dir = WarmUpScratch.create(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
            } catch (java.io.IOException | RuntimeException e) {
                Log.LOG.debug("no scratch journal for the warm-up ({}); warming up in memory", e.toString());
                return DriverWarmUp.run(replacements, keepGoing, new InMemoryJournal(), wire);
            }
            try {
                Journal scratch = ChronicleJournal.open(dir, ChronicleJournal.Options.defaults().withBlockSize(1 << 20));
                try {
                    return DriverWarmUp.run(replacements, keepGoing, scratch, wire);
                } finally {
                    scratch.close();
                }
            } catch (RuntimeException e) {
                Log.LOG.debug("the warm-up with a scratch journal in {} failed ({}); warming up in memory", dir,
                        e.toString());
                return DriverWarmUp.run(replacements, keepGoing, new InMemoryJournal(), wire);
            } finally {
                WarmUpScratch.remove(dir);
            }
        }
    }

    /**
     * Runs {@code executor} until it is told to shut down or the calling thread is interrupted; throws why it stopped
     * on its own instead ({@link ExecutorHandle#failure()}: e.g. a journal that cannot be opened or recovered).
     */
    public static void run(BatonExecutor executor, ExecutorOptions options) {
        runUntilShutdown(start(executor, options));
    }

    private static void runUntilShutdown(ExecutorHandle started) {
        try (ExecutorHandle handle = started) {
            handle.awaitShutdown();
            Throwable failed = handle.failure();
            if (failed instanceof RuntimeException r) {
                throw r; // as when the journal could not be opened before start() returned
            } else if (failed instanceof Error e) {
                throw e;
            } else if (failed != null) {
                throw new IllegalStateException(failed.toString(), failed);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
