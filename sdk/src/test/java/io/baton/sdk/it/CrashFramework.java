package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Acknowledge;
import io.baton.proto.ExecutorID;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.GetState;
import io.baton.proto.Launch;
import io.baton.proto.NodeState;
import io.baton.proto.OfferID;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.RequestOffers;
import io.baton.proto.ShimToFramework;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.shim.testing.TestFramework;
import io.baton.tasks.TaskStates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The framework of the crash matrix: speaks the framework API by hand, acknowledges every update it
 * receives, keeps every update it ever saw (across shim restarts, duplicates dropped by UUID), and
 * reconnects when the shim comes back.
 */
final class CrashFramework implements AutoCloseable {
    private final Path socket;
    private final String token;
    private TestFramework fw;
    private final Set<com.google.protobuf.ByteString> uuids = new HashSet<>();
    /** Every distinct update, in the order it first arrived. */
    final List<TaskStatus> updates = new ArrayList<>();
    int duplicates;

    CrashFramework(Path socket, String token) throws InterruptedException {
        this.socket = socket;
        this.token = token;
        connect();
    }

    private void connect() throws InterruptedException {
        fw = TestFramework.unix(socket);
        FrameworkResponse r = fw.subscribe(token, true);
        assertThat(r.hasSubscribed()).as("framework subscribed: %s", r).isTrue();
    }

    /** After the shim was killed: keep what arrived on the dead connection, then subscribe to the new shim. */
    void reconnect() throws InterruptedException {
        fw.wire.awaitClosed();
        for (ShimToFramework m; (m = fw.wire.poll(x -> x.hasEvent() && x.getEvent().hasUpdate(), Duration.ofMillis(100))) != null;) {
            record(m.getEvent().getUpdate()); // cannot be acknowledged any more: the executor resends it
        }
        fw.close();
        connect();
    }

    FrameworkResponse call(FrameworkCall.Builder call) throws InterruptedException {
        return fw.call(call);
    }

    NodeState state() throws InterruptedException {
        return call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
    }

    void launch(TaskInfo t) throws InterruptedException {
        String offer = call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(t.getResourcesList()))).getOffers().getOffers(0).getId().getValue();
        FrameworkResponse r = call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue("e1")).setTask(t)
                .addOfferIds(OfferID.newBuilder().setValue(offer))));
        assertThat(r.hasForwarded()).as("launch forwarded: %s", r).isTrue();
        awaitUpdate(s -> s.getTaskId().equals(t.getTaskId()) && s.getState() == TaskState.TASK_RUNNING);
    }

    /** Sends a REPLACE and returns the shim's answer. */
    FrameworkResponse replace(String rid, String old, TaskInfo neu, long startTimeoutMs) throws InterruptedException {
        return call(replaceCall(rid, old, neu, startTimeoutMs));
    }

    /** Sends a REPLACE without waiting for an answer (the shim dies on receiving it). */
    void replaceNoAnswer(String rid, String old, TaskInfo neu, long startTimeoutMs) {
        fw.wire.send(replaceCall(rid, old, neu, startTimeoutMs).setCorrelationId(-1).build());
    }

    private static FrameworkCall.Builder replaceCall(String rid, String old, TaskInfo neu, long startTimeoutMs) {
        return FrameworkCall.newBuilder().setReplace(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(rid)).setOldTaskId(TaskID.newBuilder().setValue(old))
                .setNewTask(neu).setPolicy(ReplacePolicy.newBuilder().setStartTimeoutMs(startTimeoutMs)
                        .setDrainTimeoutMs(30_000)));
    }

    /** Waits (bounded) for a progress event naming {@code phase}. */
    void awaitPhase(String phase) throws InterruptedException {
        ShimToFramework m = fw.wire.poll(x -> x.hasEvent() && x.getEvent().hasProgress()
                && x.getEvent().getProgress().getPhase().equals(phase), Duration.ofSeconds(20));
        assertThat(m).as("progress to phase %s", phase).isNotNull();
    }

    /** Acknowledges every update (as a framework does) until one matches; bounded. */
    TaskStatus awaitUpdate(Predicate<TaskStatus> match) throws InterruptedException {
        for (TaskStatus s : updates) {
            if (match.test(s)) {
                return s;
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            ShimToFramework m = fw.wire.poll(x -> x.hasEvent() && x.getEvent().hasUpdate(),
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (m == null) {
                break;
            }
            TaskStatus s = m.getEvent().getUpdate();
            record(s);
            fw.call(FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder().setTaskId(s.getTaskId())
                    .setUuid(s.getUuid())));
            if (match.test(s)) {
                return s;
            }
        }
        throw new AssertionError("no matching update within 40 s; updates so far: " + summary());
    }

    TaskStatus awaitOutcome(String rid) throws InterruptedException {
        return awaitUpdate(s -> s.getReplacementId().getValue().equals(rid)
                && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED);
    }

    /** Records (and acknowledges) the updates that have already arrived. */
    void drainUpdates() throws InterruptedException {
        for (ShimToFramework m; (m = fw.wire.poll(x -> x.hasEvent() && x.getEvent().hasUpdate(), Duration.ofMillis(100)))
                != null;) {
            TaskStatus s = m.getEvent().getUpdate();
            record(s);
            fw.call(FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder().setTaskId(s.getTaskId())
                    .setUuid(s.getUuid())));
        }
    }

    /** Waits (bounded) until the updates are exactly the expected ones; {@link #assertUpdates} says what differs. */
    void awaitAll(Map<String, List<TaskState>> expected) throws InterruptedException {
        try {
            awaitUpdate(u -> byTask().equals(expected));
        } catch (AssertionError notThere) {
            // reported by assertUpdates, with every update seen
        }
    }

    private void record(TaskStatus s) {
        if (uuids.add(s.getUuid())) {
            updates.add(s);
        } else {
            duplicates++;
        }
    }

    /** Each task's states, in the order their updates first arrived. */
    Map<String, List<TaskState>> byTask() {
        Map<String, List<TaskState>> out = new LinkedHashMap<>();
        for (TaskStatus s : updates) {
            out.computeIfAbsent(s.getTaskId().getValue(), k -> new ArrayList<>()).add(s.getState());
        }
        return out;
    }

    String summary() {
        return byTask() + " (" + duplicates + " duplicates dropped)";
    }

    /**
     * Exactly one final update for the replacement (any duplicates carry its UUID), no state after a
     * terminal one for any task, and each task heard exactly the expected states.
     */
    void assertUpdates(String rid, ReplacementOutcome outcome, Map<String, List<TaskState>> expected) {
        List<TaskStatus> finals = updates.stream().filter(s -> s.getReplacementId().getValue().equals(rid)
                && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED).toList();
        assertThat(finals).as("exactly one final update for %s: %s", rid, summary()).hasSize(1);
        assertThat(finals.get(0).getOutcome()).as("outcome of %s", rid).isEqualTo(outcome);
        byTask().forEach((task, states) -> {
            for (int i = 0; i < states.size() - 1; i++) {
                assertThat(TaskStates.isTerminal(states.get(i))).as("task %s got %s after terminal %s: %s", task,
                        states.get(i + 1), states.get(i), summary()).isFalse();
            }
        });
        assertThat(byTask()).as("every update reached the framework (at least once)").isEqualTo(expected);
    }

    @Override
    public void close() {
        fw.close();
    }
}
