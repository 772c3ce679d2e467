package io.baton.sdk.runtime;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.sdk.api.Task;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Replacement;
import io.baton.sdk.core.Resume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup after a crash (or a clean stop): replay the journal into a fresh engine, ask the author which
 * tasks survived, tell the engine about the ones that did not, re-issue what each unfinished
 * replacement had in flight, and re-arm its timers with their remaining budget.
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);
    private static final Set<Phase> OLD_STOPPING = Set.of(Phase.DRAINING, Phase.FREEZING, Phase.STOPPING_OLD);

    private final ExecutorRuntime rt;

    Recovery(ExecutorRuntime rt) {
        this.rt = rt;
    }

    void run() {
        try {
            recover();
        } catch (RuntimeException | Error e) {
            LOG.error("executor {} could not recover from its journal in {}: {}", rt.executorId(), rt.journal(), e, e);
            rt.shutdownRequested();
            throw e;
        }
    }

    private void recover() {
        long started = System.nanoTime();
        JournaledEngine.Replayed replayed = JournaledEngine.replay(rt.journal());
        JournaledEngine je = replayed.engine();
        rt.journaled(je);
        je.engine().drainPhaseChanges(); // history, not progress
        rt.execute(new ArrayList<>(replayed.unrecordedReports())); // decided before the crash, never recorded
        long now = rt.now();
        je.shimDisconnected(now);
        je.recoveryStarted(now);

        Map<String, TaskInfo> known = new LinkedHashMap<>(je.engine().tasks());
        for (Replacement r : je.engine().unfinished()) {
            known.putIfAbsent(r.request().oldTaskId(), r.oldTask());
            known.putIfAbsent(r.request().newTaskId(), r.request().newTask());
        }
        List<Task> tasks = new ArrayList<>();
        known.values().forEach(info -> {
            Task t = new Task(info, rt);
            rt.handles().put(t.id(), t);
            tasks.add(t);
        });
        Set<String> alive = askAuthor(tasks);

        Set<String> relaunching = new java.util.HashSet<>();
        for (Replacement r : je.engine().unfinished()) {
            if (r.phase() == Phase.RELAUNCHING) {
                relaunching.add(r.request().oldTaskId());
            }
        }
        for (String id : known.keySet()) {
            if (!alive.contains(id) && je.engine().tasks().containsKey(id) && !relaunching.contains(id)) {
                lost(je, id); // (an old task being relaunched is relaunched again below, not lost)
            }
        }
        for (Replacement r : je.engine().unfinished()) {
            String oldId = r.request().oldTaskId();
            String newId = r.request().newTaskId();
            if (OLD_STOPPING.contains(r.phase()) && !alive.contains(oldId)) {
                rt.execute(je.taskState(oldId, TaskState.TASK_KILLED, "stopped while the executor was down", now));
            }
            if (r.phase() == Phase.LAUNCHING && alive.contains(newId)) {
                rt.execute(je.taskState(newId, TaskState.TASK_RUNNING, "running after the executor restarted", now));
            }
            if (r.phase() == Phase.RELAUNCHING && alive.contains(oldId)) {
                rt.execute(je.taskState(oldId, TaskState.TASK_RUNNING, "running after the executor restarted", now));
            }
        }
        for (Replacement r : je.engine().unfinished()) {
            List<Command> resume = new ArrayList<>();
            for (Command c : Resume.commands(r, alive.contains(r.request().newTaskId()),
                    alive.contains(r.request().oldTaskId()))) {
                if (!isShimCall(c)) {
                    resume.add(c); // shim calls go out when the executor has re-subscribed
                }
            }
            rt.execute(resume);
        }
        for (String id : known.keySet()) {
            if (!alive.contains(id) && !je.engine().tasks().containsKey(id) && !je.engine().manages(id)) {
                rt.handles().remove(id);
            }
        }
        rt.execute(je.recoveryFinished(rt.now()));
        je.checkpoint(rt.now());
        LOG.info("executor {} recovered in {} ms: {} tasks alive, {} replacements in flight, {} updates unacknowledged",
                rt.executorId(), (System.nanoTime() - started) / 1_000_000, alive.size(),
                je.engine().unfinished().size(), je.outbox().size());
    }

    static final long RECOVER_BOUND_MS = 60_000;

    /** The author's recover hook, on its own thread and bounded: a hang is "nothing survived", not a dead executor. */
    private Set<String> askAuthor(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return Set.of();
        }
        java.util.concurrent.CompletableFuture<Set<String>> answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return Set.copyOf(rt.author().recover(tasks));
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        try {
            return answer.get(RECOVER_BOUND_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            answer.cancel(true);
            LOG.error("the executor's recover hook failed or did not return within {} ms ({}); treating all {} tasks "
                    + "as lost", RECOVER_BOUND_MS, e, tasks.size());
            return Set.of();
        }
    }

    private void lost(JournaledEngine je, String id) {
        boolean managed = je.engine().manages(id);
        List<Command> cmds = je.taskState(id, TaskState.TASK_LOST, "not running after the executor restarted", rt.now());
        if (!managed) {
            rt.statuses().send(rt.statuses().status(id, TaskState.TASK_LOST, "not running after the executor restarted"));
        }
        rt.execute(cmds);
    }

    static boolean isShimCall(Command c) {
        return c instanceof Command.Reserve || c instanceof Command.Adjust || c instanceof Command.Release
                || c instanceof Command.GiveBack;
    }
}
