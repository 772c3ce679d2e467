package io.baton.sdk.runtime;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorEvent;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorHandle;
import io.baton.sdk.api.Task;
import io.baton.sdk.core.Engine;
import io.baton.sdk.driver.Effect;
import io.baton.sdk.driver.ExecutorDriver;
import io.baton.sdk.driver.Input;
import io.baton.sdk.driver.JournaledEngine;
import io.baton.sdk.driver.TimerKey;
import io.baton.sdk.journal.Journal;
import io.baton.sdk.transport.ExecutorThreads;
import io.baton.sdk.transport.ShimConnection;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's driver loop: one thread feeds every input (shim events and answers, the author's task
 * reports, hook results, timers) to the pure {@link ExecutorDriver} and carries out the effects it returns
 * through the ports: the shim connection, the author's hooks (guarded, on hook threads, or on the loop when the
 * author says they return at once), timers, the log — a step's hooks, timers
 * and task handles first, then its frames to the shim and its log lines, each group in the driver's order.
 * Carrying out an effect that throws becomes an {@link Input.EffectFailed} input; nothing is swallowed.
 */
public final class ExecutorRuntime implements ExecutorHandle, ShimConnection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorRuntime.class);
    static final long RECOVER_BOUND_MS = 60_000;

    /** Why the executor stopped on its own (the first cause), or null. */
    private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final BatonExecutor author;
    private final String executorId;
    private final ShimConnection shim;
    private final LongSupplier clockUs;
    private final GuardedLoop loop;
    private final HookGuard hooks;
    private final Journal journal;
    private final ExecutorDriver driver;
    private final EffectsOut effects;
    /** The author's objects of the tasks the driver holds (opened and closed only by the driver's effects). */
    final Map<String, Task> handles = new HashMap<>();
    final Map<TimerKey, ScheduledFuture<?>> timers = new HashMap<>();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    /** Run once, after the first subscription the shim accepted (the warm-up, when ExecutorBootstrap sets it). */
    private final java.util.concurrent.atomic.AtomicReference<Runnable> afterFirstSubscription =
            new java.util.concurrent.atomic.AtomicReference<>();

    /** With Baton's named threads ({@link ExecutorThreads#named()}). */
    public ExecutorRuntime(BatonExecutor author, String executorId, Journal journal, ShimConnection shim,
            LongSupplier clockUs) {
        this(author, executorId, journal, shim, clockUs, ExecutorThreads.named());
    }

    /**
     * Every thread the runtime starts itself comes from {@code threads}: its hook threads, and its driver
     * loop's thread unless the connection lends its IO thread ({@link ShimConnection#ioLoop()}), which the
     * connection makes (with the same factory when {@link ExecutorBootstrap} wires them). The runtime
     * stops them on {@link #close()}.
     */
    public ExecutorRuntime(BatonExecutor author, String executorId, Journal journal, ShimConnection shim,
            LongSupplier clockUs, ExecutorThreads threads) {
        long inlineLimitMs = EffectsOut.inlineLimitMs(author); // a bad limit is refused before a thread starts
        this.author = author;
        this.executorId = executorId;
        this.journal = journal;
        this.shim = shim;
        this.clockUs = clockUs;
        this.loop = shim.ioLoop() != null ? new GuardedLoop(shim.ioLoop(), false)
                : new GuardedLoop(new DriverLoop(threads.driver(executorId)), true);
        this.hooks = new HookGuard(loop, threads.hookPool());
        this.driver = new ExecutorDriver(executorId, author.overhead(),
                Failpoints.ARMED ? new FailpointJournal(journal) : journal, ExecutorRuntime::uuid,
                ExecutorDriver.everyTenThousand());
        this.effects = new EffectsOut(this, inlineLimitMs);
    }

    /**
     * Runs {@code r} once, after the first subscription the shim accepts (on the connection's thread: hand it off),
     * after any given before it.
     */
    void afterFirstSubscription(Runnable r) {
        afterFirstSubscription.accumulateAndGet(r, (before, next) -> before == null ? next : () -> {
            before.run();
            next.run();
        });
    }

    /** Whether {@link #close} was called (or the shim shut the executor down). */
    boolean closing() {
        return shutdown.getCount() == 0;
    }

    void subscribed() {
        Runnable r = afterFirstSubscription.getAndSet(null);
        if (r != null) {
            r.run();
        }
    }

    /** Replays the journal, recovers tasks, then connects to the shim. */
    public ExecutorRuntime start() {
        loop.execute(() -> feed(new Input.Start(now())));
        return this;
    }

    /**
     * As {@link #start()}, with the journal replayed by {@code replaying} ({@link JournaledEngine#replay} of the journal
     * this runtime was given, on another thread while the connection was set up; not while fail points are armed,
     * which wrap that journal). The loop waits for it.
     */
    ExecutorRuntime start(java.util.concurrent.CompletableFuture<JournaledEngine.Replayed> replaying) {
        loop.execute(() -> {
            long at = now();
            JournaledEngine.Replayed replayed;
            try {
                replayed = replaying.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                LOG.error("executor {} could not recover from its journal in {}: {}; stopping", executorId, journal,
                        cause.toString(), cause);
                stopOn(cause);
                return;
            }
            feed(new Input.Start(at, replayed));
        });
        return this;
    }

    /** The engine, for inspection from the driver loop (tests). */
    public Engine engine() {
        return driver.engine();
    }

    // ------------------------------------------------------------------ the loop

    /** One input through the driver, then its effects (frames to the shim and log lines last). On the loop. */
    void feed(Input in) {
        List<Effect> out;
        try {
            out = driver.step(in);
        } catch (RuntimeException | Error e) {
            LOG.error("executor {}: the driver failed on {}: {}", executorId, in, e.toString(), e);
            if (in instanceof Input.Start) {
                LOG.error("executor {} could not recover from its journal in {}; stopping", executorId, journal);
                stopOn(e);
            }
            return;
        }
        if (Effect.actsOnRecords(out)) {
            try {
                journal.settle(); // what this step journaled is in the journal's file before anything acts on it
            } catch (RuntimeException | Error e) {
                LOG.error("executor {}: its journal in {} cannot take this step's records ({}); stopping: its tasks keep"
                        + " running, and a restart recovers from what the journal holds", executorId, journal, e.toString(), e);
                stopOn(e);
                return;
            }
        }
        // the author's hooks first: they run on hook threads, so a kill or a launch starts while this step's frames
        // to the shim and log lines are still being written (each group keeps the driver's order)
        List<Effect> later = null;
        for (Effect e : out) {
            if (goesLast(e)) {
                later = later == null ? new java.util.ArrayList<>(out.size()) : later;
                later.add(e);
            } else {
                carryOut(e);
            }
        }
        if (later != null) {
            for (Effect e : later) {
                carryOut(e);
            }
        }
    }

    /**
     * Frames to the shim and log lines: carried out after a step's other effects (hooks, timers, the task handles
     * the hooks use), in their own order. Nothing else depends on them within a step: the shim's answers and the
     * hooks' reports come back as later inputs.
     */
    static boolean goesLast(Effect e) {
        return e instanceof Effect.Log || e instanceof Effect.Update || e instanceof Effect.Progress
                || e instanceof Effect.RecordedOutcome || e instanceof Effect.Call || e instanceof Effect.Subscribe
                || e instanceof Effect.Connect;
    }

    private void carryOut(Effect e) {
        try {
            effects.carryOut(e);
        } catch (RuntimeException ex) {
            LOG.error("executor {}: carrying out {} failed: {}", executorId, e, ex.toString(), ex);
            feed(new Input.EffectFailed(e, ex.toString(), now()));
        }
    }

    /** The journal could not be opened (on a thread of its own): nothing can be journaled, so the executor stops. */
    void journalFailed(Throwable e) {
        LOG.error("executor {} could not open its journal in {}: {}; stopping", executorId, journal, e.toString(), e);
        stopOn(e);
    }

    /** Stops the executor because of {@code e} (the first such cause is what {@link #failure()} tells). */
    private void stopOn(Throwable e) {
        failure.compareAndSet(null, e);
        shutdown.countDown();
    }

    @Override
    public Throwable failure() {
        return failure.get();
    }

    /** An input from another thread: it runs on the loop. */
    void post(Input in) {
        loop.execute(() -> feed(in));
    }

    long now() {
        return clockUs.getAsLong();
    }

    BatonExecutor author() {
        return author;
    }

    String executorId() {
        return executorId;
    }

    ShimConnection shim() {
        return shim;
    }

    GuardedLoop loop() {
        return loop;
    }

    HookGuard hooks() {
        return hooks;
    }

    void exit() {
        shutdown.countDown();
    }

    // ------------------------------------------------------------------ inputs from other threads

    /** A handle for the author: its reports (from any thread) carry its incarnation. */
    Task handle(io.baton.proto.TaskInfo info, long incarnation) {
        return new Task(info, (taskId, state, message) -> post(new Input.TaskReported(taskId, incarnation, state,
                message, now())));
    }

    @Override
    public void connected() {
        post(new Input.Connected(now()));
    }

    @Override
    public void disconnected(String why) {
        post(new Input.Disconnected(why, now()));
    }

    @Override
    public void event(ExecutorEvent e) {
        post(new Input.ShimEvent(e, now()));
    }

    static ByteString uuid() {
        UUID u = UUID.randomUUID();
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void awaitShutdown() throws InterruptedException {
        shutdown.await();
    }

    @Override
    public void close() {
        shutdown.countDown();
        if (loop.isShutdown()) {
            return; // closed already
        }
        try {
            // the loop may be the connection's IO thread: finish with the journal before the connection goes
            loop.submit(() -> {
                timers.values().forEach(f -> f.cancel(false));
                timers.clear();
                journal.close();
                loop.stop(); // steps still queued behind this one must not touch the closed journal
            }).get(5, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // the loop is busy: its journal stays open, and its writer's lock held, until the step under way is done
            // with it (a second writer must not start beside it), or for as long as this process lives
            LOG.warn("executor {} did not stop within 5 s: a step still runs on its loop; its journal stays open (and"
                    + " locked) while that step may use it", executorId);
        } catch (Exception e) {
            LOG.warn("executor {} did not stop cleanly: {}", executorId,
                    e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause().toString()
                    : e.toString());
        }
        loop.shutdownNow();
        shim.close();
        hooks.close();
    }
}
