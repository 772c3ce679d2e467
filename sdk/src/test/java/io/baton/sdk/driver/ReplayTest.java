package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Policy;
import io.baton.sdk.core.Replacement;
import io.baton.sdk.core.ReplaceRequest;
import io.baton.sdk.core.Timer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Journal → fresh engine → identical state and commands. */
class ReplayTest {
    long now = 5_000_000L;
    final ListJournal journal = new ListJournal();
    final JournaledEngine je = new JournaledEngine(journal, new Engine());
    final List<Command> produced = new ArrayList<>();

    static TaskInfo task(String id, String res) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).addAllResources(
                Resources.parse(res).toProto()).build();
    }

    private void replace(String rid, String old, String neu, ReplaceStrategy s, String... offers) {
        now += 1000;
        produced.addAll(je.submit(ReplaceRequest.of(rid, je.engine().tasks().get(old), task(neu, "cpus:1"),
                List.of(offers), Policy.of(ReplacePolicy.newBuilder().setStrategy(s).build()), now), now).commands());
    }

    private void event(String rid, Event e) {
        produced.addAll(je.apply(rid, e));
    }

    private void state(String task, TaskState s) {
        now += 1000;
        produced.addAll(je.taskState(task, s, "", now));
    }

    /** Several replacements in flight and finished, every strategy, a rollback and a timeout. */
    private void workload() {
        produced.addAll(je.shimConnected(now));
        for (String t : List.of("a", "b", "c", "d", "e")) {
            je.taskKnown(task(t, "cpus:1"), TaskState.TASK_RUNNING, now);
        }
        replace("r1", "a", "a2", ReplaceStrategy.STOP_THEN_START);
        event("r1", new Event.ReserveAccepted(Resources.parse("cpus:1"), now += 10));
        state("a", TaskState.TASK_KILLED);
        state("a2", TaskState.TASK_RUNNING); // r1 committed
        replace("r2", "b", "b2", ReplaceStrategy.START_THEN_STOP, "o-1");
        event("r2", new Event.ReserveAccepted(Resources.parse("cpus:2"), now += 10));
        state("b2", TaskState.TASK_FAILED); // r2 rolled back (the old task ran on)
        replace("r3", "c", "c2", ReplaceStrategy.FREEZE_THEN_START, "o-2");
        event("r3", new Event.ReserveAccepted(Resources.parse("cpus:2"), now += 10));
        event("r3", new Event.OldTaskFrozen(now += 10)); // r3 launching
        replace("r4", "d", "d2", ReplaceStrategy.STOP_THEN_START);
        event("r4", new Event.ReserveAccepted(Resources.parse("cpus:1"), now += 10));
        event("r4", new Event.TimerFired(Timer.DRAIN, now += 30_000_000)); // r4 aborted
        event("r1", new Event.Released(now += 10));
        replace("r5", "e", "e", ReplaceStrategy.RESIZE_IN_PLACE, "o-3"); // r5 requested
    }

    private static String describe(Engine e) {
        StringBuilder b = new StringBuilder();
        for (Replacement r : e.replacements()) {
            b.append(r.id()).append(' ').append(r.phase()).append(' ').append(r.armedTimers()).append(' ')
                    .append(r.pool()).append(' ').append(r.released()).append('\n').append(r.history()).append('\n');
        }
        b.append(new java.util.TreeMap<>(e.tasks()).keySet());
        return b.toString();
    }

    @Test
    void replayingTheJournalRebuildsTheSameStateAndCommands() {
        workload();
        JournaledEngine.Replayed replayed = JournaledEngine.replay(journal);
        assertThat(replayed.commands()).isEqualTo(produced);
        assertThat(describe(replayed.engine().engine())).isEqualTo(describe(je.engine()));

        // and it goes on exactly as the original would
        List<Command> original = je.taskState("c2", TaskState.TASK_RUNNING, "", now + 5);
        List<Command> fromReplay = replayed.engine().taskState("c2", TaskState.TASK_RUNNING, "", now + 5);
        assertThat(fromReplay).isEqualTo(original).isNotEmpty();
    }

    @Test
    void aCheckpointKeepsOnlyWhatIsOpenAndReplaysToTheSameOpenState() {
        workload();
        je.checkpoint(now);
        assertThat(journal.records).hasSize(1);
        assertThat(journal.records.get(0).getCheckpoint().getOpenList()).as("records of open replacements only")
                .noneMatch(r -> r.hasEngineEvent() && r.getEngineEvent().getReplacementId().getValue().equals("r1"));

        JournaledEngine.Replayed replayed = JournaledEngine.replay(journal);
        Engine fresh = replayed.engine().engine();
        for (Replacement r : je.engine().unfinished()) {
            Replacement back = fresh.replacement(r.id());
            assertThat(back).as(r.id()).isNotNull();
            assertThat(back.phase()).isEqualTo(r.phase());
            assertThat(back.armedTimers()).isEqualTo(r.armedTimers());
        }
        assertThat(fresh.replacement("r1")).as("committed and released: gone").isNull();
        assertThat(fresh.replacement("r4").phase()).as("aborted but not yet released: kept")
                .isEqualTo(io.baton.sdk.core.Phase.ABORTED);
        assertThat(new java.util.TreeMap<>(fresh.tasks()).keySet()).isEqualTo(new java.util.TreeMap<>(je.engine().tasks()).keySet());

        // appending after the checkpoint and replaying again still works
        replayed.engine().taskState("c2", TaskState.TASK_RUNNING, "", now + 5);
        JournaledEngine.Replayed again = JournaledEngine.replay(journal);
        assertThat(again.engine().engine().replacement("r3").phase()).isEqualTo(io.baton.sdk.core.Phase.STOPPING_OLD);
    }

    @Test
    void reportsDecidedByTheLastInputButNeverRecordedAreReissuedByReplay() {
        produced.addAll(je.shimConnected(now));
        je.taskKnown(task("a", "cpus:1"), TaskState.TASK_RUNNING, now);
        replace("r1", "a", "b", ReplaceStrategy.STOP_THEN_START);
        event("r1", new Event.ReserveAccepted(Resources.parse("cpus:1"), now += 10));
        // the KILLING report of this step was recorded...
        produced.stream().filter(c -> c instanceof Command.Report).map(c -> (Command.Report) c)
                .forEach(r -> je.recordStatus(io.baton.proto.TaskStatus.newBuilder()
                        .setTaskId(TaskID.newBuilder().setValue(r.taskId())).setState(r.state())
                        .setUuid(com.google.protobuf.ByteString.copyFrom(new byte[16]))
                        .setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue(r.replacementId())).build()));
        state("a", TaskState.TASK_KILLED);
        state("b", TaskState.TASK_RUNNING); // ...but the executor died before recording the commit's reports

        JournaledEngine.Replayed replayed = JournaledEngine.replay(journal);
        assertThat(replayed.unrecordedReports()).extracting(Command.Report::taskId, Command.Report::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", TaskState.TASK_KILLED),
                        org.assertj.core.groups.Tuple.tuple("b", TaskState.TASK_RUNNING));
    }

    private static io.baton.proto.TaskStatus status(String task, TaskState state, int n, String rid) {
        byte[] uuid = new byte[16];
        uuid[15] = (byte) n;
        var b = io.baton.proto.TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task)).setState(state)
                .setUuid(com.google.protobuf.ByteString.copyFrom(uuid));
        if (rid != null) {
            b.setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue(rid));
        }
        return b.build();
    }

    @Test
    void openReplacementsReplayFromACheckpointWithTheDecisionsTheyWereMadeWith() {
        produced.addAll(je.shimConnected(now));
        je.taskKnown(task("a", "cpus:1"), TaskState.TASK_RUNNING, now);
        replace("r1", "a", "b", ReplaceStrategy.STOP_THEN_START);
        event("r1", new Event.ReserveAccepted(Resources.parse("cpus:1"), now += 10));
        state("a", TaskState.TASK_KILLED);
        je.taskKnown(task("b", "cpus:1"), TaskState.TASK_STAGING, now); // the runtime does this when it launches b
        je.shimDisconnected(now); // and a restart journals this before its checkpoint
        je.checkpoint(now);

        JournaledEngine back = JournaledEngine.replay(journal).engine();
        assertThat(back.engine().replacement("r1").phase()).as("neither re-decided as REJECTED nor as PENDING")
                .isEqualTo(io.baton.sdk.core.Phase.LAUNCHING);
        back.shimConnected(now + 1);
        assertThat(back.taskState("b", TaskState.TASK_RUNNING, "", now + 2)).isNotEmpty();
        assertThat(back.engine().replacement("r1").phase()).isEqualTo(io.baton.sdk.core.Phase.COMMITTED);
    }

    @Test
    void aRetryOfAFinishedReplacementStaysARetryAfterCheckpoints() {
        produced.addAll(je.shimConnected(now));
        je.taskKnown(task("a", "cpus:1"), TaskState.TASK_RUNNING, now);
        replace("r1", "a", "b", ReplaceStrategy.STOP_THEN_START);
        event("r1", new Event.ReserveAccepted(Resources.parse("cpus:1"), now += 10));
        state("a", TaskState.TASK_KILLED);
        state("b", TaskState.TASK_RUNNING);
        event("r1", new Event.Released(now += 10));
        je.checkpoint(now);
        je.checkpoint(now + 1);

        JournaledEngine back = JournaledEngine.replay(journal).engine();
        assertThat(back.engine().replacement("r1")).isNull();
        var retry = back.submit(ReplaceRequest.of("r1", task("a", "cpus:1"), task("b", "cpus:1"), List.of(),
                Policy.of(ReplacePolicy.getDefaultInstance()), now + 2), now + 2);
        assertThat(retry.retry()).isTrue();
        assertThat(retry.commands()).as("no TASK_LOST for b, which runs").isEmpty();
        var other = back.submit(ReplaceRequest.of("r1", task("b", "cpus:1"), task("c", "cpus:1"), List.of(),
                Policy.of(ReplacePolicy.getDefaultInstance()), now + 3), now + 3);
        assertThat(other.conflict()).isEqualTo("replacement id r1 was used for a -> b (it ended COMMITTED); this request"
                + " (b -> c) differs in its task ids: use a new replacement id, or repeat the first request exactly to retry it");
    }

    @Test
    void aCheckpointKeepsEachTasksUnacknowledgedUpdatesInOrder() {
        produced.addAll(je.shimConnected(now));
        je.taskKnown(task("a", "cpus:1"), TaskState.TASK_RUNNING, now);
        je.recordStatus(status("a", TaskState.TASK_RUNNING, 1, null));
        replace("r1", "a", "b", ReplaceStrategy.STOP_THEN_START);
        event("r1", new Event.ReserveAccepted(Resources.parse("cpus:1"), now += 10));
        je.recordStatus(status("a", TaskState.TASK_KILLING, 2, "r1"));
        je.checkpoint(now);

        JournaledEngine.Replayed back = JournaledEngine.replay(journal);
        assertThat(back.engine().outbox().pending()).extracting(io.baton.proto.TaskStatus::getState)
                .containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_KILLING);
        assertThat(back.unrecordedReports()).as("the KILLING report was recorded before the checkpoint").isEmpty();
    }

    @Test
    void aCheckpointThatNeverBecameTheReplayStartIsSkippedNotAppliedTwice() {
        workload();
        // what a crash between appending a checkpoint and recording it as the replay start leaves: the
        // checkpoint in the middle of the journal, after the records it summarises
        ListJournal torn = new ListJournal();
        journal.records.forEach(torn::append);
        JournaledEngine shadow = JournaledEngine.replay(journal).engine();
        shadow.checkpoint(now);
        torn.append(journal.records.get(journal.records.size() - 1));
        assertThat(torn.records.get(torn.records.size() - 1).hasCheckpoint()).isTrue();

        JournaledEngine.Replayed replayed = JournaledEngine.replay(torn);
        assertThat(replayed.commands()).as("each open record applied once").isEqualTo(produced);
        assertThat(describe(replayed.engine().engine())).isEqualTo(describe(je.engine()));
    }
}
