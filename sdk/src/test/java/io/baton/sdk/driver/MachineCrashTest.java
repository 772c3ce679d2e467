package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.baton.proto.AcknowledgedEvent;
import io.baton.proto.Durability;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Phase;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import io.baton.proto.ReleaseLeftover;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SYNC durability against the machine's crash: every task ends with the machine, and the journal keeps what its
 * latest fsync covered. A STOP_THEN_START's launch of the new task has no fsync of its own (the one before the
 * old task's kill put the request on disk); every other strategy's launch is fsynced first. Here the machine
 * crashes after every step of such a replacement (each strategy, every hook succeeding), and the executor that
 * recovers from what was on disk commits it, with the new task running (or lost with the machine, if the commit was
 * on disk), and agrees with any outcome the framework heard before the crash.
 */
class MachineCrashTest {
    private static final String POOL = "cpus:2;mem:128";

    /** One executor incarnation and the world around it: the author's hooks succeed, the shim says yes and acks. */
    private static final class Run {
        final ListJournal journal;
        final ExecutorDriver driver;
        final Deque<Input> inputs = new ArrayDeque<>();
        final Set<String> alive = new HashSet<>();
        final List<TaskStatus> finals = new ArrayList<>();
        final List<TaskStatus> updates = new ArrayList<>();
        /** What the executor did, in order: "sync", "kill a", "launch b", "release r1". */
        final List<String> acts = new ArrayList<>();
        /** Per launched task: whether the step that launched it fsynced the journal. */
        final java.util.Map<String, Boolean> launchSynced = new java.util.HashMap<>();
        private boolean stepSynced;
        long now = 1_000_000;
        int uuid;
        int steps;

        Run(ListJournal journal) {
            this.journal = journal;
            this.driver = new ExecutorDriver("e1", Resources.parse("cpus:0.1;mem:32"), journal,
                    () -> ByteString.copyFromUtf8(String.format("%016d", ++uuid)), since -> false);
        }

        /** Carries out inputs until none is left or {@code limit} steps have run; false if it stopped at the limit. */
        boolean run(int limit) {
            while (!inputs.isEmpty()) {
                if (steps == limit) {
                    return false;
                }
                steps++;
                long syncs = journal.syncs;
                List<Effect> effects = driver.step(inputs.poll());
                stepSynced = journal.syncs > syncs;
                if (stepSynced) {
                    acts.add("sync"); // the step's fsync comes before the effects that needed it
                }
                for (Effect e : effects) {
                    react(e);
                }
            }
            return true;
        }

        private void react(Effect e) {
            now += 100;
            if (e instanceof Effect.RunHook h && h.hook() == Hook.LAUNCH) {
                acts.add("launch " + h.taskId());
                launchSynced.put(h.taskId(), stepSynced);
                alive.add(h.taskId());
                inputs.add(new Input.HookReturned(h, true, null, now));
                inputs.add(new Input.TaskReported(h.taskId(), h.incarnation(), TaskState.TASK_RUNNING, "", now));
            } else if (e instanceof Effect.RunHook h && (h.hook() == Hook.FREEZE || h.hook() == Hook.THAW)) {
                acts.add(h.hook().name().toLowerCase(java.util.Locale.ROOT) + " " + h.taskId());
                inputs.add(new Input.HookReturned(h, true, null, now));
            } else if (e instanceof Effect.AskRecover) {
                inputs.add(new Input.Recovered(Set.of(), now)); // the machine crashed: no task survived
            } else if (e instanceof Effect.Progress p) {
                acts.add("progress " + p.progress().getPhase());
            } else if (e instanceof Effect.RunHook h && h.hook() == Hook.KILL) {
                acts.add("kill " + h.taskId());
                alive.remove(h.taskId());
                inputs.add(new Input.HookReturned(h, true, null, now));
                inputs.add(new Input.TaskReported(h.taskId(), h.incarnation(), TaskState.TASK_KILLED, "", now));
            } else if (e instanceof Effect.Call c && !c.answerWanted()) {
                acts.add(c.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + c.replacementId());
            } else if (e instanceof Effect.Call c) {
                if (c.kind() == Effect.CallKind.RELEASE) {
                    acts.add("release " + c.replacementId());
                }
                inputs.add(new Input.Answered(c, Input.Answer.ok(c.kind() == Effect.CallKind.RESERVE
                        ? Resources.parse(POOL).toProto() : List.of()), now));
            } else if (e instanceof Effect.Update u) {
                acts.add("update " + u.status().getTaskId().getValue() + " " + u.status().getState());
                updates.add(u.status());
                inputs.add(new Input.ShimEvent(ExecutorEvent.newBuilder().setAcknowledged(AcknowledgedEvent.newBuilder()
                        .setTaskId(u.status().getTaskId()).setUuid(u.status().getUuid())).build(), now));
                if (u.status().getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED) {
                    finals.add(u.status());
                }
            }
        }
    }

    private static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                .addAllResources(Resources.parse("cpus:1;mem:64").toProto()).build();
    }

    /** A fresh executor that runs task a and is asked to replace it with b (STOP_THEN_START, SYNC). */
    private static Run replacing() {
        return replacing(ReplaceStrategy.STOP_THEN_START, ReleaseLeftover.ON_COMMIT);
    }

    /** A fresh executor that runs task a and is asked to replace it with b ({@code strategy}, SYNC). */
    private static Run replacing(ReplaceStrategy strategy, ReleaseLeftover leftover) {
        Run r = new Run(new ListJournal());
        r.inputs.add(new Input.Start(r.now));
        r.inputs.add(new Input.Connected(r.now));
        r.inputs.add(new Input.Subscribed("c1", r.now));
        r.inputs.add(new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder()
                .setTask(task("a"))).build(), r.now));
        r.inputs.add(new Input.ShimEvent(ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(
                Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                        .setOldTaskId(TaskID.newBuilder().setValue("a")).setNewTask(task("b"))
                        .setPolicy(ReplacePolicy.newBuilder().setStrategy(strategy).setReleaseLeftover(leftover)
                                .setDurability(Durability.SYNC)))).build(), r.now));
        return r;
    }

    @Test
    void theNewTaskStartsWithNoFsyncAfterTheOldOnesEnd() {
        Run r = replacing();
        assertThat(r.run(Integer.MAX_VALUE)).isTrue();
        assertThat(r.driver.engine().replacement("r1").phase()).isEqualTo(Phase.COMMITTED);
        assertThat(r.acts).containsSubsequence("launch a", "sync", "kill a", "launch b", "sync", "release r1");
        int kill = r.acts.indexOf("kill a");
        assertThat(r.acts.subList(kill, r.acts.indexOf("launch b"))).doesNotContain("sync");
        assertThat(r.launchSynced.get("b")).as("the launch's step fsynced").isFalse();
        assertThat(r.acts.subList(kill, r.acts.size()).stream().filter("sync"::equals).count())
                .as("fsyncs of the replacement after its kill: the release's only").isEqualTo(1);
        assertThat(r.acts.subList(kill, r.acts.indexOf("launch b"))).as("no status update between the kill and the"
                + " launch: only the shim's Adjust and progress frames").noneMatch(a -> a.startsWith("update"));
    }

    @ParameterizedTest
    @EnumSource(value = ReplaceStrategy.class, names = {"START_THEN_STOP", "FREEZE_THEN_START"})
    void everyOtherStrategysLaunchIsFsyncedFirst(ReplaceStrategy strategy) {
        Run r = replacing(strategy, ReleaseLeftover.ON_COMMIT);
        assertThat(r.run(Integer.MAX_VALUE)).isTrue();
        assertThat(r.driver.engine().replacement("r1").phase()).isEqualTo(Phase.COMMITTED);
        assertThat(r.launchSynced.get("b")).as("%s: %s", strategy, r.acts).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"STOP_THEN_START, ON_COMMIT", "STOP_THEN_START, IMMEDIATE", "START_THEN_STOP, ON_COMMIT",
        "FREEZE_THEN_START, ON_COMMIT"})
    void aMachineCrashAfterAnyStepEndsTheReplacementAsWithoutIt(ReplaceStrategy strategy, ReleaseLeftover leftover) {
        Run whole = replacing(strategy, leftover);
        assertThat(whole.run(Integer.MAX_VALUE)).isTrue();
        int total = whole.steps;
        int recovered = 0;
        for (int k = 1; k <= total; k++) {
            Run before = replacing(strategy, leftover);
            before.run(k);
            // the machine crashes: every task ends, the journal keeps what was fsynced
            ListJournal onDisk = before.journal.afterMachineCrash();
            Run after = new Run(onDisk);
            after.now = before.now + 5_000_000;
            after.inputs.add(new Input.Start(after.now)); // the recover hook is asked: none survived (react)
            after.inputs.add(new Input.Connected(after.now));
            after.inputs.add(new Input.Subscribed("c2", after.now));
            assertThat(after.run(10_000)).as("crash after step %d: recovery comes to rest", k).isTrue();
            String at = "crash after step " + k + " of " + total + " (" + before.acts + ")";
            var r1 = after.driver.engine().replacement("r1");
            if (r1 == null) {
                assertThat(before.acts).as(at + ": a kill or launch without the request on disk")
                        .doesNotContain("kill a", "launch b");
                assertThat(before.finals).as(at + ": an outcome heard, and then forgotten").isEmpty();
                continue;
            }
            recovered++;
            assertThat(r1.phase()).as(at).isEqualTo(Phase.COMMITTED);
            assertThat(before.finals).as(at + ": the outcome heard before the crash").allMatch(f -> f.getOutcome()
                    == ReplacementOutcome.COMMITTED);
            // the new task runs again (recovery launched it), or it had been running and ended with the machine: then
            // the framework hears that it was lost
            boolean lostB = after.updates.stream().anyMatch(u -> u.getTaskId().getValue().equals("b")
                    && u.getState() == TaskState.TASK_LOST);
            if (lostB) {
                assertThat(after.alive).as(at).isEmpty();
            } else {
                assertThat(after.alive).as(at + ": what runs after the recovery").containsExactly("b");
            }
            if (before.finals.isEmpty()) {
                assertThat(after.finals).as(at).singleElement()
                        .extracting(TaskStatus::getOutcome).isEqualTo(ReplacementOutcome.COMMITTED);
            }
        }
        assertThat(recovered).as("crash points whose journal held the replacement").isGreaterThan(total / 3);
    }
}
