package io.baton.sdk.runtime;

import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Engine;
import io.baton.sdk.journal.Journal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Test-only door into the runtime's thread-free steps, for the deterministic simulation
 * ({@code io.baton.sdk.sim}): the same recovery and subscription code the real runtime runs.
 */
public final class SimRuntimeAccess {
    private SimRuntimeAccess() {
    }

    /** Where recovery's decisions go. */
    public interface Effects {
        void execute(List<Command> commands);

        void sendStatus(String taskId, TaskState state, String message);
    }

    private static RecoverySteps.Effects adapt(Effects fx, LongSupplier clock) {
        return new RecoverySteps.Effects() {
            @Override
            public void execute(List<Command> commands) {
                fx.execute(commands);
            }

            @Override
            public void sendStatus(String taskId, TaskState state, String message) {
                fx.sendStatus(taskId, state, message);
            }

            @Override
            public long now() {
                return clock.getAsLong();
            }
        };
    }

    public static JournaledEngine replay(Journal journal, Effects fx, LongSupplier clock, Consumer<JournaledEngine> adopt) {
        return RecoverySteps.replay(journal, adapt(fx, clock), adopt);
    }

    public static Map<String, TaskInfo> known(JournaledEngine je) {
        return RecoverySteps.known(je);
    }

    public static void resume(JournaledEngine je, Set<String> known, Set<String> alive, Effects fx, LongSupplier clock) {
        RecoverySteps.resume(je, known, alive, adapt(fx, clock));
    }

    public static List<String> forgotten(JournaledEngine je, Set<String> known, Set<String> alive) {
        return RecoverySteps.forgotten(je, known, alive);
    }

    public static void finish(JournaledEngine je, Effects fx, LongSupplier clock) {
        RecoverySteps.finish(je, adapt(fx, clock));
    }

    public static ExecutorSubscribe subscription(JournaledEngine je, String executorId, Resources overhead) {
        return Subscription.describe(je.engine(), je.outbox().pending(), executorId, overhead);
    }

    public static List<Command> reissued(Engine engine) {
        return Subscription.reissued(engine);
    }

    public static boolean endedUnacknowledged(JournaledEngine je, String taskId) {
        return ShimEvents.endedUnacknowledged(je.outbox(), taskId);
    }

    public static boolean isShimCall(Command c) {
        return RecoverySteps.isShimCall(c);
    }
}
