package io.baton.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Durability;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import org.junit.jupiter.api.Test;

/** A replacement's spec as the client sends it: each {@code with} changes its own field and keeps the others. */
class ReplaceSpecTest {
    private static final TaskInfo NEW = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("b")).build();

    @Test
    void durabilityAndStrategyAreSetOnThePolicyAndKeepEachOther() {
        ReplaceSpec s = ReplaceSpec.of("a", NEW, "o1").withReplacementId("r1")
                .withPolicy(ReplacePolicy.newBuilder().setDrainTimeoutMs(5_000).build())
                .withDurability(Durability.PROCESS).withStrategy(ReplaceStrategy.START_THEN_STOP);

        ReplacePolicy p = s.toProto().getPolicy();
        assertThat(p.getDurability()).isEqualTo(Durability.PROCESS);
        assertThat(p.getStrategy()).isEqualTo(ReplaceStrategy.START_THEN_STOP);
        assertThat(p.getDrainTimeoutMs()).isEqualTo(5_000);
        assertThat(s.toProto().getReplacementId().getValue()).isEqualTo("r1");
        assertThat(s.toProto().getOfferIdsList()).extracting(o -> o.getValue()).containsExactly("o1");
        assertThat(ReplaceSpec.of("a", NEW).withReplacementId("r2").toProto().getPolicy().getDurability())
                .as("unset: the documented default, SYNC").isEqualTo(Durability.DURABILITY_DEFAULT);
    }
}
