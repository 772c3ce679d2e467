package io.baton.sdk.runtime;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.sdk.api.Task;
import io.baton.sdk.core.Command;
import java.util.ArrayList;
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
        RecoverySteps.Effects fx = new RecoverySteps.Effects() {
            @Override
            public void execute(List<Command> commands) {
                rt.execute(commands);
            }

            @Override
            public void sendStatus(String taskId, TaskState state, String message) {
                rt.statuses().send(rt.statuses().status(taskId, state, message));
            }

            @Override
            public long now() {
                return rt.now();
            }
        };
        JournaledEngine je = RecoverySteps.replay(rt.journal(), fx, rt::journaled);

        Map<String, TaskInfo> known = RecoverySteps.known(je);
        List<Task> tasks = new ArrayList<>();
        known.values().forEach(info -> {
            Task t = new Task(info, rt);
            rt.handles().put(t.id(), t);
            tasks.add(t);
        });
        Set<String> alive = askAuthor(tasks);
        RecoverySteps.resume(je, known.keySet(), alive, fx);
        RecoverySteps.forgotten(je, known.keySet(), alive).forEach(rt.handles()::remove);
        RecoverySteps.finish(je, fx);
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

    static boolean isShimCall(Command c) {
        return RecoverySteps.isShimCall(c);
    }
}
