package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.CommandCheck;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ReplaceHandle;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grants and container sizes through YARN ({@link YarnBackend}): an augmented replacement grows the executor's
 * container before the old task stops, an increase the node cannot fit is REJECTED with the numbers, a
 * partial replacement's leftover goes back to the ResourceManager (at the commit, or at the handoff with
 * {@code releaseLeftover = IMMEDIATE}), a FREEZE_THEN_START holds both tasks' resources until its commit, and a
 * rollback gives the whole grant back. After each, the RM's container and node
 * views equal Baton's ledger mapped by {@link YarnResources}. One cluster for the class; one application (AM)
 * and one executor per test.
 */
@Tag("integration")
class YarnGrantsIT {
    /** The executor's container at start: its overhead, no tasks. */
    private static final YarnSize EXECUTOR = new YarnSize(512, 1);

    private static LocalYarn yarn;
    private static YarnClient client;

    @TempDir
    Path tmp;

    @BeforeAll
    static void cluster() throws Exception {
        yarn = LocalYarn.start("grants-it");
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
        yarn.awaitNodesIdle(client); // the previous test's application ended; the RM stops its containers on its own time
    }

    @Test
    void anAugmentedReplacementGrowsTheContainerBeforeTheOldTaskStops() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "grants-augmented")) {
            Container c = startExecutor(local, "wa");
            AtomicReference<YarnSize> sizeWhenOldStopping = new AtomicReference<>();
            try (BatonClient fw = local.framework(u -> {
                // KILLING is sent once the RESERVE is answered, as the old task's stop begins
                if (u.getTaskId().getValue().equals("a1") && u.getState() == TaskState.TASK_KILLING) {
                    sizeWhenOldStopping.compareAndSet(null, local.am.containerSize(c.getId()));
                }
            })) {
                LocalAm.launch(fw, "wa", LocalAm.task("a1", "cpus:0.5;mem:128"));
                // the launch itself grew the container: overhead 1 cpu / 512 MB + 0.5 / 128
                assertRmEqualsLedger(local, c, new YarnSize(640, 2));

                String offer = LocalAm.offerNear(fw, "a1", "cpus:1;mem:256");
                ReplaceOutcome out = fw.replace(ReplaceSpec.of("a1", LocalAm.task("a2", "cpus:1.5;mem:384"), offer)
                        .withReplacementId("augment")).outcome().get(40, TimeUnit.SECONDS);

                assertThat(out.outcome()).as(out.status().getMessage()).isEqualTo(ReplacementOutcome.COMMITTED);
                YarnSize grown = new YarnSize(896, 3); // overhead 1 / 512 + pool (T_old + offer) 1.5 / 384
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sizeWhenOldStopping.get())
                        .as("the container when the old task's stop began").isEqualTo(grown));
                assertRmEqualsLedger(local, c, grown); // T_new = T_old + offer: no leftover
            }
        }
    }

    @Test
    void anIncreaseTheNodeCannotFitIsRejectedWithTheNumbers() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "grants-no-room")) {
            Container c = startExecutor(local, "wb");
            try (BatonClient fw = local.framework(u -> { })) {
                LocalAm.launch(fw, "wb", LocalAm.task("b1", "cpus:0.5;mem:128"));
                YarnSize before = new YarnSize(640, 2);
                assertRmEqualsLedger(local, c, before);

                // the application's ledger has room for it (8 cpus, 8192 MB); the 4096 MB node does not
                String offer = LocalAm.offerNear(fw, "b1", "cpus:0.5;mem:3600");
                ReplaceOutcome out = fw.replace(ReplaceSpec.of("b1", LocalAm.task("b2", "cpus:1;mem:3700"), offer)
                        .withReplacementId("too-big")).outcome().get(40, TimeUnit.SECONDS);

                assertThat(out.outcome()).isEqualTo(ReplacementOutcome.REJECTED);
                assertThat(out.status().getMessage()).contains("asked YARN for <memory:3600 MB, vcores:0> more")
                        .contains("from <memory:640 MB, vcores:2> to <memory:4240 MB, vcores:2>")
                        .contains("the node had <memory:3456 MB, vcores:2> free on node " + c.getNodeId())
                        .contains("capability <memory:4096 MB, vcores:4>, used <memory:640 MB, vcores:2>");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(LocalAm.taskState(local, "wb", "b1"))
                        .isEqualTo(TaskState.TASK_RUNNING));
                assertThat(local.am.shim().state().getReservationsCount()).isZero();
                assertRmEqualsLedger(local, c, before);
            }
        }
    }

    @Test
    void aPartialReplacementGivesTheLeftoverBackToTheResourceManager() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "grants-partial")) {
            Container c = startExecutor(local, "wc");
            try (BatonClient fw = local.framework(u -> { })) {
                LocalAm.launch(fw, "wc", LocalAm.task("c1", "cpus:1.5;mem:256"));
                assertRmEqualsLedger(local, c, new YarnSize(768, 3));

                ReplaceOutcome out = fw.replace(ReplaceSpec.of("c1", LocalAm.task("c2", "cpus:0.5;mem:64"))
                        .withReplacementId("partial")).outcome().get(40, TimeUnit.SECONDS);

                assertThat(out.outcome()).as(out.status().getMessage()).isEqualTo(ReplacementOutcome.COMMITTED);
                // the leftover (1 cpu, 192 MB) left the ledger at commit, and the container with it
                assertRmEqualsLedger(local, c, new YarnSize(576, 2));
            }
        }
    }

    @Test
    void aRollbackGivesTheWholeGrantBack() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "grants-rollback")) {
            Container c = startExecutor(local, "wd");
            try (BatonClient fw = local.framework(u -> { })) {
                LocalAm.launch(fw, "wd", LocalAm.task("d1", "cpus:0.5;mem:128"));
                YarnSize before = new YarnSize(640, 2);
                assertRmEqualsLedger(local, c, before);

                String offer = LocalAm.offerNear(fw, "d1", "cpus:1;mem:256");
                TaskInfo failing = LocalAm.task("d2", "cpus:1.5;mem:384").toBuilder()
                        .setSpec(TaskSpec.newBuilder().setKind("worker").setValue("fail")).build();
                ReplaceOutcome out = fw.replace(ReplaceSpec.of("d1", failing, offer).withReplacementId("doomed"))
                        .outcome().get(40, TimeUnit.SECONDS);

                assertThat(out.outcome()).as(out.status().getMessage()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
                // the old task runs again: its latest update says so with TASK_ROLLED_BACK, which is not terminal
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(LocalAm.taskState(local, "wd", "d1"))
                        .isEqualTo(TaskState.TASK_ROLLED_BACK));
                assertRmEqualsLedger(local, c, before); // the increase for the offer went back with it
            }
        }
    }

    /**
     * {@code releaseLeftover = IMMEDIATE}: the leftover goes back to the ResourceManager at the handoff, while the
     * new task is still being health-gated (min healthy 8 s), not at the commit.
     */
    @Test
    void withReleaseLeftoverImmediateTheLeftoverGoesBackAtTheHandoffNotAtTheCommit() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "grants-immediate")) {
            Container c = startExecutor(local, "wf");
            try (BatonClient fw = local.framework(u -> { })) {
                LocalAm.launch(fw, "wf", LocalAm.task("f1", "cpus:1.5;mem:256"));
                assertRmEqualsLedger(local, c, new YarnSize(768, 3));

                // a readiness check (the shell's `true`, every 200 ms) that must keep passing for 8 s
                TaskInfo gated = LocalAm.task("f2", "cpus:0.5;mem:64").toBuilder().setReadiness(ReadinessCheck
                        .newBuilder().setCommand(CommandCheck.newBuilder().setCommand("true")).setIntervalMs(200))
                        .build();
                ReplaceHandle h = fw.replace(ReplaceSpec.of("f1", gated)
                        .withReplacementId("immediate").withPolicy(ReplacePolicy.newBuilder()
                                .setStrategy(ReplaceStrategy.STOP_THEN_START)
                                .setReleaseLeftover(ReleaseLeftover.IMMEDIATE).setMinHealthyMs(8_000).build()));

                YarnSize after = new YarnSize(576, 2); // overhead 1 / 512 + T_new 0.5 / 64
                await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(50))
                        .until(() -> after.equals(rmSize(c)));
                assertThat(h.outcome()).as("the replacement, health-gated for 8 s, when the RM had the leftover back")
                        .isNotDone();
                ReplaceOutcome out = h.outcome().get(40, TimeUnit.SECONDS);
                assertThat(out.outcome()).as(out.status().getMessage()).isEqualTo(ReplacementOutcome.COMMITTED);
                assertRmEqualsLedger(local, c, after);
            }
        }
    }

    /**
     * FREEZE_THEN_START runs both tasks at once (the old one frozen), so the offer holds all of T_new and the
     * container holds T_old + T_new until the commit, which gives T_old back.
     */
    @Test
    void aFreezeThenStartHoldsBothTasksUntilItsCommit() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "grants-freeze")) {
            Container c = startExecutor(local, "wg");
            try (BatonClient fw = local.framework(u -> { })) {
                LocalAm.launch(fw, "wg", LocalAm.task("g1", "cpus:0.5;mem:128"));
                assertRmEqualsLedger(local, c, new YarnSize(640, 2));

                // the new task is health-gated for 4 s (the shell's `true` every 200 ms), so the container's size
                // with both tasks is read while they run side by side, not raced against the commit's decrease
                String offer = LocalAm.offerNear(fw, "g1", "cpus:1;mem:256");
                TaskInfo gated = LocalAm.task("g2", "cpus:1;mem:256").toBuilder().setReadiness(ReadinessCheck
                        .newBuilder().setCommand(CommandCheck.newBuilder().setCommand("true")).setIntervalMs(200))
                        .build();
                ReplaceHandle h = fw.replace(ReplaceSpec.of("g1", gated, offer).withReplacementId("freeze")
                        .withPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.FREEZE_THEN_START)
                                .setMinHealthyMs(4_000).build()));

                YarnSize both = new YarnSize(896, 3); // overhead 1 / 512 + T_old 0.5 / 128 + T_new 1 / 256
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                        .until(() -> both.equals(rmSize(c)));
                assertThat(h.outcome()).as("the container in the RM held both tasks while the new one ran beside the "
                        + "frozen one, before the commit").isNotDone();
                ReplaceOutcome out = h.outcome().get(40, TimeUnit.SECONDS);

                assertThat(out.outcome()).as(out.status().getMessage()).isEqualTo(ReplacementOutcome.COMMITTED);
                assertRmEqualsLedger(local, c, new YarnSize(768, 2)); // T_old given back at the commit
            }
        }
    }

    /**
     * Two executors on one node grow at once, each alone fits the node's free room, both do not: both pass the
     * node-report check, both ask, the scheduler grants one and leaves the other pending. The pending one is
     * refused at the reserve timeout and withdrawn; when the room frees up later, it still does not grow.
     */
    @Test
    void anIncreaseYarnLeavesPendingIsRefusedAtTheTimeoutAndWithdrawn() throws Exception {
        try (LocalAm local = LocalAm.start(yarn, client, tmp, "grants-pending", 3_000)) {
            Container[] all = {startExecutor(local, "we1"), startExecutor(local, "we2"), startExecutor(local, "we3")};
            org.apache.hadoop.yarn.api.records.NodeId shared = sharedNode(all);
            List<Container> onShared = java.util.Arrays.stream(all).filter(c -> c.getNodeId().equals(shared)).toList();
            Container first = onShared.get(0);
            Container second = onShared.get(1);
            NodeReport node = client.getNodeReports(org.apache.hadoop.yarn.api.records.NodeState.RUNNING).stream()
                    .filter(n -> n.getNodeId().equals(shared)).findFirst().orElseThrow();
            long freeMb = node.getCapability().getMemorySize() - node.getUsed().getMemorySize();
            long each = freeMb / 2 + 256; // one fits, two do not
            String e1 = local.am.runningExecutors().get(first.getId());
            String e2 = local.am.runningExecutors().get(second.getId());
            try (BatonClient fw = local.framework(u -> { })) {
                var a = launchAsync(fw, e1, LocalAm.task("p1", "cpus:0.1;mem:" + each));
                var b = launchAsync(fw, e2, LocalAm.task("p2", "cpus:0.1;mem:" + each));
                List<String> results = List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS));
                assertThat(results).as("one launch grew its container, the other was refused").contains("ok")
                        .anyMatch(r -> r.contains("did not grant it within 3000 ms"));
                Container refused = results.get(0).equals("ok") ? second : first;
                Container grown = refused == first ? second : first;
                String refusedId = local.am.runningExecutors().get(refused.getId());
                assertThat(YarnResources.size(client.getContainerReport(refused.getId()).getAllocatedResource()))
                        .as("the refused container in the RM").isEqualTo(EXECUTOR);
                assertThat(YarnResources.size(Resources.fromProto(LocalAm.executor(local.am.shim().state(), refusedId)
                        .orElseThrow().getLimitsList()))).as("the refused launch is undone").isEqualTo(EXECUTOR);

                // the room frees up: a withdrawn increase must not be granted now
                fw.kill(results.get(0).equals("ok") ? "p1" : "p2", 1_000).get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(10)).until(() -> EXECUTOR.equals(local.am.containerSize(grown.getId())));
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> EXECUTOR.equals(
                        YarnResources.size(client.getContainerReport(refused.getId()).getAllocatedResource())));
                assertThat(local.am.containerSize(refused.getId())).isEqualTo(EXECUTOR);

                // ports are the AM's to check (YARN does not see them), per node: one ledger per NodeManager
                Container alone = elsewhere(local, all, shared);
                String e3 = local.am.runningExecutors().get(alone.getId());
                LocalAm.launch(fw, e3, LocalAm.task("q3", PORT));
                LocalAm.launch(fw, e1, LocalAm.task("q1", PORT));
                Throwable taken = org.assertj.core.api.Assertions.catchThrowable(() -> fw.offersOn(e2,
                        Resources.parse(PORT)).get(10, TimeUnit.SECONDS));
                assertThat(taken).as("the port is taken on the shared node").hasMessageContaining("node " + shared)
                        .hasMessageContaining("missing " + PORT);
                io.baton.proto.NodeState state = local.am.shim().state();
                assertThat(state.getNodesList()).extracting(io.baton.proto.NodeState::getNode)
                        .contains(shared.toString(), alone.getNodeId().toString());
                assertThat(LocalAm.executor(state, e3).orElseThrow().getNode()).isEqualTo(alone.getNodeId().toString());
                assertThat(local.am.shim().verifyLedger()).isNull();
            }
        }
    }

    private static final String PORT = "ports:[31000-31000]";

    /**
     * A container on a node other than {@code shared}: one of {@code all}, else a new executor's. The scheduler may
     * place all three on one node; each holds a vcore of the node's {@code LocalYarn.NODE_SIZE}, so a full node
     * sends the next one to the other within that many tries.
     */
    private static Container elsewhere(LocalAm local, Container[] all, org.apache.hadoop.yarn.api.records.NodeId shared)
            throws Exception {
        for (Container c : all) {
            if (!c.getNodeId().equals(shared)) {
                return c;
            }
        }
        for (int i = 0; i < LocalYarn.NODE_SIZE.vcores(); i++) {
            Container c = startExecutor(local, "wx" + i);
            if (!c.getNodeId().equals(shared)) {
                return c;
            }
        }
        throw new AssertionError("every executor was placed on " + shared + ", none on the other NodeManager");
    }

    private static org.apache.hadoop.yarn.api.records.NodeId sharedNode(Container[] all) {
        for (int i = 0; i < all.length; i++) {
            for (int j = i + 1; j < all.length; j++) {
                if (all[i].getNodeId().equals(all[j].getNodeId())) {
                    return all[i].getNodeId();
                }
            }
        }
        throw new AssertionError("three containers on two nodes, yet no two share one");
    }

    /** "ok" once forwarded, else the refusal's message. */
    private static java.util.concurrent.CompletableFuture<String> launchAsync(BatonClient fw, String executor,
            TaskInfo task) throws Exception {
        List<String> offers = BatonClient.offerIds(fw.offersOn(executor, Resources.fromProto(task.getResourcesList()))
                .get(10, TimeUnit.SECONDS));
        return fw.launch(executor, task, offers).handle((r, e) -> e == null ? "ok" : String.valueOf(e.getMessage()));
    }

    // ------------------------------------------------------------------ helpers

    private static Container startExecutor(LocalAm local, String id) throws Exception {
        return local.startExecutor(id, EXECUTOR);
    }

    /** The container's size as the ResourceManager has it. */
    private static YarnSize rmSize(Container c) throws Exception {
        return YarnResources.size(client.getContainerReport(c.getId()).getAllocatedResource());
    }

    private static void assertRmEqualsLedger(LocalAm local, Container c, YarnSize size) {
        local.assertRmEqualsLedger(client, c, size);
    }
}
