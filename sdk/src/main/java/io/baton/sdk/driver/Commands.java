package io.baton.sdk.driver;

import io.baton.proto.Adjust;
import io.baton.proto.Durability;
import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.Reserve;
import io.baton.proto.ResourceList;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.ReplaceRequest;
import io.baton.sdk.core.Replacement;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The engine's commands turned into effects, and what their outcomes mean: a shim answer, a hook's
 * return or failure, an effect that could not be carried out. Part of {@link ExecutorDriver}.
 */
final class Commands {
    /** Refusals that mean "this connection is not (yet) this executor's": the call is re-issued later. */
    private static final Set<RejectCode> NOT_SUBSCRIBED = EnumSet.of(RejectCode.UNAUTHENTICATED,
            RejectCode.UNKNOWN_EXECUTOR, RejectCode.EXECUTOR_DISCONNECTED);

    private final ExecutorDriver d;
    /**
     * STOP_THEN_START replacements whose request the fsync before their old task's kill put on disk: their new task's
     * launch needs no fsync of its own. Holds replacements from that kill to their launch (one that ends without a
     * launch is dropped at the next fsync).
     */
    private final Set<String> requestSynced = new java.util.HashSet<>();

    Commands(ExecutorDriver d) {
        this.d = d;
    }

    void run(List<Command> commands) {
        for (Command c : commands) {
            run(c);
        }
    }

    private void run(Command c) {
        String rid = c.replacementId();
        if (RecoverySteps.isShimCall(c) && !d.subscribed) {
            return; // re-issued once the executor has re-subscribed (every shim call is idempotent)
        }
        if (c instanceof Command.Reserve r) {
            Reserve.Builder b = Reserve.newBuilder().setReplacementId(rid(rid))
                    .setOldTaskId(TaskID.newBuilder().setValue(r.oldTaskId())).setNewTask(r.newTask())
                    .setConcurrent(r.concurrent());
            r.offerIds().forEach(o -> b.addOfferIds(OfferID.newBuilder().setValue(o)));
            d.emit(new Effect.Call(rid, Effect.CallKind.RESERVE, b.build(), true));
        } else if (c instanceof Command.Adjust a) {
            d.emit(new Effect.Call(rid, Effect.CallKind.ADJUST, Adjust.newBuilder().setReplacementId(rid(rid))
                    .addAllInUse(a.inUse().toProto()).build(), false));
        } else if (c instanceof Command.GiveBack g) {
            d.emit(new Effect.Call(rid, Effect.CallKind.GIVE_BACK, Release.newBuilder().setReplacementId(rid(rid))
                    .setGiveBack(ResourceList.newBuilder().addAllResources(g.resources().toProto())).build(), false));
        } else if (c instanceof Command.Release r) {
            syncIfDurable(rid);
            d.emit(new Effect.Call(rid, Effect.CallKind.RELEASE, Release.newBuilder().setReplacementId(rid(rid))
                    .setKeep(r.keep()).build(), true));
        } else if (c instanceof Command.Kill k) {
            syncIfDurable(rid);
            noteRequestOnDisk(rid);
            kill(rid, k.taskId(), k.gracePeriodMs(), drainBoundMs(rid));
        } else if (c instanceof Command.Launch l) {
            if (!requestOnDisk(rid, l)) {
                syncIfDurable(rid);
            }
            launch(rid, l.task(), startBoundMs(rid));
        } else if (c instanceof Command.Freeze f) {
            hook(rid, f.taskId(), Hook.FREEZE, null, 0, drainBoundMs(rid));
        } else if (c instanceof Command.Thaw t) {
            hook(rid, t.taskId(), Hook.THAW, null, 0, startBoundMs(rid));
        } else if (c instanceof Command.Resize z) {
            hook(rid, z.taskId(), Hook.RESIZE, z.to(), 0, startBoundMs(rid));
        } else if (c instanceof Command.CheckReadiness r) {
            d.readiness.start(r);
        } else if (c instanceof Command.ArmTimer t) {
            d.emit(new Effect.Arm(new TimerKey.Replacement(rid, t.timer()), t.deadlineUs()));
        } else if (c instanceof Command.CancelTimer t) {
            d.emit(new Effect.Cancel(new TimerKey.Replacement(rid, t.timer())));
        } else if (c instanceof Command.Report r) {
            d.send(fromReport(r));
        }
    }

    // ------------------------------------------------------------------ hooks

    /** Launches a task: it becomes known (journaled) before the author's launch runs. */
    void launch(String rid, TaskInfo task, long boundMs) {
        String id = task.getTaskId().getValue();
        long incarnation = d.tasks.launch(id);
        d.je.taskKnown(task, TaskState.TASK_STAGING, d.now);
        d.emit(new Effect.RunHook(rid, id, incarnation, Hook.LAUNCH, task, 0, boundMs, null));
    }

    void kill(String rid, String taskId, long graceMs, long boundMs) {
        TaskInfo info = d.je.engine().taskInfo(taskId);
        long grace = graceMs > 0 ? graceMs : info == null || info.getKillGracePeriodMs() == 0 ? 3_000
                : info.getKillGracePeriodMs();
        hook(rid, taskId, Hook.KILL, null, grace, Math.max(boundMs, grace + 1_000), successor(rid, taskId));
    }

    /**
     * The task a replacement's kill of {@code taskId} makes way for, as the replacement stands after the step that
     * issued the kill (its phase then; a restart's re-issued kills are read the same way): stopping the old task on the way forward (STOP_THEN_START's drain; START_THEN_STOP's and
     * FREEZE_THEN_START's stop once the new task is ready), the new task; stopping the new task in a rollback, the
     * old one, which is started, thawed or kept again. Null for any other kill: outside a replacement, and the
     * stop of a relaunch given up or of an old task that outlived its kill.
     */
    private TaskInfo successor(String rid, String taskId) {
        Replacement r = rid.isEmpty() ? null : d.je.engine().replacement(rid);
        if (r == null) {
            return null;
        }
        ReplaceRequest q = r.request();
        return switch (r.phase()) {
            case DRAINING, STOPPING_OLD -> taskId.equals(q.oldTaskId()) ? q.newTask() : null;
            case ROLLING_BACK -> taskId.equals(q.newTaskId()) ? r.oldTask() : null;
            default -> null;
        };
    }

    /** A hook of a task the executor holds; of any other task it fails at once. */
    void hook(String rid, String taskId, Hook hook, TaskInfo to, long graceMs, long boundMs) {
        hook(rid, taskId, hook, to, graceMs, boundMs, null);
    }

    private void hook(String rid, String taskId, Hook hook, TaskInfo to, long graceMs, long boundMs,
            TaskInfo successor) {
        TaskInfo info = to != null ? to : d.je.engine().taskInfo(taskId);
        Effect.RunHook run = new Effect.RunHook(rid, taskId, d.tasks.incarnation(taskId), hook, info != null ? info
                : TaskInfo.newBuilder().setTaskId(io.baton.proto.TaskID.newBuilder().setValue(taskId)).build(),
                graceMs, boundMs, successor);
        if (!d.tasks.holds(taskId)) {
            String why = hook + " of task " + taskId + ": the executor does not know this task";
            d.log(Effect.Level.WARN, "executor " + d.executorId + ": " + why);
            hookReturned(run, false, why);
            return;
        }
        d.emit(run);
    }

    /** What a hook's return or failure means. */
    void hookReturned(Effect.RunHook run, boolean ready, String failure) {
        String rid = run.replacementId();
        boolean inReplacement = !rid.isEmpty();
        if (run.hook() == Hook.READINESS) {
            d.readiness.answered(rid, ready, failure);
        } else if (failure != null && inReplacement && !d.je.engine().hookConcerns(rid, run.hook(), run.taskId())) {
            d.log(Effect.Level.WARN, "replacement " + rid + ": " + failure + " (no longer what the replacement waits"
                    + " for; ignored)");
        } else if (failure != null && inReplacement) {
            d.apply(rid, new Event.HookFailed(run.hook(), failure, d.now));
        } else if (failure != null && run.hook() == Hook.LAUNCH) {
            d.reported(run.taskId(), run.incarnation(), TaskState.TASK_FAILED, failure);
        } else if (failure != null) {
            d.log(io.baton.sdk.driver.Effect.Level.ERROR, run.hook().name().toLowerCase(java.util.Locale.ROOT)
                    + " of task " + run.taskId() + " failed: " + failure);
        } else if (run.hook() == Hook.FREEZE) {
            d.apply(rid, new Event.OldTaskFrozen(d.now));
        } else if (run.hook() == Hook.THAW) {
            d.reported(run.taskId(), run.incarnation(), TaskState.TASK_RUNNING, "thawed");
        } else if (run.hook() == Hook.RESIZE) {
            d.tasks.rename(run.taskId(), run.task().getTaskId().getValue());
            d.emit(new Effect.TaskRenamed(run.taskId(), run.task(), d.tasks.incarnation(run.task().getTaskId().getValue())));
            d.apply(rid, new Event.OldTaskResized(d.now));
        }
    }

    // ------------------------------------------------------------------ shim answers

    void answered(Effect.Call call, Input.Answer answer) {
        String rid = call.replacementId();
        if (call.kind() == Effect.CallKind.GIVE_BACK || call.kind() == Effect.CallKind.ADJUST) {
            // nothing waits for these: the container holds the whole pool from the RESERVE on
            if (answer.kind() != Input.Answer.Kind.OK) {
                d.log(Effect.Level.WARN, (call.kind() == Effect.CallKind.ADJUST ? "recording what replacement " + rid
                        + " uses" : "giving back resources of replacement " + rid) + " failed: " + answer.message()
                        + " (the re-subscription reports the pool)");
            }
            return;
        }
        switch (answer.kind()) {
            case OK -> d.apply(rid, accepted(call.kind(), answer));
            case UNAVAILABLE -> {
                // nothing happens: the call is re-issued when the executor re-subscribes
            }
            case REJECTED -> {
                if (NOT_SUBSCRIBED.contains(answer.code())) {
                    d.log(Effect.Level.DEBUG, "replacement " + rid + ": shim call before the subscription took: "
                            + answer.message());
                    return;
                }
                Event e = rejected(call.kind(), answer);
                if (e != null) {
                    d.apply(rid, e);
                } else {
                    d.log(Effect.Level.ERROR, "replacement " + rid + ": the shim refused " + call.kind() + ": "
                            + answer.code() + " " + answer.message());
                }
            }
        }
    }

    private Event accepted(Effect.CallKind kind, Input.Answer answer) {
        return switch (kind) {
            case RESERVE -> new Event.ReserveAccepted(Resources.fromProto(answer.pool()), d.now);
            default -> new Event.Released(d.now);
        };
    }

    private Event rejected(Effect.CallKind kind, Input.Answer answer) {
        return switch (kind) {
            case RESERVE -> new Event.ReserveRejected(answer.code(), answer.message(), d.now);
            default -> answer.code() == RejectCode.UNKNOWN_RESERVATION ? new Event.Released(d.now) : null;
        };
    }

    /**
     * An effect that threw while being carried out: a hook counts as failed, a shim call as refused (so no
     * replacement waits for a timer because of it); anything else is logged.
     */
    void effectFailed(Effect effect, String error) {
        if (effect instanceof Effect.RunHook run) {
            hookReturned(run, false, run.hook() + " of task " + run.taskId() + " could not be started: " + error);
        } else if (effect instanceof Effect.Call call && call.answerWanted()) {
            answered(call, Input.Answer.rejected(RejectCode.INTERNAL, call.kind() + " could not be sent: " + error));
        } else {
            d.log(Effect.Level.ERROR, "executor " + d.executorId + ": " + effect.getClass().getSimpleName()
                    + " failed: " + error);
        }
    }

    // ------------------------------------------------------------------ helpers

    TaskStatus fromReport(Command.Report r) {
        TaskStatus.Builder b = d.status(r.taskId(), r.state(), r.message()).toBuilder().setReason(r.reason())
                .setReplacementId(rid(r.replacementId())).setRelatedTaskId(TaskID.newBuilder()
                        .setValue(r.relatedTaskId()));
        if (r.timings() != null) {
            b.setTimings(r.timings().toProto());
        }
        if (r.outcome() != null) {
            b.setOutcome(ReplacementOutcome.valueOf(r.outcome().name()));
        }
        return b.build();
    }

    /** SYNC durability: what was journaled reaches the disk before an irreversible command. */
    private void syncIfDurable(String rid) {
        Replacement r = d.je.engine().replacement(rid);
        if (r == null || r.request().policy().durability() == Durability.SYNC) {
            d.journal.sync();
            requestSynced.removeIf(id -> {
                Replacement o = d.je.engine().replacement(id);
                return o == null || o.phase().terminal();
            });
        }
    }

    /** After the fsync before a SYNC STOP_THEN_START's kill of its old task: its request is on disk. */
    private void noteRequestOnDisk(String rid) {
        Replacement r = d.je.engine().replacement(rid);
        if (r != null && r.phase() == io.baton.sdk.core.Phase.DRAINING
                && r.request().policy().strategy() == io.baton.proto.ReplaceStrategy.STOP_THEN_START
                && r.request().policy().durability() == Durability.SYNC) {
            requestSynced.add(rid);
        }
    }

    /**
     * Whether this launch is a replacement's launch of its new task after the replacement's request reached the disk
     * (the fsync before its kill): then the launch needs no fsync of its own. What SYNC protects against is the
     * machine's crash, which ends every task with it; recovery then asks the author about both tasks of every
     * replacement the journal on disk holds unfinished, and the records between that fsync and the launch (the old
     * task's end, the handoff) are what recovery makes again from the old task found not running, exactly as after
     * a process crash before the old task's end was journaled. No status update goes out in between (the
     * replacement's next one follows another fsync: before its release, or a rollback's kill or relaunch); only
     * progress frames (best effort, never journaled) and the Adjust (and with IMMEDIATE, the GiveBack) to the shim,
     * which recovery makes again with the same amounts.
     * So the new task starts the moment the old one has ended, with no fsync between ({@code MachineCrashTest}
     * crashes the machine after every step of such a replacement and recovers from what was fsynced).
     */
    private boolean requestOnDisk(String rid, Command.Launch l) {
        Replacement r = d.je.engine().replacement(rid);
        return r != null && r.phase() == io.baton.sdk.core.Phase.LAUNCHING
                && l.task().getTaskId().getValue().equals(r.request().newTaskId()) && requestSynced.remove(rid);
    }

    private long drainBoundMs(String rid) {
        Replacement r = d.je.engine().replacement(rid);
        return r == null ? 30_000 : r.request().policy().drainTimeoutUs() / 1000;
    }

    private long startBoundMs(String rid) {
        Replacement r = d.je.engine().replacement(rid);
        return r == null ? 60_000 : r.request().policy().startTimeoutUs() / 1000;
    }

    static ReplacementID rid(String id) {
        return ReplacementID.newBuilder().setValue(id).build();
    }
}
