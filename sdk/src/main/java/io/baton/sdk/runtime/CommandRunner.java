package io.baton.sdk.runtime;

import io.baton.proto.Durability;
import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.ResourceList;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Replacement;
import io.baton.sdk.transport.ShimRejection;
import io.baton.sdk.transport.ShimUnavailable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes the engine's commands, in order, on the driver loop: shim calls, guarded author hooks,
 * timers, readiness checks and status updates. Each outcome comes back as an engine event.
 */
final class CommandRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

    /** Refusals that mean "this connection is not (yet) this executor's": the call is re-issued later. */
    private static final java.util.Set<RejectCode> NOT_SUBSCRIBED = java.util.EnumSet.of(RejectCode.UNAUTHENTICATED,
            RejectCode.UNKNOWN_EXECUTOR, RejectCode.EXECUTOR_DISCONNECTED);

    private final ExecutorRuntime rt;
    private final Map<String, ScheduledFuture<?>> timers = new HashMap<>();

    CommandRunner(ExecutorRuntime rt) {
        this.rt = rt;
    }

    void run(List<Command> commands) {
        for (Command c : commands) {
            try {
                run(c);
            } catch (RuntimeException e) {
                LOG.error("command {} failed: {}", c, e.toString());
            }
        }
        rt.sendProgress(); // after: a finished replacement's last commands may still need its tasks' handles
    }

    private void run(Command c) {
        if (Recovery.isShimCall(c) && !rt.subscribed()) {
            return; // re-issued once the executor has re-subscribed (every shim call is idempotent)
        }
        if (c instanceof Command.Reserve r) {
            io.baton.proto.Reserve.Builder b = io.baton.proto.Reserve.newBuilder().setReplacementId(rid(r.replacementId()))
                    .setOldTaskId(TaskID.newBuilder().setValue(r.oldTaskId())).setNewTask(r.newTask())
                    .setConcurrent(r.concurrent());
            r.offerIds().forEach(o -> b.addOfferIds(OfferID.newBuilder().setValue(o)));
            shimCall(r.replacementId(), rt.shim().reserve(b.build()),
                    ok -> new Event.ReserveAccepted(Resources.fromProto(ok.getPoolList()), rt.now()),
                    rej -> new Event.ReserveRejected(rej.code(), rej.reason(), rt.now()));
        } else if (c instanceof Command.Adjust a) {
            shimCall(a.replacementId(), rt.shim().adjust(io.baton.proto.Adjust.newBuilder().setReplacementId(
                    rid(a.replacementId())).addAllInUse(a.inUse().toProto()).build()),
                    ok -> new Event.ContainerAdjusted(rt.now()), rej -> new Event.AdjustRejected(rej.reason(), rt.now()));
        } else if (c instanceof Command.GiveBack g) {
            rt.shim().release(Release.newBuilder().setReplacementId(rid(g.replacementId())).setGiveBack(ResourceList
                    .newBuilder().addAllResources(g.resources().toProto())).build()).whenComplete((ok, err) -> {
                        if (err != null) {
                            LOG.warn("giving back {} of replacement {} failed: {}", g.resources(), g.replacementId(),
                                    err.toString());
                        }
                    });
        } else if (c instanceof Command.Release r) {
            syncIfDurable(r.replacementId());
            shimCall(r.replacementId(), rt.shim().release(Release.newBuilder().setReplacementId(rid(r.replacementId()))
                    .setKeep(r.keep()).build()), ok -> new Event.Released(rt.now()),
                    rej -> rej.code() == RejectCode.UNKNOWN_RESERVATION ? new Event.Released(rt.now()) : null);
        } else if (c instanceof Command.Kill k) {
            syncIfDurable(k.replacementId());
            rt.killTask(k.taskId(), k.gracePeriodMs(), drainBound(k.replacementId()),
                    msg -> rt.apply(k.replacementId(), new Event.HookFailed(Hook.KILL, msg, rt.now())));
        } else if (c instanceof Command.Launch l) {
            syncIfDurable(l.replacementId());
            rt.launchTask(l.task(), startBound(l.replacementId()),
                    msg -> rt.apply(l.replacementId(), new Event.HookFailed(Hook.LAUNCH, msg, rt.now())));
        } else if (c instanceof Command.Freeze f) {
            rt.hook(f.taskId(), Hook.FREEZE, drainBound(f.replacementId()), t -> {
                rt.author().freeze(t);
                return null;
            }, ok -> rt.apply(f.replacementId(), new Event.OldTaskFrozen(rt.now())),
                    msg -> rt.apply(f.replacementId(), new Event.HookFailed(Hook.FREEZE, msg, rt.now())));
        } else if (c instanceof Command.Thaw t) {
            rt.hook(t.taskId(), Hook.THAW, startBound(t.replacementId()), task -> {
                rt.author().thaw(task);
                return null;
            }, ok -> rt.report(t.taskId(), TaskState.TASK_RUNNING, "thawed"),
                    msg -> rt.apply(t.replacementId(), new Event.HookFailed(Hook.THAW, msg, rt.now())));
        } else if (c instanceof Command.Resize z) {
            rt.hook(z.taskId(), Hook.RESIZE, startBound(z.replacementId()), t -> {
                rt.author().resize(t, z.to());
                return null;
            }, ok -> rt.resized(z.replacementId(), z.to()),
                    msg -> rt.apply(z.replacementId(), new Event.HookFailed(Hook.RESIZE, msg, rt.now())));
        } else if (c instanceof Command.CheckReadiness r) {
            new ReadinessLoop(rt, r).start();
        } else if (c instanceof Command.ArmTimer t) {
            String key = t.replacementId() + "/" + t.timer();
            cancel(key);
            long delayUs = Math.max(0, t.deadlineUs() - rt.now());
            timers.put(key, rt.loop().schedule(() -> {
                timers.remove(key);
                rt.apply(t.replacementId(), new Event.TimerFired(t.timer(), rt.now()));
            }, delayUs, TimeUnit.MICROSECONDS));
        } else if (c instanceof Command.CancelTimer t) {
            cancel(t.replacementId() + "/" + t.timer());
        } else if (c instanceof Command.Report r) {
            rt.statuses().send(rt.statuses().fromReport(r));
        }
    }

    private void cancel(String key) {
        ScheduledFuture<?> f = timers.remove(key);
        if (f != null) {
            f.cancel(false);
        }
    }

    /**
     * A shim call whose answer becomes an event. While the shim is unreachable nothing happens: the
     * call (a Reserve, Adjust or Release of a replacement in flight) is re-issued when the executor
     * re-subscribes; a lost give-back is reconciled by the re-subscription, which reports the pool.
     */
    private <T> void shimCall(String rid, CompletableFuture<T> call, Function<T, Event> ok,
            Function<ShimRejection, Event> rejected) {
        call.whenComplete((value, error) -> rt.loop().execute(() -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause == null) {
                rt.apply(rid, ok.apply(value));
            } else if (cause instanceof ShimRejection rej && NOT_SUBSCRIBED.contains(rej.code())) {
                LOG.debug("replacement {}: shim call before the subscription took: {}", rid, rej.getMessage());
            } else if (cause instanceof ShimRejection rej) {
                Event e = rejected.apply(rej);
                if (e != null) {
                    rt.apply(rid, e);
                } else {
                    LOG.error("replacement {}: the shim refused: {}", rid, rej.getMessage());
                }
            } else if (!(cause instanceof ShimUnavailable)) {
                LOG.error("replacement {}: shim call failed: {}", rid, cause.toString());
            }
        }));
    }

    /** SYNC durability: what was journaled reaches the disk before an irreversible command. */
    private void syncIfDurable(String rid) {
        Replacement r = rt.engine().replacement(rid);
        if (r == null || r.request().policy().durability() == Durability.SYNC) {
            rt.journal().sync();
        }
    }

    private long drainBound(String rid) {
        Replacement r = rt.engine().replacement(rid);
        return r == null ? 30_000 : r.request().policy().drainTimeoutUs() / 1000;
    }

    private long startBound(String rid) {
        Replacement r = rt.engine().replacement(rid);
        return r == null ? 60_000 : r.request().policy().startTimeoutUs() / 1000;
    }

    static ReplacementID rid(String id) {
        return ReplacementID.newBuilder().setValue(id).build();
    }

    void close() {
        timers.values().forEach(f -> f.cancel(false));
        timers.clear();
    }
}
