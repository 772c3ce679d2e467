package io.baton.shim.core;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkEvent;
import io.baton.proto.Keep;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.RejectCode;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.Ids;
import io.baton.ledger.Ledger;
import io.baton.ledger.ReservationView;
import io.baton.ledger.Verdict;
import java.util.ArrayList;
import java.util.List;

/** The executor API: UPDATE, RESERVE, ADJUST, RELEASE, PROGRESS, HEARTBEAT (SUBSCRIBE is {@link Subscriptions}). */
final class ExecutorCalls {
    private final CoreState s;
    private final Subscriptions subscriptions;

    ExecutorCalls(CoreState s, Subscriptions subscriptions) {
        this.s = s;
        this.subscriptions = subscriptions;
    }

    void on(Input.ExecutorCalled in) {
        ExecutorCall call = in.call();
        long cid = call.getCorrelationId();
        CoreState.ExecutorConn c = s.executorConns.computeIfAbsent(in.conn(),
                k -> new CoreState.ExecutorConn(in.pid(), in.uid()));
        if (call.getCallCase() == ExecutorCall.CallCase.SUBSCRIBE) {
            subscriptions.subscribe(in, c);
            return;
        }
        if (call.getCallCase() == ExecutorCall.CallCase.CALL_NOT_SET) {
            s.reject(in.conn(), cid, RejectCode.MALFORMED, "the call is empty: set one of subscribe, update, reserve, "
                    + "adjust, release, heartbeat");
            return;
        }
        if (c.executorId == null) {
            s.reject(in.conn(), cid, RejectCode.UNAUTHENTICATED, "SUBSCRIBE first: this connection has no executor id yet");
            return;
        }
        String exec = c.executorId;
        switch (call.getCallCase()) {
            case UPDATE -> update(in.conn(), cid, exec, call);
            case RESERVE -> reserve(in, exec);
            case ADJUST -> adjust(in.conn(), cid, exec, call);
            case RELEASE -> release(in.conn(), cid, exec, call.getRelease());
            case HEARTBEAT -> s.accepted(in.conn(), cid);
            case PROGRESS -> progress(in.conn(), cid, exec, call);
            case RECORDED_OUTCOME -> recordedOutcome(in.conn(), cid, exec, call);
            default -> s.reject(in.conn(), cid, RejectCode.MALFORMED, "unsupported call " + call.getCallCase());
        }
    }

    private void update(long conn, long cid, String exec, ExecutorCall call) {
        // the executor id on a relayed status is always the caller's, whatever the message said
        TaskStatus status = call.getUpdate().getStatus().toBuilder()
                .setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(exec)).build();
        if (status.getUuid().size() != 16) {
            s.reject(conn, cid, RejectCode.MALFORMED, "status update for task " + Ids.printable(status.getTaskId()
                    .getValue()) + " must carry a 16-byte uuid, got " + status.getUuid().size() + " bytes");
            return;
        }
        Verdict<Ledger.StatusEffect> v = s.ledger.recordStatus(exec, status);
        if (v instanceof Verdict.Rejected<Ledger.StatusEffect> r) {
            s.reject(conn, cid, r.code(), r.message());
            return;
        }
        if (v.value().freed()) {
            s.emit(new Effect.ApplyLimits(s.request(new Pending.UpdateLimits(conn, cid, call.getQuiet(), exec,
                    v.value().limits(), status)), exec, v.value().limits(), false));
            return;
        }
        relayUpdate(conn, cid, call.getQuiet(), status, null);
    }

    /**
     * The rest of UPDATE: the container's failure to shrink (if any) first, then the relay and the answer (none to
     * a quiet call).
     */
    void relayUpdate(long conn, long cid, boolean quiet, TaskStatus status, String failure) {
        s.isolatorError(conn, failure);
        if (status.hasReplacementId()) {
            s.mail.confirmed(status.getReplacementId().getValue());
        }
        s.board.updated(status, s.replaces.get(status.getReplacementId().getValue()));
        s.publish(FrameworkEvent.newBuilder().setUpdate(status).build());
        s.emit(new Effect.StatusRelayed(status));
        if (!quiet) {
            s.accepted(conn, cid);
        }
    }

    /** Whether {@code s} is a phase's name, {@code [A-Z_]{min,32}} (checked per progress frame: no regex). */
    static boolean phaseName(String s, int min) {
        if (s.length() < min || s.length() > 32) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 'A' || c > 'Z') && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** Live progress of a replacement of the caller's: relayed to frameworks as it is, with the caller's id. */
    private void progress(long conn, long cid, String exec, ExecutorCall call) {
        var p = call.getProgress();
        String bad = Ids.checkObject("replacement id", p.getReplacementId().getValue());
        if (bad == null && !(phaseName(p.getPhase(), 1) && phaseName(p.getFromPhase(), 0))) {
            bad = "phase '" + Ids.printable(p.getPhase()) + "' is not a phase name (A-Z and _, at most 32)";
        }
        if (bad != null) {
            s.reject(conn, cid, RejectCode.MALFORMED, "progress refused: " + bad);
            return;
        }
        for (String task : List.of(p.getOldTaskId().getValue(), p.getNewTaskId().getValue())) {
            String owner = task.isEmpty() ? null : s.ledger.ownerOf(task);
            if (owner != null && !owner.equals(exec)) {
                s.reject(conn, cid, RejectCode.NOT_OWNER, "task " + task + " belongs to executor " + owner);
                return;
            }
        }
        var relayed = p.toBuilder().setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(exec)).build();
        s.board.progressed(relayed);
        s.publishProgress(FrameworkEvent.newBuilder().setProgress(relayed).build());
        if (!call.getQuiet()) {
            s.accepted(conn, cid);
        }
    }

    /** A retry of an ended replacement, answered by its executor: relayed as an outcome, the ledger untouched. */
    private void recordedOutcome(long conn, long cid, String exec, ExecutorCall call) {
        TaskStatus f = call.getRecordedOutcome().getFinalUpdate();
        String bad = Ids.checkObject("replacement id", f.getReplacementId().getValue());
        if (bad == null) {
            bad = Ids.checkObject("task id", f.getTaskId().getValue());
        }
        if (bad == null && f.getOutcome() == io.baton.proto.ReplacementOutcome.OUTCOME_UNSPECIFIED) {
            bad = "it carries no outcome";
        }
        if (bad != null) {
            s.reject(conn, cid, RejectCode.MALFORMED, "recorded outcome refused: " + bad);
            return;
        }
        String owner = s.ledger.ownerOf(f.getTaskId().getValue());
        if (owner != null && !owner.equals(exec)) {
            s.reject(conn, cid, RejectCode.NOT_OWNER, "task " + f.getTaskId().getValue() + " belongs to executor " + owner);
            return;
        }
        s.publish(FrameworkEvent.newBuilder().setOutcome(f.toBuilder()
                .setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(exec))).build());
        s.accepted(conn, cid);
    }

    private void reserve(Input.ExecutorCalled in, String exec) {
        var reserve = in.call().getReserve();
        String rid = reserve.getReplacementId().getValue();
        s.mail.confirmed(rid);
        CoreState.ReserveUnderWay going = s.reservesUnderWay.get(rid);
        if (going != null && going.executorId().equals(exec) && going.call().equals(reserve)) {
            going.retries().add(new long[] {in.conn(), in.call().getCorrelationId()}); // answered with the first
            return;
        }
        if (going == null) {
            s.reservesUnderWay.put(rid, new CoreState.ReserveUnderWay(exec, reserve, new ArrayList<>(),
                    new ArrayList<>()));
        }
        s.emit(new Effect.RequestGrant(s.request(new Pending.ReserveGrant(in.conn(), in.call().getCorrelationId(), exec,
                reserve, in.nowUs())), exec, reserve));
    }

    /**
     * The rest of RESERVE once granted: the ledger books the pool, and the container grows to hold all of it before
     * the answer (so the new task's launch never waits for the container again).
     */
    void granted(Pending.ReserveGrant p, String refusal) {
        if (refusal != null) {
            rejectReserve(p.conn(), p.cid(), p.executorId(), p.reserve(), RejectCode.INSUFFICIENT_RESOURCES,
                    "replacement " + p.reserve().getReplacementId().getValue() + " was not granted its resources: "
                            + refusal);
            return;
        }
        Verdict<ReservationView> v = s.ledger.reserve(p.executorId(), p.reserve(), p.nowUs());
        if (v instanceof Verdict.Rejected<ReservationView> r) {
            rejectReserve(p.conn(), p.cid(), p.executorId(), p.reserve(), r.code(), r.message());
            return;
        }
        Resources limits = s.ledger.limitsOf(p.executorId());
        s.emit(new Effect.ApplyLimits(s.request(new Pending.ReserveLimits(p.conn(), p.cid(), p.executorId(), limits,
                p.reserve(), v.value())), p.executorId(), limits, false));
    }

    /**
     * RESERVE booked and the container sized for its pool: answered. A container that cannot grow undoes the
     * reservation and is set back to the ledger's limits (the failed apply may have changed part of it).
     */
    void reserveLimits(Pending.ReserveLimits p, Input.LimitsApplied a) {
        String failure = s.limitsFailure(p.executorId(), p.limits(), a.failure());
        if (failure != null) {
            String rid = p.reservation().replacementId();
            s.ledger.release(p.executorId(), Release.newBuilder().setReplacementId(ReplacementID.newBuilder()
                    .setValue(rid)).setKeep(Keep.KEEP_OLD).build());
            Resources back = s.ledger.limitsOf(p.executorId());
            s.emit(new Effect.ApplyLimits(s.request(new Pending.RestoreLimits(p.executorId(), back)), p.executorId(),
                    back, false));
            rejectReserve(p.conn(), p.cid(), p.executorId(), p.reserve(), RejectCode.ISOLATOR_FAILED, "replacement "
                    + rid + " was not reserved: " + failure);
            return;
        }
        CoreState.ReserveUnderWay going = finished(p.executorId(), p.reserve());
        for (long[] to : withRetries(p.conn(), p.cid(), going)) {
            s.reply(to[0], ExecutorResponse.newBuilder().setCorrelationId(to[1]).setReserved(p.reservation().toRecord())
                    .build());
        }
        releaseWaiting(p.executorId(), going);
    }

    private void rejectReserve(long conn, long cid, String exec, io.baton.proto.Reserve call, RejectCode code,
            String message) {
        CoreState.ReserveUnderWay going = finished(exec, call);
        for (long[] to : withRetries(conn, cid, going)) {
            s.reject(to[0], to[1], code, message);
        }
        releaseWaiting(exec, going);
    }

    /** The RESERVE {@code call} of {@code exec} is answered: no longer under way (null if it was not this one). */
    private CoreState.ReserveUnderWay finished(String exec, io.baton.proto.Reserve call) {
        String rid = call.getReplacementId().getValue();
        CoreState.ReserveUnderWay going = s.reservesUnderWay.get(rid);
        if (going != null && going.executorId().equals(exec) && going.call().equals(call)) {
            s.reservesUnderWay.remove(rid);
            return going;
        }
        return null;
    }

    /** The RESERVE's own connection and correlation id, and those of the same RESERVE sent again meanwhile. */
    private static List<long[]> withRetries(long conn, long cid, CoreState.ReserveUnderWay going) {
        List<long[]> out = new ArrayList<>();
        out.add(new long[] {conn, cid});
        if (going != null) {
            out.addAll(going.retries());
        }
        return out;
    }

    /** A RELEASE waits while its replacement's RESERVE is under way ({@link CoreState#reservesUnderWay}). */
    private void release(long conn, long cid, String exec, io.baton.proto.Release call) {
        CoreState.ReserveUnderWay going = s.reservesUnderWay.get(call.getReplacementId().getValue());
        if (going != null && going.executorId().equals(exec)) {
            going.releases().add(new CoreState.WaitingRelease(conn, cid, call));
            return;
        }
        withLimits(conn, cid, exec, s.ledger.release(exec, call), true);
    }

    /** The RELEASEs that waited for the RESERVE just answered, in the order they came. */
    private void releaseWaiting(String exec, CoreState.ReserveUnderWay going) {
        if (going != null) {
            for (CoreState.WaitingRelease w : going.releases()) {
                withLimits(w.conn(), w.cid(), exec, s.ledger.release(exec, w.call()), true);
            }
        }
    }

    private void adjust(long conn, long cid, String exec, ExecutorCall call) {
        Resources inUse;
        try {
            inUse = Resources.fromProto(call.getAdjust().getInUseList());
        } catch (IllegalArgumentException e) {
            s.reject(conn, cid, RejectCode.INVALID_RESOURCES, "adjust in_use is invalid: " + e.getMessage());
            return;
        }
        withLimits(conn, cid, exec, s.ledger.adjust(exec, call.getAdjust().getReplacementId().getValue(), inUse), false);
    }

    private void withLimits(long conn, long cid, String exec, Verdict<Resources> v, boolean release) {
        if (v instanceof Verdict.Rejected<Resources> r) {
            s.reject(conn, cid, r.code(), r.message());
            return;
        }
        s.emit(new Effect.ApplyLimits(s.request(new Pending.AnswerLimits(conn, cid, exec, v.value(), release)), exec,
                v.value(), false));
    }

    /** The ledger has changed: answer with it, and report a container that could not follow separately. */
    void answerLimits(Pending.AnswerLimits p, Input.LimitsApplied a) {
        String failure = s.limitsFailure(p.executorId(), p.limits(), a.failure());
        io.baton.proto.ContainerLimits limits = io.baton.proto.ContainerLimits.newBuilder()
                .addAllLimits(p.limits().toProto()).setMemoryShrinkPending(a.shrinkPending()).build();
        ExecutorResponse.Builder b = ExecutorResponse.newBuilder().setCorrelationId(p.cid());
        s.reply(p.conn(), (p.release() ? b.setReleased(limits) : b.setAdjusted(limits)).build());
        s.isolatorError(p.conn(), failure);
    }

    /** The isolator's memory events for an executor, sent if it is connected. */
    void shrinkRequested(Input.ShrinkRequested in) {
        s.note(Effect.Note.Level.INFO, "executor " + in.executorId() + " uses " + in.usageBytes() + " bytes, above its "
                + "new memory limit " + in.targetBytes() + "; asked it to shrink");
        s.sendIfConnected(in.executorId(), ExecutorEvent.newBuilder().setShrink(io.baton.proto.ShrinkEvent.newBuilder()
                .setTargetBytes(in.targetBytes()).setUsageBytes(in.usageBytes()).setDeadlineUs(in.deadlineUs())).build());
    }

    void shrinkFailed(Input.ShrinkFailed in) {
        s.note(Effect.Note.Level.ERROR, in.message());
        s.sendIfConnected(in.executorId(), ExecutorEvent.newBuilder().setError(io.baton.proto.ErrorEvent.newBuilder()
                .setCode(RejectCode.ISOLATOR_FAILED).setMessage(in.message())).build());
    }
}
