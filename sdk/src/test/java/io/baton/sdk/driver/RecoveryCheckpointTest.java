package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Engine;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Recovery ends with a checkpoint only after a long replay ({@link RecoverySteps#CHECKPOINT_AFTER_REPLAYING}
 * records): a short one leaves the journal as it is, and the next replay, of the same records and recovery's own,
 * rebuilds the same engine.
 */
class RecoveryCheckpointTest {
    long now = 1_000_000;

    private final RecoverySteps.Effects fx = new RecoverySteps.Effects() {
        @Override
        public void execute(List<Command> commands) {
        }

        @Override
        public void sendStatus(String taskId, TaskState state, String message) {
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public void checkpointLater() {
            laterAsked++;
        }
    };
    int laterAsked;

    /** A journal of a checkpoint and {@code records} - 1 task records after it. */
    private ListJournal journalOf(int records) {
        ListJournal journal = new ListJournal();
        JournaledEngine je = new JournaledEngine(journal, new Engine());
        je.checkpoint(now);
        for (int i = 1; i < records; i++) {
            je.taskKnown(TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t" + i % 50)).build(),
                    TaskState.TASK_RUNNING, ++now);
        }
        return journal;
    }

    /** A journal of {@code records} records (from a checkpoint on), recovered once; its records after. */
    private ListJournal recoveredAfter(int records) {
        ListJournal journal = journalOf(records);
        JournaledEngine replayed = RecoverySteps.replay(journal, null, fx, e -> { });
        assertThat(replayed.replayedRecords()).isEqualTo(records);
        RecoverySteps.finish(replayed, fx);
        return journal;
    }

    @Test
    void aShortReplayEndsWithoutACheckpointAndReplaysTheSameAgain() {
        int records = (int) RecoverySteps.CHECKPOINT_AFTER_REPLAYING - 1;
        ListJournal journal = recoveredAfter(records);
        assertThat(journal.records.get(0).hasCheckpoint()).isTrue();
        assertThat(journal.records).hasSizeGreaterThan(records); // the same checkpoint, and recovery's records after
        assertThat(journal.records.subList(1, journal.records.size())).noneMatch(r -> r.hasCheckpoint());
        JournaledEngine again = JournaledEngine.replay(journal).engine();
        assertThat(again.engine().tasks()).hasSize(50);
        assertThat(again.replayedRecords()).isEqualTo(journal.records.size());
    }

    @Test
    void aLongReplayEndsWithACheckpoint() {
        ListJournal journal = recoveredAfter((int) RecoverySteps.CHECKPOINT_AFTER_REPLAYING);
        assertThat(journal.records).singleElement().satisfies(r -> assertThat(r.hasCheckpoint()).isTrue());
        JournaledEngine again = JournaledEngine.replay(journal).engine();
        assertThat(again.engine().tasks()).hasSize(50);
        assertThat(again.replayedRecords()).isEqualTo(1);
    }

    @Test
    void aLongReplayWhileTheStoreOpensLeavesTheCheckpointForLater() {
        ListJournal journal = journalOf((int) RecoverySteps.CHECKPOINT_AFTER_REPLAYING);
        journal.opening = true;
        JournaledEngine replayed = RecoverySteps.replay(journal, null, fx, e -> { });
        RecoverySteps.finish(replayed, fx);
        assertThat(laterAsked).isEqualTo(1);
        assertThat(journal.records.subList(1, journal.records.size())).noneMatch(r -> r.hasCheckpoint());
    }

    @Test
    void theDriverCheckpointsOnceTheStoreHasOpenedNotBefore() {
        ListJournal journal = journalOf((int) RecoverySteps.CHECKPOINT_AFTER_REPLAYING);
        journal.opening = true;
        ExecutorDriver d = journal.driver();
        d.step(new Input.Start(now));
        List<Effect> finished = d.step(new Input.Recovered(java.util.Set.of(), ++now));
        assertThat(finished).as("recovery connects at once, and comes back for its checkpoint")
                .anyMatch(e -> e instanceof Effect.Connect)
                .anyMatch(e -> e instanceof Effect.Arm a && a.key() instanceof TimerKey.Checkpoint);
        int before = journal.records.size();
        List<Effect> stillOpening = d.step(new Input.TimerFired(TimerKey.Checkpoint.KEY, now += 100_000));
        assertThat(stillOpening).anyMatch(e -> e instanceof Effect.Arm a && a.key() instanceof TimerKey.Checkpoint);
        assertThat(journal.records).hasSize(before);

        journal.opening = false;
        d.step(new Input.TimerFired(TimerKey.Checkpoint.KEY, now += 100_000));
        assertThat(journal.records).as("a checkpoint, which starts the journal anew")
                .singleElement().satisfies(r -> assertThat(r.hasCheckpoint()).isTrue());
        assertThat(JournaledEngine.replay(journal).engine().replayedRecords()).as("the next restart replays from it")
                .isEqualTo(1);
    }

    @Test
    void aCheckpointReplayPassesOverStillTakesItsSequenceNumber() {
        ListJournal journal = new ListJournal();
        JournaledEngine je = new JournaledEngine(journal, new Engine());
        je.checkpoint(now);
        je.taskKnown(TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1")).build(), TaskState.TASK_RUNNING,
                ++now);
        // a checkpoint appended but never made the replay start (the process died in between), the journal's last
        long unrecorded = journal.records.get(journal.records.size() - 1).getSequence() + 1;
        journal.append(io.baton.proto.JournalRecord.newBuilder().setSequence(unrecorded)
                .setCheckpoint(io.baton.proto.Checkpoint.newBuilder().setUptoSequence(unrecorded)).build());
        JournaledEngine replayed = JournaledEngine.replay(journal).engine();
        replayed.taskKnown(TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t2")).build(),
                TaskState.TASK_RUNNING, ++now);
        assertThat(journal.records.get(journal.records.size() - 1).getSequence())
                .as("numbered above it: sequence numbers tell which records a queue holds").isGreaterThan(unrecorded);
    }
}
