package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.proto.Durability;
import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.it.ThreadExecutor;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An executor embedded with a LocalAgent: no shim process, the same validation, real runtime threads. */
class LocalAgentIT {
    final LocalAgent agent = new LocalAgent(Resources.parse("cpus:4;mem:1024"));
    final InMemoryJournal journal = new InMemoryJournal();
    final List<TaskStatus> updates = new CopyOnWriteArrayList<>();
    ExecutorRuntime executor;

    @AfterEach
    void stop() {
        executor.close();
    }

    static TaskInfo task(String id, String res) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).addAllResources(
                Resources.parse(res).toProto()).setSpec(TaskSpec.newBuilder().setValue("ok")).build();
    }

    TaskStatus outcome(String rid) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> updates.stream()
                .filter(s -> s.getReplacementId().getValue().equals(rid)
                        && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED).findFirst().orElse(null),
                s -> s != null);
    }

    @Test
    void replacementsRunAgainstAFixedEnvelopeWithAtMostThreeFsyncs() throws Exception {
        agent.onUpdate(updates::add);
        executor = new ExecutorRuntime(new ThreadExecutor(), "embedded", journal, agent,
                () -> System.currentTimeMillis() * 1000).start();
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.limits().equals(Resources.parse("cpus:0.1;mem:32")));
        agent.launch(task("a", "cpus:1;mem:128"), agent.offer(Resources.parse("cpus:1;mem:128")));
        await().atMost(Duration.ofSeconds(5)).until(() -> updates.stream()
                .anyMatch(s -> s.getTaskId().getValue().equals("a") && s.getState() == TaskState.TASK_RUNNING));

        long syncsBefore = journal.stats().syncs();
        String o = agent.offer(Resources.parse("cpus:1;mem:128"));
        agent.replace(Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("a")).setNewTask(task("b", "cpus:2;mem:256"))
                .addOfferIds(OfferID.newBuilder().setValue(o))
                .setPolicy(ReplacePolicy.newBuilder().setDurability(Durability.SYNC)).build());
        assertThat(outcome("r1").getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(agent.limits()).isEqualTo(Resources.parse("cpus:2.1;mem:288"));
            assertThat(agent.verify()).isNull();
        });
        assertThat(journal.stats().syncs() - syncsBefore).as("fsyncs for one SYNC STOP_THEN_START: before the kill"
                + " (which puts the request, naming the new task, on disk for the launch too) and the release")
                .isEqualTo(2);

        assertThatThrownBy(() -> agent.replace(Replace.newBuilder().setReplacementId(ReplacementID.newBuilder()
                .setValue("r2")).setOldTaskId(TaskID.newBuilder().setValue("b")).setNewTask(task("c", "cpus:9")).build()))
                .isInstanceOfSatisfying(ShimRejection.class, e -> {
                    assertThat(e.code()).isEqualTo(RejectCode.INSUFFICIENT_RESOURCES);
                    assertThat(e.reason()).isEqualTo("replacement r2 needs cpus:9; old task b cpus:2;mem:256 + no "
                            + "offers = cpus:2;mem:256; missing cpus:7");
                });
    }
}
