package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.sdk.client.BatonClient;
import io.baton.tasks.TaskStates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.client.api.NMClient;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.AbstractYarnScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers YARN ends, and updates the ResourceManager refuses, on a real local cluster: a container stopped on
 * its NodeManager, one the ResourceManager preempts and one the NodeManager's memory monitor kills each end their
 * tasks at once with the rule's status ({@link ContainerEnd}) and YARN's reason, the framework sees it, the AM's
 * ledger lets the executor go, and the RM charges nothing more; an increase the RM refuses (above the scheduler's
 * maximum allocation, which here is half a node) is refused at once with the RM's reason, not at the reserve
 * timeout. One cluster for the class; one application (AM) and one executor per test.
 */
@Tag("integration")
class ContainerFailuresIT {
    private static final YarnSize EXECUTOR = new YarnSize(512, 1);
    /** yarn.scheduler.maximum-allocation-mb here: a node (4096 MB) has room for more than the RM will grant. */
    private static final int MAX_ALLOCATION_MB = 2048;

    private static LocalYarn yarn;
    private static YarnClient client;

    @TempDir
    Path tmp;

    @BeforeAll
    static void cluster() throws Exception {
        yarn = LocalYarn.start("failures-it", conf -> {
            conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, MAX_ALLOCATION_MB);
            // the NM keeps the tail of a container's diagnostics; the memory monitor's process-tree dump holds the
            // test class path twice, and the default 10000 characters would keep only that
            conf.setInt(YarnConfiguration.NM_CONTAINER_DIAGNOSTICS_MAXIMUM_SIZE, 1_000_000);
        });
        client = yarn.newClient();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (client != null) {
            client.close();
        }
        if (yarn != null) {
            yarn.close();
        }
    }

    @BeforeEach
    void nodesIdle() {
        yarn.awaitNodesIdle(client);
    }

    @Test
    void aContainerStoppedOnItsNodeManagerLosesItsTasksWithTheReason() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "failures-nm-stop")) {
            Container c = local.startExecutor("wn", EXECUTOR);
            Queue<TaskStatus> updates = new ConcurrentLinkedQueue<>();
            try (BatonClient fw = local.framework(updates::add)) {
                runTask(local, fw, "wn", LocalAm.task("n1", "cpus:0.5;mem:128"));

                // another client of the application stops it on the NodeManager (the NM tokens are in this JVM)
                try (NMClient nm = NMClient.createNMClient()) {
                    nm.init(yarn.config());
                    nm.start();
                    nm.stopContainer(c.getId(), c.getNodeId());
                }

                TaskStatus end = terminal(updates, "n1");
                assertThat(end.getState()).isEqualTo(TaskState.TASK_LOST);
                assertThat(end.getReason()).isEqualTo(TaskReason.REASON_EXECUTOR_TERMINATED);
                assertThat(end.getMessage()).startsWith("container " + c.getId() + " of executor wn exited -105 "
                        + "(KILLED_BY_APPMASTER) on node " + c.getNodeId() + ": ");
                assertGone(local, "wn");
            }
        }
    }

    @Test
    void aContainerTheResourceManagerPreemptsLosesItsTasksWithTheReason() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "failures-rm-preempt")) {
            Container c = local.startExecutor("wp", EXECUTOR);
            Queue<TaskStatus> updates = new ConcurrentLinkedQueue<>();
            try (BatonClient fw = local.framework(updates::add)) {
                runTask(local, fw, "wp", LocalAm.task("p1", "cpus:0.5;mem:128"));

                // what the CapacityScheduler's preemption does to a container it takes back
                AbstractYarnScheduler<?, ?> scheduler = (AbstractYarnScheduler<?, ?>) yarn.cluster()
                        .getResourceManager().getResourceScheduler();
                scheduler.killContainer(scheduler.getRMContainer(c.getId()));

                TaskStatus end = terminal(updates, "p1");
                assertThat(end.getState()).isEqualTo(TaskState.TASK_LOST);
                assertThat(end.getReason()).isEqualTo(TaskReason.REASON_EXECUTOR_TERMINATED);
                assertThat(end.getMessage()).isEqualTo("container " + c.getId() + " of executor wp exited -102 "
                        + "(PREEMPTED) on node " + c.getNodeId() + ": Container preempted by scheduler");
                assertGone(local, "wp");
            }
        }
    }

    @Test
    void aContainerOverItsMemoryFailsItsTasksForTheirMemory() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "failures-pmem")) {
            // a heap that fits what the task will hold; the container does not
            ExecutorLaunch small = LocalAm.worker("wm", EXECUTOR);
            List<String> flags = new ArrayList<>(small.jvmFlags());
            flags.add("-Xms64m");
            flags.add("-Xmx1g");
            Container c = local.startExecutor(new ExecutorLaunch("wm", EXECUTOR, small.java(), flags,
                    small.classpath(), small.mainClass()));
            Queue<TaskStatus> updates = new ConcurrentLinkedQueue<>();
            try (BatonClient fw = local.framework(updates::add)) {
                // declares 64 MB (the container grows to 576 MB), holds 700 MB
                TaskInfo hog = LocalAm.task("m1", "cpus:0.5;mem:64").toBuilder().setSpec(TaskSpec.newBuilder()
                        .setKind("worker").putParams("hold_mb", "700")).build();
                LocalAm.launch(fw, "wm", hog);

                TaskStatus end = terminal(updates, "m1");
                assertThat(end.getState()).as(end.getMessage()).isEqualTo(TaskState.TASK_FAILED);
                assertThat(end.getReason()).as(end.getMessage()).isEqualTo(TaskReason.REASON_CONTAINER_LIMITATION_MEMORY);
                assertThat(end.getMessage()).startsWith("container " + c.getId() + " of executor wm exited -104 "
                        + "(KILLED_EXCEEDED_PMEM) on node " + c.getNodeId() + ": ").contains("'PHYSICAL' memory limit");
                assertGone(local, "wm");
            }
        }
    }

    @Test
    void anIncreaseTheResourceManagerRefusesIsRefusedAtOnceWithItsReason() throws Exception {
        long reserveTimeoutMs = 60_000;
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "failures-update-error", reserveTimeoutMs)) {
            Container c = local.startExecutor("wu", EXECUTOR);
            try (BatonClient fw = local.framework(u -> { })) {
                // the node has 3584 MB free, so the AM asks; the RM grants no container above 2048 MB
                long start = System.nanoTime();
                ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> LocalAm.launch(fw, "wu", LocalAm.task("u1", "cpus:0.5;mem:1700")));
                long tookMs = (System.nanoTime() - start) / 1_000_000;

                assertThat(refused.getCause().getMessage()).contains("asked YARN for <memory:1700 MB, vcores:1> more "
                        + "for executor wu's container " + c.getId() + " (from <memory:512 MB, vcores:1> to "
                        + "<memory:2212 MB, vcores:2>); the ResourceManager refused it: RESOURCE_OUTSIDE_ALLOWED_RANGE")
                        .doesNotContain("did not grant it within");
                assertThat(tookMs).as("refused by the RM's answer, not by the %d ms reserve timeout", reserveTimeoutMs)
                        .isLessThan(reserveTimeoutMs);
                System.out.printf("update error: the launch was refused %d ms after it was asked%n", tookMs);
                assertThat(LocalAm.taskState(local, "wu", "u1")).isNull();
                local.assertRmEqualsLedger(client, c, EXECUTOR);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void runTask(LocalAm local, BatonClient fw, String executor, TaskInfo task) throws Exception {
        LocalAm.launch(fw, executor, task);
        String id = task.getTaskId().getValue();
        await().atMost(Duration.ofSeconds(30)).until(() -> LocalAm.taskState(local, executor, id) == TaskState.TASK_RUNNING);
    }

    /** The task's first terminal update the framework received (within 60 s: the NM's memory monitor is slow). */
    private static TaskStatus terminal(Queue<TaskStatus> updates, String task) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> updates.stream().filter(u -> u.getTaskId().getValue()
                .equals(task) && TaskStates.isTerminal(u.getState())).findFirst().orElse(null), u -> u != null);
    }

    /** The AM's ledger holds neither the executor nor a reservation of it, and the RM charges nothing to any node. */
    private static void assertGone(LocalAm local, String executor) throws Exception {
        assertThat(local.am.shim().state().getExecutorsCount()).as("executors in the AM's ledger").isZero();
        assertThat(local.am.shim().state().getReservationsCount()).isZero();
        assertThat(local.am.runningExecutors()).doesNotContainValue(executor);
        yarn.awaitNodesIdle(client);
    }
}
