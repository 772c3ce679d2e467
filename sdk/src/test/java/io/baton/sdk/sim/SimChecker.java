package io.baton.sdk.sim;

import com.google.protobuf.ByteString;
import io.baton.proto.JournalRecord;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Replacement;
import io.baton.ledger.ExecutorView;
import io.baton.ledger.Ledger;
import io.baton.tasks.TaskStates;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The invariants of DESIGN §8, checked when a seed has settled (and, for the ledger and the container,
 * by {@link SimShimProcess#audit} after every shim step). It reads what the processes hold and what the
 * framework received, and what was journaled — nothing it checks is taken from the sim's own bookkeeping.
 */
final class SimChecker implements SimJournal.Observer {
    /** What the executor journaled: replacements it accepted, and status updates it promised to deliver. */
    record Requested(String oldTaskId, String newTaskId) {
    }

    final Map<String, Requested> requested = new LinkedHashMap<>();
    final Map<ByteString, String> recorded = new LinkedHashMap<>();

    @Override
    public void journaled(JournalRecord r) {
        if (r.hasReplaceRequested()) {
            var q = r.getReplaceRequested().getRequest();
            requested.putIfAbsent(q.getReplacementId().getValue(), new Requested(q.getOldTaskId().getValue(),
                    q.getNewTask().getTaskId().getValue()));
        } else if (r.hasStatusRecorded()) {
            recorded.putIfAbsent(r.getStatusRecorded().getStatus().getUuid(), SimText.status(r.getStatusRecorded().getStatus()));
        }
    }

    /** Checks a settled world; every finding goes to {@link SimWorld#violation}. */
    void check(SimWorld w, SimShimProcess shim, SimExecutor exec, SimTasks tasks, SimFramework fw) {
        if (!w.idle()) {
            w.violation("the world did not settle: actions were still scheduled at the end");
        }
        if (!exec.alive() || exec.je == null) {
            w.violation("the executor is not running at the end");
            return;
        }
        Engine engine = exec.je.engine();
        outcomes(w, engine, fw);
        nothingAfterTerminal(w, fw.arrivals);
        oldOrNew(w, engine, tasks);
        sameTasksEverywhere(w, engine, shim.ledger(), tasks);
        ledgerAndContainer(w, engine, shim);
        List<String> kept = engine.statesWithoutTask();
        if (!kept.isEmpty()) {
            w.violation("the engine keeps the state of " + kept.size() + " task(s) it neither runs nor replaces: "
                    + kept);
        }
        for (Map.Entry<ByteString, String> e : recorded.entrySet()) {
            if (!fw.received.containsKey(e.getKey())) {
                w.violation("status update " + e.getValue() + " was journaled but never reached the framework");
            }
        }
        if (exec.je.outbox().size() > 0) {
            w.violation(exec.je.outbox().size() + " status updates were never acknowledged: "
                    + exec.je.outbox().pending().stream().map(SimText::status).toList());
        }
    }

    static Phase finalPhase(Engine engine, String rid) {
        Replacement r = engine.replacement(rid);
        if (r != null) {
            return r.phase();
        }
        for (io.baton.sdk.core.Ended e : engine.ended()) {
            if (e.replacementId().equals(rid)) {
                return e.outcome();
            }
        }
        return null;
    }

    private void outcomes(SimWorld w, Engine engine, SimFramework fw) {
        Map<String, Set<String>> heard = new LinkedHashMap<>();
        for (TaskStatus s : fw.received.values()) {
            if (s.getOutcomeValue() != 0) {
                heard.computeIfAbsent(s.getReplacementId().getValue(), k -> new TreeSet<>()).add(s.getOutcome().name());
            }
        }
        for (TaskStatus o : fw.recordedOutcomes) {
            // a retry's answer is the one final update, as first sent: same outcome, same update
            String rid = o.getReplacementId().getValue();
            TaskStatus first = fw.received.get(o.getUuid());
            if (!requested.containsKey(rid) || first == null && !Set.of(o.getOutcome().name()).equals(
                    heard.getOrDefault(rid, Set.of()))) {
                w.violation("a retry of " + rid + " was answered " + o.getOutcome() + ", which is not its outcome "
                        + heard.getOrDefault(rid, Set.of()));
            } else if (first != null && !first.toBuilder().clearExecutorId().build()
                    .equals(o.toBuilder().clearExecutorId().build())) {
                w.violation("a retry of " + rid + " was answered with an update other than its final one");
            }
        }
        for (String rid : requested.keySet()) {
            Phase p = finalPhase(engine, rid);
            Set<String> got = heard.getOrDefault(rid, Set.of());
            if (p == null || !p.terminal()) {
                w.violation("replacement " + rid + " did not end: phase " + p);
            } else if (!got.equals(Set.of(p.name()))) {
                w.violation("replacement " + rid + " ended " + p + " but the framework heard outcomes " + got);
            }
        }
        for (Map.Entry<String, Set<String>> e : heard.entrySet()) {
            // a replacement the executor never journaled may only have been ended by the shim: refused for
            // certain, REJECTED and nothing else
            if (!requested.containsKey(e.getKey()) && !e.getValue().equals(Set.of("REJECTED"))) {
                w.violation("the framework heard outcomes " + e.getValue() + " of replacement " + e.getKey()
                        + ", which the executor never journaled");
            }
        }
    }

    private static void nothingAfterTerminal(SimWorld w, List<TaskStatus> arrivals) {
        Map<String, TaskStatus> ended = new LinkedHashMap<>();
        for (TaskStatus s : arrivals) {
            String task = s.getTaskId().getValue();
            TaskStatus first = ended.get(task);
            if (first != null) {
                // the same terminal state again (a second witness) is no news; neither is TASK_LOST as the
                // answer to a replace naming a task that has ended (Mesos answers about unknown task ids so)
                boolean unknownAnswer = s.getState() == TaskState.TASK_LOST
                        && s.getReason() == io.baton.proto.TaskReason.REPLACE_INVALID;
                if (s.getState() != first.getState() && !unknownAnswer) {
                    w.violation("task " + task + " got " + s.getState() + " (" + s.getMessage() + ") after the terminal "
                            + first.getState() + " (" + first.getMessage() + ")");
                }
                continue;
            }
            if (TaskStates.isTerminal(s.getState())) {
                ended.put(task, s);
            }
        }
    }

    private void oldOrNew(SimWorld w, Engine engine, SimTasks tasks) {
        for (Map.Entry<String, Requested> e : requested.entrySet()) {
            String o = e.getValue().oldTaskId();
            String n = e.getValue().newTaskId();
            Phase p = finalPhase(engine, e.getKey());
            if (o.equals(n) || p == null) {
                continue;
            }
            boolean oldRuns = tasks.procs.containsKey(o);
            boolean newRuns = tasks.procs.containsKey(n);
            boolean bad = switch (p) {
                case COMMITTED -> oldRuns;
                case ROLLED_BACK, ABORTED, REJECTED -> newRuns;
                default -> oldRuns || newRuns;
            };
            if (bad) {
                w.violation("replacement " + e.getKey() + " ended " + p + " but old task " + o + (oldRuns ? " runs" : " is gone")
                        + " and new task " + n + (newRuns ? " runs" : " is gone"));
            }
        }
    }

    /** The processes that run, the tasks the executor knows, and the tasks the ledger holds are the same. */
    private static void sameTasksEverywhere(SimWorld w, Engine engine, Ledger ledger, SimTasks tasks) {
        Set<String> running = new TreeSet<>(tasks.procs.keySet());
        Set<String> known = new TreeSet<>();
        engine.tasks().forEach((id, info) -> {
            TaskState s = engine.state(id);
            if (s == null || !TaskStates.isTerminal(s)) {
                known.add(id);
            }
        });
        ExecutorView view = ledger.executor(SimExecutor.ID);
        Set<String> held = view == null ? Set.of() : new TreeSet<>(view.taskIds());
        if (!running.equals(known) || !known.equals(held)) {
            w.violation("tasks disagree: processes " + running + ", executor knows " + known + ", ledger holds " + held);
        }
    }

    private static void ledgerAndContainer(SimWorld w, Engine engine, SimShimProcess shim) {
        Ledger l = shim.ledger();
        String bad = l.verify();
        if (bad != null) {
            w.violation("ledger at the end: " + bad);
        }
        if (!l.reservations().isEmpty()) {
            w.violation("reservations leaked: " + l.reservations());
        }
        Resources expected = SimExecutor.OVERHEAD;
        for (TaskInfo t : engine.tasks().values()) {
            expected = expected.plus(Resources.fromProto(t.getResourcesList()));
        }
        Resources limits = l.limitsOf(SimExecutor.ID);
        if (!limits.equals(expected)) {
            w.violation("the ledger's limits for " + SimExecutor.ID + " are " + limits + " but its tasks and overhead add up to "
                    + expected);
        }
        if (!shim.bound(SimExecutor.ID)) {
            w.violation("the executor is not subscribed to the shim at the end");
        } else {
            String c = shim.containerMismatch(SimExecutor.ID);
            if (c != null) {
                w.violation("container at the end: " + c);
            }
        }
    }
}
