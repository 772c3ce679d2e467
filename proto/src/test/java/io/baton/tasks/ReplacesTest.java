package io.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.OfferID;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import org.junit.jupiter.api.Test;

/** The one rule for "is this the same replacement", shared by the shim and the executor's engine. */
class ReplacesTest {
    private static Replace.Builder replace(String newTask, String... offers) {
        Replace.Builder b = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("a"))
                .setNewTask(TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(newTask)).setName(newTask));
        for (String o : offers) {
            b.addOfferIds(OfferID.newBuilder().setValue(o));
        }
        return b;
    }

    @Test
    void aRetryIsTheSameRequestWithDefaultsSpelledOutOffersInAnyOrderAndAnyExecutorHint() {
        Replace first = replace("b", "o1", "o2").build();
        Replace again = replace("b", "o2", "o1").setExecutorId(ExecutorID.newBuilder().setValue("e1"))
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)
                        .setDrainTimeoutMs(Replaces.DEFAULT_DRAIN_TIMEOUT_MS).setReleaseLeftover(ReleaseLeftover.ON_COMMIT))
                .build();
        assertThat(Replaces.same(first, again)).isTrue();
    }

    @Test
    void anyOtherDifferenceIsAnotherRequestAndTheRefusalSaysWhich() {
        Replace first = replace("b", "o1").build();
        Replace otherTask = replace("c", "o1").build();
        Replace otherField = replace("b", "o1").setNewTask(first.getNewTask().toBuilder().setName("b2")).build();
        Replace otherOffers = replace("b", "o9").build();
        Replace otherPolicy = replace("b", "o1").setPolicy(ReplacePolicy.newBuilder()
                .setStrategy(ReplaceStrategy.START_THEN_STOP)).build();
        assertThat(Replaces.same(first, otherTask)).isFalse();
        assertThat(Replaces.same(first, otherField)).isFalse();
        assertThat(Replaces.same(first, otherOffers)).isFalse();
        assertThat(Replaces.same(first, otherPolicy)).isFalse();
        assertThat(Replaces.conflict(first, otherTask)).isEqualTo("replacement id r1 is already used for a -> b; this"
                + " request (a -> c) differs in its task ids: use a new replacement id, or repeat the first request"
                + " exactly to retry it");
        assertThat(Replaces.conflict(first, otherField)).contains("differs in its new task");
        assertThat(Replaces.conflict(first, otherOffers)).contains("differs in its offers");
        assertThat(Replaces.conflict(first, "COMMITTED", otherPolicy))
                .startsWith("replacement id r1 was used for a -> b (it ended COMMITTED); this request (a -> b) differs"
                        + " in its policy");
    }
}
