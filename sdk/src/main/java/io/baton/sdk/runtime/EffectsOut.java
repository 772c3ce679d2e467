package io.baton.sdk.runtime;

import io.baton.proto.Adjust;
import io.baton.proto.Release;
import io.baton.proto.Reserve;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.Task;
import io.baton.sdk.core.Hook;
import io.baton.sdk.driver.Effect;
import io.baton.sdk.driver.Input;
import io.baton.sdk.transport.ShimRejection;
import io.baton.sdk.transport.ShimUnavailable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the driver's effects through the runtime's ports: the shim connection, the author's hooks
 * (on hook threads, guarded and bounded), timers on the loop, the log. Every outcome comes back to the
 * loop as an {@link Input}. Decides nothing.
 */
final class EffectsOut {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorRuntime.class);

    private final ExecutorRuntime rt;
    /** Whether the author's hooks (but readiness probes) are called on the loop ({@code hooksReturnAtOnce}). */
    private boolean inline;
    /** The hooks called on the loop at least once (their first call is not held to the limit). */
    private final java.util.EnumSet<io.baton.sdk.core.Hook> calledInline = java.util.EnumSet.noneOf(io.baton.sdk.core.Hook.class);

    /** How long an inline hook may take (ms): {@link io.baton.sdk.api.BatonExecutor#inlineHookLimitMs()}. */
    private final long inlineLimitMs;

    /** @param inlineLimitMs the author's {@link BatonExecutor#inlineHookLimitMs()}, checked ({@link #inlineLimitMs}) */
    EffectsOut(ExecutorRuntime rt, long inlineLimitMs) {
        this.rt = rt;
        this.inline = rt.author().hooksReturnAtOnce();
        this.inlineLimitMs = inlineLimitMs;
    }

    /**
     * The author's {@link BatonExecutor#inlineHookLimitMs()}, refused below 1 ms: called before anything starts
     * (by {@link ExecutorBootstrap} and {@link Standby} before the journal is touched, by {@link ExecutorRuntime}
     * before its threads).
     */
    static long inlineLimitMs(BatonExecutor author) {
        long ms = author.inlineHookLimitMs();
        if (ms < 1) {
            throw new IllegalArgumentException(author.getClass().getName() + ".inlineHookLimitMs() returned " + ms
                    + " ms: it must be at least 1 ms (the default is " + BatonExecutor.INLINE_HOOK_LIMIT_MS + ")");
        }
        return ms;
    }

    void carryOut(Effect e) {
        if (e instanceof Effect.Log l) {
            log(l);
        } else if (e instanceof Effect.Call c) {
            call(c);
        } else if (e instanceof Effect.Update u) {
            rt.shim().update(u.status());
        } else if (e instanceof Effect.Progress p) {
            rt.shim().progress(p.progress());
        } else if (e instanceof Effect.RecordedOutcome o) {
            rt.shim().recordedOutcome(o.finalUpdate());
        } else if (e instanceof Effect.RunHook h) {
            hook(h);
        } else if (e instanceof Effect.Arm a) {
            cancel(a.key());
            long delayUs = Math.max(0, a.deadlineUs() - rt.now());
            ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
            self[0] = rt.loop().schedule(() -> {
                if (rt.timers.get(a.key()) == self[0]) {
                    rt.timers.remove(a.key());
                    rt.feed(new Input.TimerFired(a.key(), rt.now()));
                }
            }, delayUs, TimeUnit.MICROSECONDS);
            rt.timers.put(a.key(), self[0]);
        } else if (e instanceof Effect.Cancel c) {
            cancel(c.key());
        } else if (e instanceof Effect.TaskClosed c) {
            rt.handles.remove(c.taskId());
        } else if (e instanceof Effect.TaskRenamed r) {
            Task old = rt.handles.remove(r.fromId());
            Task renamed = rt.handle(r.to(), r.incarnation());
            if (old != null) {
                renamed.attach(old.attachment()); // the author's process or server stays with the task
            }
            rt.handles.put(renamed.id(), renamed);
        } else if (e instanceof Effect.Subscribe s) {
            rt.shim().subscribe(s.subscription()).whenComplete((ok, err) -> {
                if (err == null) {
                    rt.post(new Input.Subscribed(ok.getContainer(), rt.now()));
                    rt.subscribed();
                } else if (cause(err) instanceof ShimRejection rej) {
                    rt.post(new Input.SubscribeRefused(rej.getMessage(), rt.now()));
                } // else the connection is gone: the next one subscribes again
            });
        } else if (e instanceof Effect.Connect) {
            rt.shim().start(rt);
        } else if (e instanceof Effect.AskRecover a) {
            askRecover(a);
        } else if (e instanceof Effect.Shrink s) {
            rt.hooks().run("(executor)", Hook.RESIZE, 60_000, () -> {
                rt.author().shrink(s.targetBytes(), s.usageBytes());
                return null;
            }, ok -> { }, msg -> LOG.warn("executor {}: {}", rt.executorId(), msg));
        } else if (e instanceof Effect.Exit x) {
            LOG.info("executor {}: {}", rt.executorId(), x.reason());
            rt.exit();
        }
    }

    private static void log(Effect.Log l) {
        switch (l.level()) {
            case DEBUG -> LOG.debug(l.message());
            case INFO -> LOG.info(l.message());
            case WARN -> LOG.warn(l.message());
            case ERROR -> LOG.error(l.message());
        }
    }

    private void cancel(io.baton.sdk.driver.TimerKey key) {
        ScheduledFuture<?> f = rt.timers.remove(key);
        if (f != null) {
            f.cancel(false);
        }
    }

    // ------------------------------------------------------------------ shim calls

    private void call(Effect.Call c) {
        CompletableFuture<? extends Object> answer;
        Function<Object, Input.Answer> ok;
        switch (c.kind()) {
            case RESERVE -> {
                answer = rt.shim().reserve((Reserve) c.request());
                ok = v -> Input.Answer.ok(((io.baton.proto.ReservationRecord) v).getPoolList());
            }
            case ADJUST -> {
                answer = rt.shim().adjust((Adjust) c.request());
                ok = v -> Input.Answer.ok(List.of());
            }
            default -> {
                answer = rt.shim().release((Release) c.request());
                ok = v -> Input.Answer.ok(List.of());
            }
        }
        answer.whenComplete((value, error) -> {
            Input.Answer a;
            Throwable cause = cause(error);
            if (cause == null) {
                a = ok.apply(value);
            } else if (cause instanceof ShimRejection rej) {
                a = Input.Answer.rejected(rej.code(), rej.reason());
            } else {
                if (!(cause instanceof ShimUnavailable)) {
                    LOG.error("replacement {}: shim call {} failed: {}", c.replacementId(), c.kind(), cause.toString());
                }
                a = Input.Answer.unavailable(cause.toString());
            }
            rt.post(new Input.Answered(c, a, rt.now()));
        });
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    // ------------------------------------------------------------------ hooks

    private void hook(Effect.RunHook h) {
        Task t = h.hook() == Hook.LAUNCH ? null : rt.handles.get(h.taskId());
        if (t == null) {
            t = rt.handle(h.task(), h.incarnation());
        }
        rt.handles.put(h.taskId(), t);
        Task task = t;
        if (inline && h.hook() != Hook.READINESS && rt.hooks().idle(h.taskId())) {
            inline(h, task);
            return;
        }
        rt.hooks().run(h.taskId(), h.hook(), h.boundMs(), () -> call(h, task),
                value -> rt.feed(new Input.HookReturned(h, Boolean.TRUE.equals(value), null, rt.now())),
                msg -> rt.feed(new Input.HookReturned(h, false, msg, rt.now())));
    }

    private Boolean call(Effect.RunHook h, Task task) throws Exception {
        switch (h.hook()) {
            case LAUNCH -> rt.author().launch(task);
            case KILL -> {
                if (h.successor() == null) {
                    rt.author().kill(task, Duration.ofMillis(h.graceMs()));
                } else {
                    rt.author().kill(task, Duration.ofMillis(h.graceMs()), h.successor());
                }
            }
            case FREEZE -> rt.author().freeze(task);
            case THAW -> rt.author().thaw(task);
            case RESIZE -> rt.author().resize(task, h.task());
            case READINESS -> {
                return rt.author().ready(task);
            }
        }
        return Boolean.TRUE;
    }

    /**
     * The hook on the loop itself (the author says its hooks return at once): no hand-off to a hook thread and
     * back. Its result is a later input, as from a hook thread, never fed within this step. Timed: one that takes
     * longer than the limit ends inline hooks for this executor, unless it was that hook's first call.
     */
    private void inline(Effect.RunHook h, Task task) {
        // the first call of each hook runs cold (its classes and Baton's reporting path load, the interpreter runs
        // them): its time says nothing about whether the hook blocks, so only later calls are held to the limit
        String failure = null;
        long t0 = System.nanoTime();
        try {
            call(h, task);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable ex) {
            failure = h.hook() + " of task " + h.taskId() + " failed: " + ex;
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0); // the hook's time, not Baton's logging
        if (failure != null) {
            LOG.warn(failure);
        }
        if (Thread.interrupted()) { // the loop's thread must not keep an interrupt a hook left on it
            LOG.warn("executor {}: {} of task {} left the driver loop's thread interrupted; cleared", rt.executorId(),
                    h.hook(), h.taskId());
        }
        boolean first = calledInline.add(h.hook());
        if (tookMs > inlineLimitMs && first) {
            LOG.info("executor {}: {} of task {} took {} ms on the driver loop, its first call (cold code: class loading, "
                    + "the interpreter); not held against hooksReturnAtOnce", rt.executorId(), h.hook(), h.taskId(), tookMs);
        } else if (tookMs > inlineLimitMs) {
            inline = false;
            LOG.warn("executor {}: {} of task {} took {} ms on the driver loop, though {} says its hooks return at "
                    + "once (hooksReturnAtOnce; limit {} ms): its hooks run on hook threads from now on",
                    rt.executorId(), h.hook(), h.taskId(), tookMs, rt.author().getClass().getName(), inlineLimitMs);
        }
        rt.post(new Input.HookReturned(h, failure == null, failure, rt.now()));
    }

    /** The author's recover hook, on a hook thread and bounded: a hang is "nothing survived", not a dead executor. */
    private void askRecover(Effect.AskRecover a) {
        List<Task> tasks = new ArrayList<>();
        a.tasks().forEach(held -> {
            Task t = rt.handle(held.info(), held.incarnation());
            rt.handles.put(t.id(), t);
            tasks.add(t);
        });
        rt.hooks().runOnce("the executor's recover hook", ExecutorRuntime.RECOVER_BOUND_MS,
                () -> Set.copyOf(rt.author().recover(tasks)),
                alive -> rt.feed(new Input.Recovered(alive, rt.now())),
                msg -> {
                    LOG.error("{}; treating all {} tasks as lost", msg, tasks.size());
                    rt.feed(new Input.Recovered(Set.of(), rt.now()));
                });
    }
}
