package io.baton.sdk.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.Replace;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.LocalAgent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The documented minimal executor really is replaced — and rolled back when the new version is broken. */
class SleepExecutorIT {
    static TaskInfo task(String id, String seconds) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                .addAllResources(Resources.parse("cpus:0.5;mem:64").toProto())
                .setSpec(TaskSpec.newBuilder().setValue(seconds)).build();
    }

    @Test
    void theMinimalExecutorIsReplacedAndRolledBack() throws Exception {
        LocalAgent agent = new LocalAgent(Resources.parse("cpus:2;mem:512"));
        List<TaskStatus> updates = new CopyOnWriteArrayList<>();
        agent.onUpdate(updates::add);
        try (ExecutorRuntime rt = new ExecutorRuntime(new SleepExecutor(), "sleepy", new InMemoryJournal(), agent,
                () -> System.currentTimeMillis() * 1000).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> !agent.limits().isEmpty());
            agent.launch(task("v1", "600"), agent.offer(Resources.parse("cpus:0.5;mem:64")));
            agent.replace(Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("up"))
                    .setOldTaskId(TaskID.newBuilder().setValue("v1")).setNewTask(task("v2", "600")).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> outcome(updates, "up") == ReplacementOutcome.COMMITTED);

            // v3 never passes its readiness check: after the start timeout it is killed and v2 runs again
            TaskInfo broken = task("v3", "600").toBuilder().setReadiness(io.baton.proto.ReadinessCheck.newBuilder()
                    .setCommand(io.baton.proto.CommandCheck.newBuilder().setCommand("exit 1")).setIntervalMs(100)).build();
            agent.replace(Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("bad"))
                    .setOldTaskId(TaskID.newBuilder().setValue("v2")).setNewTask(broken)
                    .setPolicy(io.baton.proto.ReplacePolicy.newBuilder().setStartTimeoutMs(1_500)).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> outcome(updates, "bad") != null);
            assertThat(outcome(updates, "bad")).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            assertThat(updates).filteredOn(s -> s.getTaskId().getValue().equals("v3")).last()
                    .extracting(TaskStatus::getReason).isEqualTo(io.baton.proto.TaskReason.REPLACE_NOT_READY);
            assertThat(agent.verify()).isNull();

            // its process (sleep 600) would outlive the executor: the test stops what it started
            agent.kill("v2");
            await().atMost(Duration.ofSeconds(10)).until(() -> updates.stream().anyMatch(s ->
                    s.getTaskId().getValue().equals("v2") && s.getState() == io.baton.proto.TaskState.TASK_KILLED));
        }
    }

    static ReplacementOutcome outcome(List<TaskStatus> updates, String rid) {
        return updates.stream().filter(s -> s.getReplacementId().getValue().equals(rid)
                && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED).map(TaskStatus::getOutcome)
                .findFirst().orElse(null);
    }
}
