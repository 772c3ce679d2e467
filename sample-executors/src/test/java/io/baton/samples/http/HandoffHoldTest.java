package io.baton.samples.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a killed version holds its port's listener for the replacement's successor, and for how long. */
class HandoffHoldTest {
    private static TaskInfo version(String id, Map<String, String> params) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                .setSpec(TaskSpec.newBuilder().setValue(id).putAllParams(params)).build();
    }

    @Test
    void aSuccessorOnTheSamePortThatListensAtLaunchIsWaitedFor() {
        TaskInfo v1 = version("v1", Map.of("port", "8080"));
        assertThat(HttpServiceExecutor.handoffHoldMs(v1, version("v2", Map.of("port", "8080"))))
                .isEqualTo(HttpServiceExecutor.HANDOFF_HOLD_MS);
        assertThat(HttpServiceExecutor.handoffHoldMs(v1, version("v2", Map.of("port", "8080", "ready_after_ms", "0"))))
                .isEqualTo(HttpServiceExecutor.HANDOFF_HOLD_MS);
        assertThat(HttpServiceExecutor.handoffHoldMs(version("v1", Map.of("port", "8080", "handoff_hold_ms", "250")),
                version("v2", Map.of("port", "8080")))).as("the old version's own bound").isEqualTo(250);
    }

    @Test
    void anotherPortAWarmUpOrAZeroBoundHoldsNothing() {
        TaskInfo v1 = version("v1", Map.of("port", "8080"));
        assertThat(HttpServiceExecutor.handoffHoldMs(v1, version("v2", Map.of("port", "8081")))).isZero();
        assertThat(HttpServiceExecutor.handoffHoldMs(v1, version("v2", Map.of()))).isZero();
        assertThat(HttpServiceExecutor.handoffHoldMs(v1, version("v2", Map.of("port", "8080", "ready_after_ms", "300"))))
                .as("a successor that warms up first is not waited for").isZero();
        assertThat(HttpServiceExecutor.handoffHoldMs(v1, version("v2", Map.of("port", "8080", "ready_after_ms",
                "never")))).isZero();
        assertThat(HttpServiceExecutor.handoffHoldMs(version("v1", Map.of("port", "8080", "handoff_hold_ms", "0")),
                version("v2", Map.of("port", "8080")))).isZero();
    }
}
