package io.baton.sdk.driver;

import io.baton.proto.EngineEvent;
import io.baton.proto.ExecutorCondition;
import io.baton.proto.JournalRecord;
import io.baton.proto.OfferID;
import io.baton.proto.ReplaceRequested;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskLaunched;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStateChanged;
import io.baton.resources.Resources;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Policy;
import io.baton.sdk.core.ReplaceRequest;
import io.baton.sdk.core.Timer;
import java.util.ArrayList;
import java.util.List;

/** Engine inputs to journal records and back. Every field the engine reads survives the round trip. */
final class JournalCodec {
    private JournalCodec() {
    }

    static JournalRecord requested(ReplaceRequest r, io.baton.sdk.core.Engine.Decision d) {
        JournalRecord rec = requested(r);
        ReplaceRequested.Builder q = rec.getReplaceRequested().toBuilder().setReadiness(d.readiness().name())
                .setReadinessDetail(d.detail());
        if (d.shimPool() != null) {
            q.setReservedByShim(true).addAllShimPool(d.shimPool().toProto());
        }
        return rec.toBuilder().setReplaceRequested(q).build();
    }

    static JournalRecord requested(ReplaceRequest r) {
        ReplaceRequested.Builder b = ReplaceRequested.newBuilder().setRequest(r.call()).setOldTask(r.oldTask())
                .setRequestedAtUs(r.requestedAtUs());
        return JournalRecord.newBuilder().setTimeUs(r.requestedAtUs()).setReplaceRequested(b).build();
    }

    /** What the executor decided on arrival, as journaled (null for a record from before decisions were). */
    static io.baton.sdk.core.Engine.Decision decision(ReplaceRequested q) {
        if (q.getReadiness().isEmpty()) {
            return null;
        }
        io.baton.sdk.core.Engine.Decision d = new io.baton.sdk.core.Engine.Decision(
                io.baton.sdk.core.Readiness.valueOf(q.getReadiness()), q.getReadinessDetail());
        return q.getReservedByShim() ? d.reservedByShim(Resources.fromProto(q.getShimPoolList())) : d;
    }

    static ReplaceRequest request(ReplaceRequested q) {
        TaskInfo old = q.hasOldTask() ? q.getOldTask()
                : TaskInfo.newBuilder().setTaskId(q.getRequest().getOldTaskId()).build();
        return new ReplaceRequest(q.getRequest(), old, q.getRequestedAtUs());
    }

    static JournalRecord event(String rid, Event e) {
        EngineEvent.Builder b = EngineEvent.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setAtUs(e.atUs());
        if (e instanceof Event.ReserveAccepted a) {
            b.setKind(EngineEvent.Kind.RESERVE_ACCEPTED).addAllPool(a.pool().toProto());
        } else if (e instanceof Event.ReserveRejected r) {
            b.setKind(EngineEvent.Kind.RESERVE_REJECTED).setCode(r.code()).setMessage(r.message());
        } else if (e instanceof Event.OldTaskFrozen) {
            b.setKind(EngineEvent.Kind.OLD_TASK_FROZEN);
        } else if (e instanceof Event.OldTaskResized) {
            b.setKind(EngineEvent.Kind.OLD_TASK_RESIZED);
        } else if (e instanceof Event.NewTaskReady) {
            b.setKind(EngineEvent.Kind.NEW_TASK_READY);
        } else if (e instanceof Event.HookFailed h) {
            b.setKind(EngineEvent.Kind.HOOK_FAILED).setHook(EngineEvent.Hook.valueOf(h.hook().name()))
                    .setMessage(h.message());
        } else if (e instanceof Event.TimerFired t) {
            b.setKind(EngineEvent.Kind.TIMER_FIRED).setTimer(EngineEvent.Timer.valueOf(t.timer().name()));
        } else if (e instanceof Event.Released) {
            b.setKind(EngineEvent.Kind.RELEASED);
        } else {
            throw new IllegalArgumentException(e.getClass().getSimpleName()
                    + " is not journaled as an engine event; it is derived from another record");
        }
        return JournalRecord.newBuilder().setTimeUs(e.atUs()).setEngineEvent(b).build();
    }

    static Event event(EngineEvent e) {
        long at = e.getAtUs();
        return switch (e.getKind()) {
            case RESERVE_ACCEPTED -> new Event.ReserveAccepted(Resources.fromProto(e.getPoolList()), at);
            case RESERVE_REJECTED -> new Event.ReserveRejected(e.getCode(), e.getMessage(), at);
            // written by versions whose replacements waited for the shim's ADJUST answer; the engine follows
            // its own Adjust now and drops these as late news
            case CONTAINER_ADJUSTED, ADJUST_REJECTED -> new Event.ContainerAdjusted(at);
            case OLD_TASK_FROZEN -> new Event.OldTaskFrozen(at);
            case OLD_TASK_RESIZED -> new Event.OldTaskResized(at);
            case NEW_TASK_READY -> new Event.NewTaskReady(at);
            case HOOK_FAILED -> new Event.HookFailed(Hook.valueOf(e.getHook().name()), e.getMessage(), at);
            case TIMER_FIRED -> new Event.TimerFired(Timer.valueOf(e.getTimer().name()), at);
            case RELEASED -> new Event.Released(at);
            default -> throw new IllegalArgumentException("journal record has an unknown engine event kind "
                    + e.getKindValue() + "; was it written by a newer version?");
        };
    }

    static JournalRecord taskState(String taskId, TaskState state, String message, long atUs) {
        return JournalRecord.newBuilder().setTimeUs(atUs).setTaskState(TaskStateChanged.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(taskId)).setState(state).setMessage(message).setAtUs(atUs))
                .build();
    }

    static JournalRecord taskKnown(TaskInfo task, TaskState state, long atUs) {
        return JournalRecord.newBuilder().setTimeUs(atUs).setTaskLaunched(TaskLaunched.newBuilder().setTask(task)
                .setState(state)).build();
    }

    static JournalRecord condition(ExecutorCondition.Kind kind, long atUs) {
        return JournalRecord.newBuilder().setTimeUs(atUs).setCondition(ExecutorCondition.newBuilder().setKind(kind)
                .setAtUs(atUs)).build();
    }
}
