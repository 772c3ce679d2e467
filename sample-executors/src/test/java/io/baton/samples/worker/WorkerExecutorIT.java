package io.baton.samples.worker;

import static io.baton.samples.SampleShim.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.samples.SampleShim;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker sample under a real shim, driven by a framework: every strategy, and rollbacks. */
class WorkerExecutorIT {
    @TempDir
    Path dir;
    SampleShim node;

    @BeforeEach
    void start() throws Exception {
        node = new SampleShim(dir);
        node.inProcess(new WorkerExecutor(), "workers", dir.resolve("workers"));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    static TaskInfo worker(String id, String value, long periodMs) {
        return task(id, "cpus:0.5;mem:64", value, Map.of("period_ms", Long.toString(periodMs)));
    }

    private static void counting(String taskId) {
        long before = WorkerExecutor.count(taskId);
        assertThat(before).as(taskId + " runs").isGreaterThanOrEqualTo(0);
        await().atMost(Duration.ofSeconds(5)).until(() -> WorkerExecutor.count(taskId) > before + 2);
    }

    @Test
    void aReplacementStopsTheOldWorkerAndStartsTheNew() throws Exception {
        node.launch("workers", worker("w1", "v1", 5));
        counting("w1");

        ReplaceOutcome out = node.replace(ReplaceSpec.of("w1", worker("w2", "v2", 5)));

        assertThat(out.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        assertThat(WorkerExecutor.count("w1")).as("w1 is gone").isEqualTo(-1);
        counting("w2");
        assertThat(node.shim.verifyLedger()).isNull();
    }

    @Test
    void resizeInPlaceChangesTheLiveTaskAndAFailedResizeIsUndone() throws Exception {
        node.launch("workers", worker("w", "v1", 50));
        counting("w");
        TaskInfo faster = task("w", "cpus:1;mem:64", "v1", Map.of("period_ms", "5"));

        ReplaceOutcome out = node.replace(ReplaceSpec.of("w", faster, node.offer("cpus:0.5"))
                .withStrategy(ReplaceStrategy.RESIZE_IN_PLACE));

        assertThat(out.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        assertThat(WorkerExecutor.periodMs("w")).isEqualTo(5);
        long afterResize = WorkerExecutor.count("w");
        assertThat(afterResize).as("the same worker went on counting").isGreaterThan(0);

        TaskInfo refused = task("w", "cpus:1;mem:64", "fail", Map.of("period_ms", "500"));
        ReplaceOutcome back = node.replace(ReplaceSpec.of("w", refused).withStrategy(ReplaceStrategy.RESIZE_IN_PLACE));

        assertThat(back.outcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
        assertThat(WorkerExecutor.periodMs("w")).isEqualTo(5);
        assertThat(WorkerExecutor.count("w")).isGreaterThanOrEqualTo(afterResize);
        counting("w");

        // issue 11: to a new task id, the same worker goes on as that task, and a kill of it stops it
        TaskInfo renamed = task("w2", "cpus:1;mem:64", "v1", Map.of("period_ms", "5"));
        ReplaceOutcome moved = node.replace(ReplaceSpec.of("w", renamed).withStrategy(ReplaceStrategy.RESIZE_IN_PLACE));
        assertThat(moved.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        assertThat(WorkerExecutor.count("w")).as("no worker under the old id").isEqualTo(-1);
        counting("w2");
        node.client.kill("w2", 0).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(node.awaitState("w2", TaskState.TASK_KILLED).getMessage()).startsWith("stopped after ");
        assertThat(WorkerExecutor.count("w2")).as("stopped, not left running").isEqualTo(-1);
    }

    @Test
    void freezeThenStartFreezesTheOldWhileTheNewStartsAndThawsItOnRollback() throws Exception {
        node.launch("workers", worker("f1", "v1", 5));
        counting("f1");

        // the new version fails: f1 was frozen (keeping its count) and is thawed
        ReplaceOutcome rolledBack = node.replace(ReplaceSpec.of("f1", worker("f2", "fail", 5), node.offer("cpus:0.5;mem:64"))
                .withStrategy(ReplaceStrategy.FREEZE_THEN_START));
        assertThat(rolledBack.outcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
        assertThat(WorkerExecutor.frozen("f1")).isFalse();
        counting("f1");

        ReplaceOutcome committed = node.replace(ReplaceSpec.of("f1", worker("f3", "v2", 5), node.offer("cpus:0.5;mem:64"))
                .withStrategy(ReplaceStrategy.FREEZE_THEN_START));
        assertThat(committed.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        assertThat(WorkerExecutor.count("f1")).isEqualTo(-1);
        counting("f3");
        assertThat(node.shim.verifyLedger()).isNull();
    }

    @Test
    void aBrokenOrHungNewVersionRollsBackToTheOldWorker() throws Exception {
        node.launch("workers", worker("b1", "v1", 5));

        ReplaceOutcome failed = node.replace(ReplaceSpec.of("b1", worker("b2", "fail", 5)));
        assertThat(failed.outcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
        counting("b1");
        assertThat(WorkerExecutor.count("b2")).isEqualTo(-1);

        ReplaceOutcome hung = node.replace(ReplaceSpec.of("b1", worker("b3", "hang", 5))
                .withPolicy(ReplacePolicy.newBuilder().setStartTimeoutMs(1_000).build()));
        assertThat(hung.outcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
        assertThat(hung.status().getMessage()).contains("start timeout");
        counting("b1");
        assertThat(WorkerExecutor.count("b3")).isEqualTo(-1);
        assertThat(node.shim.verifyLedger()).isNull();
    }
}
