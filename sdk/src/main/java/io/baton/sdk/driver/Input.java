package io.baton.sdk.driver;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.RejectCode;
import io.baton.proto.Resource;
import io.baton.proto.TaskState;
import java.util.List;
import java.util.Set;

/**
 * What happened to the executor, in the past tense, with the time it happened: the only input of
 * {@link ExecutorDriver#step}. The runtime (or the simulation) produces these from the shim connection,
 * the author's task reports, hook results and timers.
 */
public sealed interface Input {
    long atUs();

    /**
     * The process started: replay the journal and recover.
     *
     * @param replayed the journal replayed already ({@link JournaledEngine#replay} of the driver's own journal, on
     *     another thread while the connection was set up), or null for the driver to replay it
     */
    record Start(long atUs, JournaledEngine.Replayed replayed) implements Input {
        public Start(long atUs) {
            this(atUs, null);
        }

        @Override
        public String toString() {
            return "Start[atUs=" + atUs + (replayed == null ? "" : ", replayed already") + "]"; // not the whole engine
        }
    }

    /** The author's recover hook answered: these task ids are still alive. */
    record Recovered(Set<String> alive, long atUs) implements Input {
    }

    /** A connection to the shim is up: the executor must subscribe on it. */
    record Connected(long atUs) implements Input {
    }

    /** The shim accepted the subscription. */
    record Subscribed(String container, long atUs) implements Input {
    }

    /** The shim refused the subscription (it is retried later). */
    record SubscribeRefused(String message, long atUs) implements Input {
    }

    /** The connection to the shim is gone; it is being re-established. */
    record Disconnected(String why, long atUs) implements Input {
    }

    /** The shim forwarded LAUNCH, KILL, REPLACE, ACKNOWLEDGED, SHUTDOWN, SHRINK or ERROR. */
    record ShimEvent(ExecutorEvent event, long atUs) implements Input {
    }

    /** The answer to an {@link Effect.Call}. */
    record Answered(Effect.Call call, Answer answer, long atUs) implements Input {
    }

    /**
     * The author reported a task's state through the handle of this incarnation (see {@link Effect.RunHook}):
     * a report through a handle the driver no longer holds tells of a process that has been replaced.
     */
    record TaskReported(String taskId, long incarnation, TaskState state, String message, long atUs)
            implements Input {
    }

    /** A hook of {@link Effect.RunHook} returned ({@code failure} null) or failed (threw, hung past its bound). */
    record HookReturned(Effect.RunHook run, boolean ready, String failure, long atUs) implements Input {
    }

    /** A timer armed by {@link Effect.Arm} fired. */
    record TimerFired(TimerKey key, long atUs) implements Input {
    }

    /** Carrying out an effect threw: the driver decides what that means (the runtime logged the stack trace once). */
    record EffectFailed(Effect effect, String error, long atUs) implements Input {
    }

    /** How the shim answered a call. */
    record Answer(Kind kind, List<Resource> pool, RejectCode code, String message) {
        public enum Kind {
            OK, REJECTED, UNAVAILABLE
        }

        public static Answer ok(List<Resource> pool) {
            return new Answer(Kind.OK, pool, RejectCode.REJECT_UNSPECIFIED, "");
        }

        public static Answer rejected(RejectCode code, String message) {
            return new Answer(Kind.REJECTED, List.of(), code, message);
        }

        public static Answer unavailable(String message) {
            return new Answer(Kind.UNAVAILABLE, List.of(), RejectCode.REJECT_UNSPECIFIED, message);
        }
    }
}
