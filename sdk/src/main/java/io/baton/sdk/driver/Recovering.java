package io.baton.sdk.driver;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.sdk.core.Command;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Startup after a crash (or a clean stop): replay the journal into a fresh engine, ask the author which
 * tasks survived, tell the engine about the ones that did not, re-issue what each unfinished replacement
 * had in flight (timers keep their deadlines, so their remaining budget), then connect to the shim. Part
 * of {@link ExecutorDriver}; the decisions themselves are {@link RecoverySteps}.
 */
final class Recovering implements RecoverySteps.Effects {
    private final ExecutorDriver d;
    private Set<String> known = Set.of();
    private long startedUs;

    Recovering(ExecutorDriver d) {
        this.d = d;
    }

    void start(JournaledEngine.Replayed replayed) {
        startedUs = d.now;
        RecoverySteps.replay(d.journal, replayed, this, je -> d.je = je);
        Map<String, TaskInfo> tasks = RecoverySteps.known(d.je);
        known = tasks.keySet();
        List<HeldTask> handles = d.tasks.adopt(tasks);
        if (tasks.isEmpty()) {
            finish(Set.of());
        } else {
            d.emit(new Effect.AskRecover(handles));
        }
    }

    void finish(Set<String> alive) {
        RecoverySteps.resume(d.je, known, alive, this);
        RecoverySteps.forgotten(d.je, known, alive).forEach(d::close);
        RecoverySteps.finish(d.je, this);
        d.log(Effect.Level.INFO, "executor " + d.executorId + " recovered in " + (d.now - startedUs) / 1000 + " ms: "
                + alive.size() + " tasks alive, " + d.je.engine().unfinished().size() + " replacements in flight, "
                + d.je.outbox().size() + " updates unacknowledged");
        known = Set.of();
        d.emit(new Effect.Connect());
    }

    @Override
    public void execute(List<Command> commands) {
        d.commands.run(commands);
    }

    @Override
    public void sendStatus(String taskId, TaskState state, String message) {
        d.send(d.status(taskId, state, message));
    }

    @Override
    public long now() {
        return d.now;
    }

    @Override
    public void checkpointLater() {
        d.emit(new Effect.Arm(TimerKey.Checkpoint.KEY, d.now + ExecutorDriver.CHECKPOINT_RETRY_US));
    }
}
