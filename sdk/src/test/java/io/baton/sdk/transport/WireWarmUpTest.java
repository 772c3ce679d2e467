package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.Heartbeat;
import io.baton.proto.KillEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import io.baton.sdk.driver.DriverWarmUp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up's wire is the connection's own codecs: what goes through comes back whole, framed as on the socket. */
class WireWarmUpTest {
    private static final TaskInfo TASK = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("web-v2"))
            .addAllResources(Resources.parse("cpus:0.5;mem:64").toProto()).setKillGracePeriodMs(2_000).build();

    @Test
    void eventsComeBackAsTheyWent() {
        List<ExecutorEvent> events = List.of(
                ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder().setTask(TASK)).build(),
                ExecutorEvent.newBuilder().setKill(KillEvent.newBuilder().setTaskId(TASK.getTaskId())).build(),
                ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequestedAtUs(42)
                        .setRequest(Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r"))
                                .setOldTaskId(TaskID.newBuilder().setValue("web-v1")).setNewTask(TASK))).build());
        try (WireWarmUp wire = new WireWarmUp()) {
            for (int i = 0; i < 3; i++) {
                for (ExecutorEvent e : events) {
                    assertThat(wire.inbound(e)).isEqualTo(e);
                }
            }
        }
    }

    @Test
    void callsAreFramedBehindTheirLength() {
        ExecutorCall call = ExecutorCall.newBuilder().setCorrelationId(7).setHeartbeat(Heartbeat.getDefaultInstance())
                .build();
        try (WireWarmUp wire = new WireWarmUp()) {
            wire.outbound(call);
            wire.outbound(call);
            assertThat(wire.outboundBytes()).isEqualTo(2L * (4 + call.getSerializedSize()));
        }
    }

    @Test
    void theDriversWarmUpRunsThroughIt() {
        try (WireWarmUp frames = new WireWarmUp()) {
            DriverWarmUp.Wire wire = new DriverWarmUp.Wire(frames::inbound, frames::outbound);
            assertThat(DriverWarmUp.run(30, () -> true, new io.baton.sdk.journal.InMemoryJournal(), wire)).isEqualTo(30);
            assertThat(frames.outboundBytes()).isPositive();
        }
    }
}
