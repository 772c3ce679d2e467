package io.baton.sdk.runtime;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorHandle;
import io.baton.sdk.api.Task;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Hook;
import io.baton.sdk.journal.Journal;
import io.baton.sdk.transport.ShimConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one driver loop of an executor: a single thread owns the engine, the journal and the task table.
 * Shim events, the author's task reports and the outcomes of commands are all posted to it; it
 * journals each input, steps the engine and runs the resulting commands.
 */
public final class ExecutorRuntime implements ExecutorHandle, ShimConnection.Listener, Task.TaskReporter {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorRuntime.class);
    static final long CHECKPOINT_EVERY = 10_000;

    private final BatonExecutor author;
    private final String executorId;
    private final ShimConnection shim;
    private final LongSupplier clockUs;
    private final GuardedLoop loop;
    private final HookGuard hooks;
    private final CommandRunner commands = new CommandRunner(this);
    private final StatusSender statuses = new StatusSender(this);
    private final Map<String, Task> handles = new HashMap<>();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final Journal journal;
    private JournaledEngine je;
    private boolean subscribed;
    private long appendedAtCheckpoint;

    /** A task-taking hook body that may throw. */
    interface TaskHook<T> {
        T call(Task task) throws Exception;
    }

    public ExecutorRuntime(BatonExecutor author, String executorId, Journal journal, ShimConnection shim,
            LongSupplier clockUs) {
        this(author, executorId, journal, shim, clockUs, HookGuard.newHookThreads());
    }

    /**
     * Hooks run on {@code hookThreads}, which must start each hook at once (a cached pool: a hook's bound is
     * timed from its submission); the runtime owns it from here on and shuts it down on {@link #close()}.
     */
    public ExecutorRuntime(BatonExecutor author, String executorId, Journal journal, ShimConnection shim,
            LongSupplier clockUs, ExecutorService hookThreads) {
        this.author = author;
        this.executorId = executorId;
        this.journal = journal;
        this.shim = shim;
        this.clockUs = clockUs;
        this.loop = shim.ioLoop() != null ? new GuardedLoop(shim.ioLoop(), false)
                : new GuardedLoop(new DriverLoop(executorId), true);
        this.hooks = new HookGuard(loop, hookThreads);
    }

    /** Replays the journal, recovers tasks, then connects to the shim. */
    public ExecutorRuntime start() {
        loop.execute(() -> new Recovery(this).run());
        loop.execute(() -> {
            statuses.start();
            shim.start(this);
        });
        return this;
    }

    // ------------------------------------------------------------------ accessors for the runner and recovery

    BatonExecutor author() {
        return author;
    }

    String executorId() {
        return executorId;
    }

    ShimConnection shim() {
        return shim;
    }

    ScheduledExecutorService loop() {
        return loop;
    }

    Journal journal() {
        return journal;
    }

    JournaledEngine journaled() {
        return je;
    }

    void journaled(JournaledEngine engine) {
        this.je = engine;
    }

    public Engine engine() {
        return je.engine();
    }

    StatusSender statuses() {
        return statuses;
    }

    CommandRunner commands() {
        return commands;
    }

    Map<String, Task> handles() {
        return handles;
    }

    boolean subscribed() {
        return subscribed;
    }

    long now() {
        return clockUs.getAsLong();
    }

    // ------------------------------------------------------------------ engine inputs (on the loop)

    void apply(String rid, Event e) {
        commands.run(je.apply(rid, e));
        maybeCheckpoint();
    }

    void execute(List<Command> cmds) {
        commands.run(cmds);
    }

    /** The author reports a task's state (any thread). */
    @Override
    public void report(String taskId, TaskState state, String message) {
        loop.execute(() -> {
            boolean managed = je.engine().manages(taskId);
            if (!managed && !je.engine().tasks().containsKey(taskId)) {
                // e.g. a replaced task's kill finishing after the replacement reported its outcome
                LOG.debug("executor {}: dropping {} of task {}, which has already ended", executorId, state, taskId);
                return;
            }
            if (!managed) { // recorded first: a crash right after leaves it to be resent, not lost
                statuses.send(statuses.status(taskId, state, message));
            }
            List<Command> cmds = je.taskState(taskId, state, message, now());
            commands.run(cmds); // first: they may still act on the task (e.g. stop a relaunch that raced its end)
            if (io.baton.tasks.TaskStates.isTerminal(state) && !je.engine().tasks().containsKey(taskId)) {
                handles.remove(taskId);
            }
            maybeCheckpoint();
        });
    }

    void resized(String rid, TaskInfo to) {
        handles.put(to.getTaskId().getValue(), new Task(to, this));
        apply(rid, new Event.OldTaskResized(now()));
    }

    /** Best-effort live progress of replacements to the frameworks watching (via the shim). */
    void sendProgress() {
        for (Engine.PhaseChange c : je.engine().drainPhaseChanges()) {
            if (c.to().terminal()) {
                forgetEndedTasks(c.replacement());
            }
            if (subscribed) {
                shim.progress(io.baton.proto.ReplacementProgress.newBuilder()
                        .setReplacementId(CommandRunner.rid(c.replacement().id())).setPhase(c.to().name())
                        .setFromPhase(c.from().name()).setAtUs(c.atUs())
                        .setOldTaskId(io.baton.proto.TaskID.newBuilder().setValue(c.replacement().request().oldTaskId()))
                        .setNewTaskId(io.baton.proto.TaskID.newBuilder().setValue(c.replacement().request().newTaskId()))
                        .build());
            }
        }
    }

    /** Tasks a finished replacement left behind (the replaced or the failed one) need no handle any more. */
    private void forgetEndedTasks(io.baton.sdk.core.Replacement r) {
        for (String id : List.of(r.request().oldTaskId(), r.request().newTaskId())) {
            if (!je.engine().tasks().containsKey(id) && !je.engine().manages(id)) {
                handles.remove(id);
            }
        }
    }

    private void maybeCheckpoint() {
        long appended = journal.stats().appended();
        if (appended - appendedAtCheckpoint >= CHECKPOINT_EVERY) {
            // the next attempt comes CHECKPOINT_EVERY records later even if this one fails: a failing
            // checkpoint retried on every input would cost each input a full checkpoint
            appendedAtCheckpoint = appended;
            try {
                je.checkpoint(now());
            } catch (io.baton.sdk.journal.JournalException e) {
                LOG.error("executor {}: checkpoint failed, retrying after {} more records (until one succeeds, "
                        + "the journal is not trimmed): {}", executorId, CHECKPOINT_EVERY, e.getMessage());
            }
            appendedAtCheckpoint = journal.stats().appended();
        }
    }

    // ------------------------------------------------------------------ hooks

    <T> void hook(String taskId, Hook hook, long boundMs, TaskHook<T> body, Consumer<T> onOk, Consumer<String> onFail) {
        Task t = handles.get(taskId);
        if (t == null) {
            onFail.accept(hook + " of task " + taskId + ": the executor does not know this task");
            return;
        }
        hooks.run(taskId, hook, boundMs, () -> body.call(t), onOk, onFail);
    }

    /** An executor-wide hook (e.g. shrink), guarded and serialized like the per-task ones. */
    void hookForExecutor(Hook hook, Runnable body) {
        hooks.run("(executor)", hook, ShimEvents.HOOK_BOUND_MS, () -> {
            body.run();
            return null;
        }, ok -> { }, msg -> LOG.warn("executor {}: {}", executorId, msg));
    }

    void launchTask(TaskInfo task, long boundMs, Consumer<String> onFail) {
        String id = task.getTaskId().getValue();
        Task t = new Task(task, this);
        handles.put(id, t);
        je.taskKnown(task, TaskState.TASK_STAGING, now());
        hooks.run(id, Hook.LAUNCH, boundMs, () -> {
            author.launch(t);
            return null;
        }, ok -> { }, onFail);
    }

    void killTask(String taskId, long graceMs, long boundMs, Consumer<String> onFail) {
        Task t = handles.get(taskId);
        long grace = graceMs > 0 ? graceMs : t == null || t.info().getKillGracePeriodMs() == 0 ? 3_000
                : t.info().getKillGracePeriodMs();
        hook(taskId, Hook.KILL, Math.max(boundMs, grace + 1_000), task -> {
            author.kill(task, java.time.Duration.ofMillis(grace));
            return null;
        }, ok -> { }, onFail);
    }

    // ------------------------------------------------------------------ the shim

    @Override
    public void connected() {
        loop.execute(() -> new Subscription(this).subscribe());
    }

    void markSubscribed() {
        subscribed = true;
    }

    void subscribedNow() {
        subscribed = true;
        commands.run(je.shimConnected(now()));
        je.outbox().resendAll();
        statuses.pump();
    }

    @Override
    public void disconnected(String why) {
        loop.execute(() -> {
            if (subscribed) {
                LOG.warn("executor {}: {}; reconnecting", executorId, why);
            }
            subscribed = false;
            je.shimDisconnected(now());
        });
    }

    @Override
    public void event(ExecutorEvent e) {
        loop.execute(() -> new ShimEvents(this).handle(e));
    }

    /** The subscription: who this executor is and what it runs, so a restarted shim can rebuild its ledger. */
    ExecutorSubscribe subscription() {
        return Subscription.describe(je.engine(), je.outbox().pending(), executorId, author.overhead());
    }

    // ------------------------------------------------------------------ lifecycle

    void shutdownRequested() {
        shutdown.countDown();
    }

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
                commands.close();
                journal.close();
                loop.stop(); // steps still queued behind this one must not touch the closed journal
            }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("executor {} did not stop cleanly: {}", executorId, e.toString());
        }
        loop.shutdownNow();
        shim.close();
        hooks.close();
    }
}
