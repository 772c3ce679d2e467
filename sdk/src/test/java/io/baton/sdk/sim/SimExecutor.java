package io.baton.sdk.sim;

import io.baton.proto.Adjust;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.ResourceList;
import io.baton.proto.Reserve;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.resources.Resources;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Policy;
import io.baton.sdk.core.ReplaceRequest;
import io.baton.sdk.runtime.JournaledEngine;
import io.baton.sdk.runtime.SimRuntimeAccess;
import io.baton.tasks.TaskStates;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The executor process. The REAL {@link JournaledEngine} (engine, transitions, status outbox, journal
 * codec), its replay and the runtime's recovery and subscription steps run as they are; what the
 * runtime's threaded classes do around them (ExecutorRuntime, CommandRunner, ShimEvents, StatusSender,
 * HookGuard, ReadinessLoop, the Netty connection) is modelled here, call for call, on the simulated clock.
 */
final class SimExecutor implements SimRuntimeAccess.Effects {
    static final String ID = "exec-1";
    static final Resources OVERHEAD = Resources.parse("cpus:0.1;mem:32");
    private static final java.util.Set<RejectCode> NOT_SUBSCRIBED = java.util.EnumSet.of(RejectCode.UNAUTHENTICATED,
            RejectCode.UNKNOWN_EXECUTOR, RejectCode.EXECUTOR_DISCONNECTED);

    private final SimWorld w;
    private final SimNet net;
    private final SimTasks tasks;
    final SimJournal journal;
    JournaledEngine je;
    private int incarnation;
    private boolean alive;
    private boolean subscribed;
    private int connEpoch = -1;
    private int crashes;
    private final Set<String> handles = new LinkedHashSet<>();
    private final Map<String, Integer> timers = new LinkedHashMap<>();
    private final Map<String, Long> hookTail = new LinkedHashMap<>();
    private long nextCid;
    private boolean pumpScheduled;
    private long reconnectBackoffUs = 100_000;
    private final double checkpointChance;

    SimExecutor(SimWorld w, SimNet net, SimTasks tasks, SimJournal journal) {
        this.w = w;
        this.net = net;
        this.tasks = tasks;
        this.journal = journal;
        this.checkpointChance = w.rnd.nextDouble() * 0.05;
        tasks.reporter = (id, state, msg) -> guard("report", () -> report(id, state, msg));
    }

    boolean alive() {
        return alive;
    }

    int crashes() {
        return crashes;
    }

    // ------------------------------------------------------------------ life and death

    void start() {
        incarnation++;
        alive = true;
        subscribed = false;
        connEpoch = -1;
        handles.clear();
        timers.clear();
        hookTail.clear();
        pumpScheduled = false;
        w.trace("executor starts (incarnation " + incarnation + ")");
        guard("recovery", this::recover);
        if (alive) {
            connect();
        }
    }

    /** Recovery as the runtime's Recovery runs it; the author's recover hook answers from the processes. */
    private void recover() {
        je = SimRuntimeAccess.replay(journal, this, w::now, j -> je = j);
        Map<String, TaskInfo> known = SimRuntimeAccess.known(je);
        handles.addAll(known.keySet());
        Set<String> alive = known.isEmpty() ? Set.of() : tasks.recover(known.keySet());
        w.trace("recovery: known " + known.keySet() + ", alive " + alive);
        SimRuntimeAccess.resume(je, known.keySet(), alive, this, w::now);
        SimRuntimeAccess.forgotten(je, known.keySet(), alive).forEach(handles::remove);
        SimRuntimeAccess.finish(je, this, w::now);
    }

    private void crash(String where) {
        crashes++;
        alive = false;
        subscribed = false;
        incarnation++;
        je = null;
        w.trace("EXECUTOR CRASH #" + crashes + " " + where);
        net.reset(net.exec, "executor died");
        tasks.executorDied();
        w.after(w.between(50_000, 3_000_000), "executor restart", this::start);
    }

    /** Runs one input of the driver loop; a crash at a journal point kills the process right there. */
    void guard(String what, Runnable body) {
        if (!alive) {
            return;
        }
        try {
            body.run();
            schedulePump();
        } catch (SimWorld.Crash c) {
            crash(c.getMessage() + " (in " + what + ")");
        } catch (RuntimeException e) {
            w.violation("executor threw in " + what + ": " + e);
            alive = false; // the real driver loop would log and go on; the seed has failed already
        }
    }

    private Runnable inThis(String what, Runnable body) {
        int inc = incarnation;
        return () -> {
            if (inc == incarnation) {
                guard(what, body);
            }
        };
    }

    // ------------------------------------------------------------------ the shim connection (NettyShimConnection + Subscription)

    private void connect() {
        int inc = incarnation;
        net.connect(net.exec, () -> {
            if (inc == incarnation && alive) {
                reconnectBackoffUs = 100_000;
                connEpoch = net.exec.epoch;
                guard("subscribe", this::subscribe);
            } else {
                net.reset(net.exec, "the process that dialled is gone");
            }
        }, () -> {
            if (inc == incarnation && alive) {
                w.after(reconnectBackoffUs, "exec reconnect", () -> {
                    if (inc == incarnation && alive && !net.exec.up) {
                        connect();
                    }
                });
                reconnectBackoffUs = Math.min(5_000_000, reconnectBackoffUs * 2);
            }
        });
    }

    private void subscribe() {
        var sub = SimRuntimeAccess.subscription(je, ID, OVERHEAD);
        call(ExecutorCall.newBuilder().setSubscribe(sub), "SUBSCRIBE", resp -> {
            if (resp.hasSubscribed()) {
                subscribed = true;
                run(SimRuntimeAccess.reissued(je.engine())); // shim calls first
                run(je.shimConnected(w.now()));
                je.outbox().resendAll();
                pump();
            } else {
                w.trace("exec: subscription refused" + SimText.answer(resp));
                w.after(5_000_000, "resubscribe", inThis("resubscribe", () -> {
                    if (!subscribed) { // Subscription.retry
                        subscribe();
                    }
                }));
            }
        });
    }

    void disconnected(int deadEpoch, String why) {
        if (deadEpoch != connEpoch) {
            return; // not the connection this incarnation uses
        }
        guard("disconnected", () -> {
            subscribed = false;
            je.shimDisconnected(w.now());
            connect();
        });
    }

    private void call(ExecutorCall.Builder call, String what, Consumer<ExecutorResponse> onAnswer) {
        ExecutorCall c = call.setCorrelationId(++nextCid).build();
        int epoch = net.exec.epoch;
        int inc = incarnation;
        net.send(net.exec, true, "exec->shim " + what, c.hasUpdate(), () -> net.shim.executorCall(epoch, c,
                resp -> net.send(net.exec, false, "shim->exec answer to " + what + SimText.answer(resp), false, () -> {
                    if (inc == incarnation) {
                        guard("answer to " + what, () -> onAnswer.accept(resp));
                    }
                })));
    }

    // ------------------------------------------------------------------ commands (CommandRunner)

    @Override
    public void execute(List<Command> commands) {
        run(commands);
    }

    private void run(List<Command> commands) {
        for (Command c : commands) {
            run(c);
        }
        forgetEnded(); // CommandRunner.run: after the commands
    }

    private void run(Command c) {
        String rid = c.replacementId();
        if (SimRuntimeAccess.isShimCall(c) && !subscribed) {
            return;
        }
        if (c instanceof Command.Reserve r) {
            Reserve.Builder b = Reserve.newBuilder().setReplacementId(rid(rid)).setOldTaskId(tid(r.oldTaskId()))
                    .setNewTask(r.newTask()).setConcurrent(r.concurrent());
            r.offerIds().forEach(o -> b.addOfferIds(OfferID.newBuilder().setValue(o)));
            shimCall(rid, ExecutorCall.newBuilder().setReserve(b), "RESERVE " + rid,
                    ok -> new Event.ReserveAccepted(Resources.fromProto(ok.getReserved().getPoolList()), w.now()),
                    rej -> new Event.ReserveRejected(rej.getCode(), rej.getMessage(), w.now()));
        } else if (c instanceof Command.Adjust a) {
            shimCall(rid, ExecutorCall.newBuilder().setAdjust(Adjust.newBuilder().setReplacementId(rid(rid))
                    .addAllInUse(a.inUse().toProto())), "ADJUST " + rid + " " + a.inUse(),
                    ok -> new Event.ContainerAdjusted(w.now()), rej -> new Event.AdjustRejected(rej.getMessage(), w.now()));
        } else if (c instanceof Command.GiveBack g) {
            call(ExecutorCall.newBuilder().setRelease(Release.newBuilder().setReplacementId(rid(rid))
                    .setGiveBack(ResourceList.newBuilder().addAllResources(g.resources().toProto()))),
                    "GIVE_BACK " + rid + " " + g.resources(), resp -> { });
        } else if (c instanceof Command.Release r) {
            shimCall(rid, ExecutorCall.newBuilder().setRelease(Release.newBuilder().setReplacementId(rid(rid))
                    .setKeep(r.keep())), "RELEASE " + rid + " " + r.keep(), ok -> new Event.Released(w.now()),
                    rej -> rej.getCode() == RejectCode.UNKNOWN_RESERVATION ? new Event.Released(w.now()) : null);
        } else if (c instanceof Command.Kill k) {
            killTask(k.taskId(), msg -> apply(rid, new Event.HookFailed(Hook.KILL, msg, w.now())));
        } else if (c instanceof Command.Launch l) {
            launchTask(l.task(), msg -> apply(rid, new Event.HookFailed(Hook.LAUNCH, msg, w.now())));
        } else if (c instanceof Command.Freeze f) {
            hook(f.taskId(), Hook.FREEZE, () -> tasks.freeze(f.taskId()), () -> apply(rid, new Event.OldTaskFrozen(w.now())),
                    msg -> apply(rid, new Event.HookFailed(Hook.FREEZE, msg, w.now())));
        } else if (c instanceof Command.Thaw t) {
            hook(t.taskId(), Hook.THAW, () -> tasks.thaw(t.taskId()), () -> report(t.taskId(), TaskState.TASK_RUNNING,
                    "thawed"), msg -> apply(rid, new Event.HookFailed(Hook.THAW, msg, w.now())));
        } else if (c instanceof Command.Resize z) {
            hook(z.taskId(), Hook.RESIZE, () -> tasks.resize(z.taskId(), z.to()), () -> {
                handles.add(z.to().getTaskId().getValue());
                apply(rid, new Event.OldTaskResized(w.now()));
            }, msg -> apply(rid, new Event.HookFailed(Hook.RESIZE, msg, w.now())));
        } else if (c instanceof Command.CheckReadiness r) {
            probe(r);
        } else if (c instanceof Command.ArmTimer t) {
            String key = rid + "/" + t.timer();
            int gen = timers.merge(key, 1, Integer::sum);
            w.at(t.deadlineUs(), "timer " + key, inThis("timer " + key, () -> {
                if (timers.get(key) == gen) {
                    timers.remove(key);
                    apply(rid, new Event.TimerFired(t.timer(), w.now()));
                }
            }));
        } else if (c instanceof Command.CancelTimer t) {
            timers.merge(rid + "/" + t.timer(), 1, Integer::sum);
        } else if (c instanceof Command.Report r) {
            send(fromReport(r));
        }
    }

    private void shimCall(String rid, ExecutorCall.Builder call, String what,
            java.util.function.Function<ExecutorResponse, Event> ok,
            java.util.function.Function<io.baton.proto.Rejection, Event> rejected) {
        call(call, what, resp -> {
            if (!resp.hasRejected()) {
                apply(rid, ok.apply(resp));
            } else if (!NOT_SUBSCRIBED.contains(resp.getRejected().getCode())) {
                Event e = rejected.apply(resp.getRejected());
                if (e != null) {
                    apply(rid, e);
                } else {
                    w.trace("exec: the shim refused " + what + ": " + resp.getRejected().getMessage());
                }
            }
        });
    }

    /** A guarded author hook (HookGuard): it answers after a while, on the driver loop. */
    private void hook(String taskId, Hook hook, java.util.function.Supplier<String> body, Runnable onOk,
            Consumer<String> onFail) {
        if (!handles.contains(taskId)) {
            onFail.accept(hook + " of task " + taskId + ": the executor does not know this task");
            return;
        }
        // HookGuard: one hook at a time per task, in order
        long at = Math.max(w.now(), hookTail.getOrDefault(taskId, 0L)) + w.between(100, 20_000);
        hookTail.put(taskId, at);
        w.at(at, hook + " " + taskId, inThis(hook + " " + taskId, () -> {
            String failure = body.get();
            w.trace("exec: hook " + hook + " " + taskId + (failure == null ? " ok" : " failed: " + failure));
            if (failure == null) {
                onOk.run();
            } else {
                onFail.accept(failure);
            }
        }));
    }

    private void launchTask(TaskInfo task, Consumer<String> onFail) {
        String id = task.getTaskId().getValue();
        handles.add(id);
        je.taskKnown(task, TaskState.TASK_STAGING, w.now());
        hook(id, Hook.LAUNCH, () -> tasks.launch(task), () -> { }, onFail);
    }

    private void killTask(String id, Consumer<String> onFail) {
        hook(id, Hook.KILL, () -> tasks.kill(id), () -> { }, onFail);
    }

    /** ReadinessLoop: probe until ready (minHealthy is 0 in the workload), or until the replacement moves on. */
    private void probe(Command.CheckReadiness r) {
        String id = r.task().getTaskId().getValue();
        var rep = je.engine().replacement(r.replacementId());
        if (rep == null || rep.phase() != io.baton.sdk.core.Phase.VERIFYING) {
            return;
        }
        hook(id, Hook.READINESS, () -> null, () -> {
            var now = je.engine().replacement(r.replacementId());
            if (now == null || now.phase() != io.baton.sdk.core.Phase.VERIFYING) {
                return;
            }
            if (tasks.ready(id)) {
                apply(r.replacementId(), new Event.NewTaskReady(w.now()));
            } else {
                w.after(300_000, "probe " + id, inThis("probe " + id, () -> probe(r)));
            }
        }, msg -> apply(r.replacementId(), new Event.HookFailed(Hook.READINESS, msg, w.now())));
    }

    // ------------------------------------------------------------------ engine inputs (ExecutorRuntime)

    private void apply(String rid, Event e) {
        run(je.apply(rid, e));
        maybeCheckpoint();
    }

    private void report(String taskId, TaskState state, String message) {
        boolean managed = je.engine().manages(taskId);
        if (!managed && !je.engine().tasks().containsKey(taskId)) {
            w.trace("exec: drops " + state + " of ended task " + taskId);
            return;
        }
        if (!managed) {
            send(status(taskId, state, message));
        }
        List<Command> cmds = je.taskState(taskId, state, message, w.now());
        run(cmds);
        if (TaskStates.isTerminal(state) && !je.engine().tasks().containsKey(taskId)) {
            handles.remove(taskId);
        }
        maybeCheckpoint();
    }

    private void maybeCheckpoint() {
        if (w.chance(checkpointChance)) {
            w.trace("exec: checkpoint");
            je.checkpoint(w.now());
        }
    }

    /** Tasks a finished replacement left behind need no handle any more (ExecutorRuntime.sendProgress). */
    private void forgetEnded() {
        for (Engine.PhaseChange c : je.engine().drainPhaseChanges()) {
            w.trace("exec: " + c.replacement().id() + " " + c.from() + " -> " + c.to());
            if (c.to().terminal()) {
                for (String id : List.of(c.replacement().request().oldTaskId(), c.replacement().request().newTaskId())) {
                    if (!je.engine().tasks().containsKey(id) && !je.engine().manages(id)) {
                        handles.remove(id);
                    }
                }
            }
        }
    }

    /** ShimEvents: LAUNCH, KILL, REPLACE, ACKNOWLEDGED. */
    void shimEvent(ExecutorEvent e) {
        guard("shim event " + e.getEventCase(), () -> {
            switch (e.getEventCase()) {
                case LAUNCH -> {
                    String id = e.getLaunch().getTask().getTaskId().getValue();
                    if (!handles.contains(id)) {
                        launchTask(e.getLaunch().getTask(), msg -> report(id, TaskState.TASK_FAILED, msg));
                    }
                }
                case KILL -> {
                    String id = e.getKill().getTaskId().getValue();
                    if (!handles.contains(id)) {
                        if (!SimRuntimeAccess.endedUnacknowledged(je, id)) {
                            send(status(id, TaskState.TASK_LOST, "task " + id + " is not running here"));
                        }
                    } else {
                        killTask(id, msg -> w.trace("exec: kill of " + id + " failed: " + msg));
                    }
                }
                case REPLACE -> replace(e.getReplace());
                case ACKNOWLEDGED -> {
                    je.acknowledged(e.getAcknowledged().getTaskId().getValue(), e.getAcknowledged().getUuid(), w.now());
                    pump();
                }
                default -> w.trace("exec: ignores " + e.getEventCase());
            }
        });
    }

    private void replace(io.baton.proto.ReplaceEvent e) {
        String oldId = e.getOldTaskId().getValue();
        TaskInfo old = je.engine().tasks().getOrDefault(oldId, TaskInfo.newBuilder().setTaskId(e.getOldTaskId()).build());
        long at = e.getRequestedAtUs() == 0 ? w.now() : e.getRequestedAtUs();
        ReplaceRequest request = new ReplaceRequest(e.getReplacementId().getValue(), old, e.getNewTask(),
                e.getOfferIdsList().stream().map(OfferID::getValue).toList(), Policy.of(e.getPolicy()), at);
        Engine.Submitted s = je.submit(request, w.now());
        if (s.conflict() != null) {
            w.trace("exec: " + s.conflict());
            return;
        }
        run(s.commands());
    }

    // ------------------------------------------------------------------ status updates (StatusSender)

    @Override
    public void sendStatus(String taskId, TaskState state, String message) {
        send(status(taskId, state, message));
    }

    private void send(TaskStatus status) {
        je.recordStatus(status);
        pump();
    }

    private void pump() {
        if (!subscribed) {
            return;
        }
        for (TaskStatus s : je.outbox().due(w.now())) {
            call(ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(s)), "UPDATE " + SimText.status(s),
                    resp -> { });
        }
    }

    /** The 250 ms resend loop, scheduled only while something waits for an acknowledgement. */
    private void schedulePump() {
        if (!alive || pumpScheduled || je == null || je.outbox().size() == 0) {
            return;
        }
        pumpScheduled = true;
        int inc = incarnation;
        w.after(250_000, "pump", () -> {
            if (inc == incarnation) {
                pumpScheduled = false;
                guard("pump", this::pump);
            }
        });
    }

    private TaskStatus status(String taskId, TaskState state, String message) {
        return SimStatuses.status(w, ID, taskId, state, message);
    }

    private TaskStatus fromReport(Command.Report r) {
        return SimStatuses.fromReport(w, ID, r);
    }

    private static ReplacementID rid(String id) {
        return SimStatuses.rid(id);
    }

    private static TaskID tid(String id) {
        return SimStatuses.tid(id);
    }
}
