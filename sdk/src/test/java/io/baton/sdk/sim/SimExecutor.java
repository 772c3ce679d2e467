package io.baton.sdk.sim;

import com.google.protobuf.ByteString;
import io.baton.proto.Adjust;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.Release;
import io.baton.proto.Reserve;
import io.baton.proto.Update;
import io.baton.resources.Resources;
import io.baton.sdk.driver.Effect;
import io.baton.sdk.driver.ExecutorDriver;
import io.baton.sdk.driver.Input;
import io.baton.sdk.driver.JournaledEngine;
import io.baton.sdk.driver.TimerKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The executor process: the SHIPPED {@link ExecutorDriver} (every decision of the executor: engine,
 * journal, recovery, subscription, status updates, readiness, shim answers) on the simulated clock, with
 * what the runtime does around it modelled here: the connection (dial, backoff), the hook threads (one
 * hook at a time per task, each taking a while), timers and the carrying out of effects.
 */
final class SimExecutor {
    static final String ID = "exec-1";
    static final Resources OVERHEAD = Resources.parse("cpus:0.1;mem:32");

    private final SimWorld w;
    private final SimNet net;
    private final SimTasks tasks;
    final SimJournal journal;
    private ExecutorDriver driver;
    JournaledEngine je;
    private int incarnation;
    private boolean alive;
    private int connEpoch = -1;
    private int crashes;
    private final Map<TimerKey, Integer> timers = new LinkedHashMap<>();
    private final Map<String, Long> hookTail = new LinkedHashMap<>();
    private long nextCid;
    private long reconnectBackoffUs = 100_000;
    private final double checkpointChance;

    SimExecutor(SimWorld w, SimNet net, SimTasks tasks, SimJournal journal) {
        this.w = w;
        this.net = net;
        this.tasks = tasks;
        this.journal = journal;
        this.checkpointChance = w.rnd.nextDouble() * 0.05;
        tasks.reporter = (id, handle, state, msg) -> feed("report", new Input.TaskReported(id, handle, state, msg,
                w.now()));
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
        connEpoch = -1;
        timers.clear();
        hookTail.clear();
        w.trace("executor starts (incarnation " + incarnation + ")");
        journal.executorStarts();
        driver = new ExecutorDriver(ID, OVERHEAD, journal, this::uuid, since -> w.chance(checkpointChance));
        feed("start", new Input.Start(w.now()));
    }

    private ByteString uuid() {
        byte[] uuid = new byte[16];
        for (int i = 0; i < 16; i += 8) {
            long v = w.rnd.nextLong();
            for (int j = 0; j < 8; j++) {
                uuid[i + j] = (byte) (v >>> (8 * j));
            }
        }
        return ByteString.copyFrom(uuid);
    }

    private void crash(String where) {
        crashes++;
        alive = false;
        incarnation++;
        je = null;
        driver = null;
        w.trace("EXECUTOR CRASH #" + crashes + " " + where);
        net.reset(net.exec, "executor died");
        tasks.executorDied();
        w.after(w.between(50_000, 3_000_000), "executor restart", this::start);
    }

    /** One input through the driver, then its effects; a crash at a journal point kills the process right there. */
    void feed(String what, Input in) {
        if (!alive) {
            return;
        }
        if (Boolean.getBoolean("baton.sim.inputs")) { // -Dbaton.sim.inputs=true: every input and debug line traced
            w.trace("input " + what + ": " + in);
        }
        List<Effect> effects;
        try {
            effects = driver.step(in);
        } catch (SimWorld.Crash c) {
            crash(c.getMessage() + " (in " + what + ")");
            return;
        } catch (RuntimeException e) {
            w.violation("executor threw in " + what + ": " + e);
            alive = false; // the real loop would log and go on; the seed has failed already
            return;
        }
        je = driver.journaled();
        tracePhases();
        if (Effect.actsOnRecords(effects)) {
            try {
                journal.settle(); // as the runtime does: nothing acts on a record the journal does not hold yet
            } catch (SimWorld.Crash c) {
                crash(c.getMessage() + " (settling after " + what + ")");
                return;
            }
        }
        effects.forEach(this::carryOut);
    }

    private final Map<String, String> phases = new LinkedHashMap<>();

    /** Phase changes, also those the driver does not report as progress (while unsubscribed). */
    private void tracePhases() {
        if (je == null) {
            return;
        }
        for (var r : je.engine().replacements()) {
            String was = phases.put(r.id(), r.phase().name());
            if (!r.phase().name().equals(was) && was != null) {
                w.trace("exec phase: " + r.id() + " " + was + " -> " + r.phase());
            }
        }
    }

    private Runnable inThis(String what, Runnable body) {
        int inc = incarnation;
        return () -> {
            if (inc == incarnation && alive) {
                body.run();
            }
        };
    }

    // ------------------------------------------------------------------ effects (the runtime's EffectsOut)

    private void carryOut(Effect e) {
        if (e instanceof Effect.Log l) {
            if (l.level() != Effect.Level.DEBUG || Boolean.getBoolean("baton.sim.inputs")) {
                w.trace("exec log " + l.level() + ": " + l.message());
            }
        } else if (e instanceof Effect.Call c) {
            shimCall(c);
        } else if (e instanceof Effect.Update u) {
            // quiet, as NettyShimConnection sends it: the shim answers only a refusal
            call(ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(u.status())).setQuiet(true),
                    "UPDATE " + SimText.status(u.status()), resp -> { });
        } else if (e instanceof Effect.RecordedOutcome o) {
            call(ExecutorCall.newBuilder().setRecordedOutcome(io.baton.proto.RecordedOutcome.newBuilder()
                    .setFinalUpdate(o.finalUpdate())), "OUTCOME AGAIN " + SimText.status(o.finalUpdate()), resp -> { });
        } else if (e instanceof Effect.Progress p) {
            // sent quiet, as the runtime sends it (EffectsOut): the shim records it and relays it to the frameworks
            // that subscribed with progress
            call(ExecutorCall.newBuilder().setProgress(p.progress()).setQuiet(true), "PROGRESS "
                    + p.progress().getReplacementId().getValue() + " " + p.progress().getFromPhase() + " -> "
                    + p.progress().getPhase(), resp -> { });
        } else if (e instanceof Effect.RunHook h) {
            hook(h);
        } else if (e instanceof Effect.Arm a) {
            int gen = timers.merge(a.key(), 1, Integer::sum);
            w.at(a.deadlineUs(), "timer " + a.key(), inThis("timer " + a.key(), () -> {
                if (timers.get(a.key()) == gen) {
                    timers.remove(a.key());
                    feed("timer " + a.key(), new Input.TimerFired(a.key(), w.now()));
                }
            }));
        } else if (e instanceof Effect.Cancel c) {
            timers.merge(c.key(), 1, Integer::sum);
        } else if (e instanceof Effect.Subscribe s) {
            if (Boolean.getBoolean("baton.sim.inputs")) {
                w.trace("exec subscribes with tasks " + s.subscription().getTasksList().stream().map(t -> t.getTask()
                        .getTaskId().getValue() + ":" + t.getState()).toList() + ", reservations " + s.subscription()
                        .getReservationsList().stream().map(r -> r.getReplacementId().getValue() + "(" + r.getOldTask()
                        .getTaskId().getValue() + "->" + r.getNewTask().getTaskId().getValue() + ")").toList());
            }
            call(ExecutorCall.newBuilder().setSubscribe(s.subscription()), "SUBSCRIBE", resp -> feed("subscribed",
                    resp.hasSubscribed() ? new Input.Subscribed(resp.getSubscribed().getContainer(), w.now())
                            : new Input.SubscribeRefused(SimText.answer(resp), w.now())));
        } else if (e instanceof Effect.Connect) {
            connect();
        } else if (e instanceof Effect.AskRecover a) {
            Map<String, Long> ids = new LinkedHashMap<>();
            a.tasks().forEach(t -> ids.put(t.id(), t.incarnation()));
            w.after(w.between(0, 2_000), "recover hook", inThis("recover hook", () -> {
                Set<String> alive = tasks.recover(ids);
                w.trace("recovery: known " + ids.keySet() + ", alive " + alive);
                feed("recovered", new Input.Recovered(alive, w.now()));
            }));
        } else if (e instanceof Effect.Exit x) {
            w.trace("exec: exits: " + x.reason());
        } // Shrink, TaskClosed, TaskRenamed: the simulated tasks keep no author objects
    }

    // ------------------------------------------------------------------ the shim connection (NettyShimConnection)

    private void connect() {
        int inc = incarnation;
        net.connect(net.exec, () -> {
            if (inc == incarnation && alive) {
                reconnectBackoffUs = 100_000;
                connEpoch = net.exec.epoch;
                feed("connected", new Input.Connected(w.now()));
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

    void disconnected(int deadEpoch, String why) {
        if (deadEpoch != connEpoch || !alive) {
            return; // not the connection this incarnation uses
        }
        feed("disconnected", new Input.Disconnected(why, w.now()));
        if (alive) {
            connect();
        }
    }

    void shimEvent(io.baton.proto.ExecutorEvent e) {
        feed("shim event " + e.getEventCase(), new Input.ShimEvent(e, w.now()));
    }

    private void call(ExecutorCall.Builder call, String what, Consumer<ExecutorResponse> onAnswer) {
        ExecutorCall c = call.setCorrelationId(++nextCid).build();
        int epoch = net.exec.epoch;
        int inc = incarnation;
        net.send(net.exec, true, "exec->shim " + what, c.hasUpdate(), () -> net.shim.executorCall(epoch, c,
                resp -> {
                    if (net.exec.epoch != epoch) {
                        // the shim answers on the call's connection; once that is gone the answer is too (the SDK's
                        // transport fails the calls of a lost connection; the driver re-issues what it still needs).
                        // Until 2026-12-05 such an answer went out on the next connection, which no transport does
                        w.trace("net exec: answer to " + what + " lost with its connection (#" + epoch + ")");
                        return;
                    }
                    net.send(net.exec, false, "shim->exec answer to " + what + SimText.answer(resp), false, () -> {
                        if (inc == incarnation) {
                            onAnswer.accept(resp);
                        }
                    });
                }));
    }

    private void shimCall(Effect.Call c) {
        ExecutorCall.Builder b = ExecutorCall.newBuilder();
        switch (c.kind()) {
            case RESERVE -> b.setReserve((Reserve) c.request());
            case ADJUST -> b.setAdjust((Adjust) c.request());
            default -> b.setRelease((Release) c.request());
        }
        call(b, c.kind() + " " + c.replacementId(), resp -> feed("answer to " + c.kind(), new Input.Answered(c,
                resp.hasRejected() ? Input.Answer.rejected(resp.getRejected().getCode(), resp.getRejected().getMessage())
                        : Input.Answer.ok(resp.hasReserved() ? resp.getReserved().getPoolList() : List.of()), w.now())));
    }

    // ------------------------------------------------------------------ hooks (HookGuard)

    /**
     * A hook names a successor exactly when it is a replacement's kill that makes way for the replacement's other
     * task: the old task's on the way forward (DRAINING, STOPPING_OLD), the new task's in a rollback (ROLLING_BACK);
     * and then that other task. No other hook, and no other kill (a framework's, a relaunch given up, an old task
     * that outlived its kill), names one.
     */
    private void checkSuccessor(Effect.RunHook h) {
        var r = h.replacementId().isEmpty() || je == null ? null : je.engine().replacement(h.replacementId());
        String expected = null;
        if (r != null && h.hook() == io.baton.sdk.core.Hook.KILL) {
            String old = r.request().oldTaskId();
            String neu = r.request().newTaskId();
            expected = switch (r.phase()) {
                case DRAINING, STOPPING_OLD -> h.taskId().equals(old) ? neu : null;
                case ROLLING_BACK -> h.taskId().equals(neu) ? old : null;
                default -> null;
            };
        }
        String named = h.successor() == null ? null : h.successor().getTaskId().getValue();
        if (!java.util.Objects.equals(expected, named)) {
            w.violation(h.hook() + " of " + h.taskId() + (h.replacementId().isEmpty() ? "" : " in replacement "
                    + h.replacementId() + " (" + (r == null ? "not known" : r.phase()) + ")") + " names " + named + " as its successor, not "
                    + expected);
        }
    }

    /** A guarded author hook: one at a time per task, in order, each answering after a while. */
    private void hook(Effect.RunHook h) {
        checkSuccessor(h);
        String id = h.taskId();
        long at = Math.max(w.now(), hookTail.getOrDefault(id, 0L)) + w.between(100, 20_000);
        hookTail.put(id, at);
        w.at(at, h.hook() + " " + id, inThis(h.hook() + " " + id, () -> {
            boolean ready = false;
            String failure = switch (h.hook()) {
                case LAUNCH -> tasks.launch(h.task(), h.incarnation());
                case KILL -> tasks.kill(id, h.incarnation());
                case FREEZE -> tasks.freeze(id, h.incarnation());
                case THAW -> tasks.thaw(id, h.incarnation());
                case RESIZE -> tasks.resize(id, h.incarnation(), h.task());
                case READINESS -> {
                    ready = tasks.ready(id, h.incarnation());
                    yield null;
                }
            };
            w.trace("exec: hook " + h.hook() + " " + id + (failure == null ? " ok" : " failed: " + failure));
            feed("hook " + h.hook() + " " + id, new Input.HookReturned(h, ready, failure, w.now()));
        }));
    }
}
