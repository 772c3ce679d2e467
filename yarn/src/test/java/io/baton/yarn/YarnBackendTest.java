package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.ledger.Ledger;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkSubscribe;
import io.baton.proto.Launch;
import io.baton.proto.OfferID;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.shim.core.Effect;
import io.baton.shim.core.Input;
import io.baton.shim.core.ShimCore;
import io.baton.shim.core.ShimDriver;
import io.baton.shim.core.ShimSettings;
import io.baton.shim.server.NodeBackend;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link YarnBackend} behind the real shim core, with a hand-written fake YARN whose answers the test gives
 * (node rooms, resizes, timers) and a fake loop the test runs: a launch onto a full executor grows its container
 * first, one the node cannot fit is refused with the numbers and nothing asked, one YARN does not grant in time
 * is refused and withdrawn, one the ResourceManager refuses is refused at once with its reason, and a container
 * YARN ends takes its executor's tasks with it.
 */
class YarnBackendTest {
    private static final YarnSize NODE = new YarnSize(4096, 4);

    private final FakeYarn yarn = new FakeYarn();
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
    private final List<Effect> effects = new ArrayList<>();
    private Ledger ledger;
    private ShimDriver driver;
    private long cid;

    @BeforeEach
    void shim() {
        ledger = new Ledger(Resources.parse("cpus:8;mem:8192"), 30_000_000L, "o");
        ShimCore core = new ShimCore(new ShimSettings("am", Resources.parse("cpus:0.1;mem:32"), 5_000, 60_000, "tok",
                "/am/baton.token", new long[] {1, 2}), ledger, "yarn");
        YarnBackend backend = new YarnBackend(yarn, 10_000, Clock.fixed(Instant.ofEpochSecond(7), ZoneOffset.UTC),
                List.of("am"));
        backend.bind(new NodeBackend.NodeLoop() {
            @Override
            public void answer(Input answer) {
                loop.add(() -> driver.feed(answer));
            }

            @Override
            public void execute(Runnable task) {
                loop.add(task);
            }

            @Override
            public Ledger ledgerOf(String executorId) {
                return ledger;
            }
        });
        driver = new ShimDriver(core, e -> {
            effects.add(e);
            if (e instanceof Effect.Attach a) {
                return backend.attach(a);
            } else if (e instanceof Effect.ApplyLimits a) {
                return backend.applyLimits(a);
            } else if (e instanceof Effect.RequestGrant g) {
                return backend.requestGrant(g);
            }
            return null;
        });
        yarn.containers.put("w1", "container_1");
        yarn.sizes.put("container_1", new YarnSize(512, 1));
        feed(new Input.ExecutorCalled(1, -1, -1, ExecutorCall.newBuilder().setCorrelationId(++cid)
                .setSubscribe(ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("w1"))
                        .setToken("tok").addAllOverhead(Resources.parse("cpus:1;mem:512").toProto())).build(),
                Input.OwnerRecord.NOBODY, 1_000_000));
        assertThat(effects).anyMatch(e -> e instanceof Effect.ExecutorReply r && r.response().hasSubscribed());
        assertThat(yarn.asked).as("the container already is the executor's overhead").isEmpty();
        feed(new Input.FrameworkCalled(10, FrameworkCall.newBuilder().setCorrelationId(++cid).setSubscribe(
                FrameworkSubscribe.newBuilder().setToken("tok").setName("fw").setUpdates(true)).build(), 1_000_000));
    }

    @Test
    void aLaunchOntoAFullExecutorGrowsItsContainerFirst() {
        launch("t1", "cpus:0.5;mem:128");
        assertThat(launched()).isFalse();
        yarn.room.complete(new NodeRoom("n1:1", NODE, new YarnSize(512, 1)));
        runLoop();
        assertThat(yarn.asked).containsExactly("container_1 -> <memory:640 MB, vcores:2>");
        assertThat(launched()).as("not before the NodeManager applied it").isFalse();

        yarn.grant(new YarnSize(640, 2));
        runLoop();
        assertThat(launched()).isTrue();
        assertThat(yarn.withdrawn).isEmpty();
    }

    @Test
    void aLaunchTheNodeCannotFitIsRefusedWithTheNumbersAndNothingIsAsked() {
        launch("t1", "cpus:0.5;mem:3700");
        yarn.room.complete(new NodeRoom("n1:1", NODE, new YarnSize(1024, 1)));
        runLoop();
        assertThat(yarn.asked).isEmpty();
        assertThat(launched()).isFalse();
        assertThat(frameworkRejection()).contains("asked YARN for <memory:3700 MB, vcores:1> more for executor w1's "
                + "container container_1 (from <memory:512 MB, vcores:1> to <memory:4212 MB, vcores:2>); the node had "
                + "<memory:3072 MB, vcores:3> free on node n1:1 (capability <memory:4096 MB, vcores:4>, used "
                + "<memory:1024 MB, vcores:1>)");
        assertThat(ledger.executor("w1").taskIds()).as("the launch is undone").isEmpty();
    }

    @Test
    void anIncreaseYarnDoesNotGrantInTimeIsRefusedAndWithdrawn() {
        launch("t1", "cpus:0.5;mem:128");
        yarn.room.complete(new NodeRoom("n1:1", NODE, new YarnSize(512, 1)));
        runLoop();
        assertThat(yarn.asked).hasSize(1);

        yarn.fireTimers();
        runLoop();
        assertThat(yarn.withdrawn).containsExactly("container_1");
        assertThat(frameworkRejection()).contains("the ResourceManager did not grant it within 10000 ms");
        assertThat(ledger.executor("w1").taskIds()).isEmpty();

        yarn.grant(new YarnSize(640, 2)); // too late: ignored here (ContainerResizer gives such a grant back)
        runLoop();
        assertThat(launched()).isFalse();
    }

    @Test
    void anIncreaseTheResourceManagerRefusesIsRefusedAtOnceWithItsReason() {
        launch("t1", "cpus:0.5;mem:128");
        yarn.room.complete(new NodeRoom("n1:1", NODE, new YarnSize(512, 1)));
        runLoop();
        yarn.resize.completeExceptionally(new IllegalStateException("the ResourceManager refused it: "
                + "RESOURCE_OUTSIDE_ALLOWED_RANGE (...)"));
        runLoop();
        assertThat(frameworkRejection()).contains("asked YARN for <memory:128 MB, vcores:1> more for executor w1's "
                + "container container_1 (from <memory:512 MB, vcores:1> to <memory:640 MB, vcores:2>); the "
                + "ResourceManager refused it: RESOURCE_OUTSIDE_ALLOWED_RANGE");
        assertThat(ledger.executor("w1").taskIds()).isEmpty();
    }

    @Test
    void aContainerYarnEndedTakesItsExecutorsTasksWithItAndTheLedgerFreesThem() {
        launch("t1", "cpus:0.5;mem:128");
        yarn.room.complete(new NodeRoom("n1:1", NODE, new YarnSize(512, 1)));
        runLoop();
        yarn.grant(new YarnSize(640, 2));
        runLoop();
        effects.clear();

        yarn.ended.accept(new ContainerEnd("w1", "container_1", "n1:1", -102, "Container preempted by scheduler"));
        runLoop();
        TaskStatus lost = effects.stream().filter(e -> e instanceof Effect.Relay).map(e -> ((Effect.Relay) e).event()
                .getUpdate()).findFirst().orElseThrow(() -> new AssertionError("nothing relayed in " + effects));
        assertThat(lost.getTaskId().getValue()).isEqualTo("t1");
        assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
        assertThat(lost.getReason()).isEqualTo(TaskReason.REASON_EXECUTOR_TERMINATED);
        assertThat(lost.getMessage()).isEqualTo("container container_1 of executor w1 exited -102 (PREEMPTED) on node "
                + "n1:1: Container preempted by scheduler");
        assertThat(lost.getTimestampUs()).isEqualTo(7_000_000);
        assertThat(ledger.executor("w1")).isNull();
        assertThat(ledger.allocated().isEmpty()).isTrue();
    }

    // ------------------------------------------------------------------ fixture

    private void feed(Input in) {
        driver.feed(in);
        runLoop();
    }

    private void runLoop() {
        while (!loop.isEmpty()) {
            loop.poll().run();
        }
    }

    private void launch(String id, String resources) {
        effects.clear();
        Resources r = Resources.parse(resources);
        feed(new Input.FrameworkCalled(10, FrameworkCall.newBuilder().setCorrelationId(++cid)
                .setOffers(RequestOffers.newBuilder().addAllResources(r.toProto())).build(), 1_000_000));
        String offer = effects.stream().filter(e -> e instanceof Effect.FrameworkReply).map(e ->
                ((Effect.FrameworkReply) e).response()).filter(f -> f.hasOffers()).findFirst().orElseThrow()
                .getOffers().getOffers(0).getId().getValue();
        effects.clear();
        TaskInfo task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(r.toProto()).build();
        feed(new Input.FrameworkCalled(10, FrameworkCall.newBuilder().setCorrelationId(++cid).setLaunch(Launch
                .newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("w1")).setTask(task)
                .addOfferIds(OfferID.newBuilder().setValue(offer))).build(), 1_000_000));
    }

    private boolean launched() {
        return effects.stream().anyMatch(e -> e instanceof Effect.Deliver d && d.event().hasLaunch());
    }

    private String frameworkRejection() {
        return effects.stream().filter(e -> e instanceof Effect.FrameworkReply).map(e ->
                ((Effect.FrameworkReply) e).response()).filter(r -> r.hasRejected()).map(r -> r.getRejected()
                .getMessage()).findFirst()
                .orElseThrow(() -> new AssertionError("no framework rejection in " + effects));
    }

    /** YARN as the test answers it: one node room and one resize at a time, timers fired by hand. */
    private static final class FakeYarn implements YarnControl {
        final Map<String, String> containers = new HashMap<>();
        final Map<String, YarnSize> sizes = new HashMap<>();
        final List<String> asked = new ArrayList<>();
        final List<String> withdrawn = new ArrayList<>();
        final List<Runnable> timers = new ArrayList<>();
        CompletableFuture<NodeRoom> room = new CompletableFuture<>();
        CompletableFuture<YarnSize> resize;
        String resizing;
        java.util.function.Consumer<ContainerEnd> ended;

        @Override
        public String containerOf(String executorId) {
            return containers.get(executorId);
        }

        @Override
        public YarnSize sizeOf(String container) {
            return sizes.get(container);
        }

        @Override
        public CompletableFuture<NodeRoom> roomOf(String container) {
            return room;
        }

        @Override
        public CompletableFuture<YarnSize> resize(String container, YarnSize target) {
            asked.add(container + " -> " + target);
            resizing = container;
            resize = new CompletableFuture<>();
            return resize;
        }

        void grant(YarnSize size) {
            sizes.put(resizing, size);
            resize.complete(size);
        }

        @Override
        public void withdraw(String container) {
            withdrawn.add(container);
        }

        @Override
        public void release(String container) {
        }

        @Override
        public void onPlaced(java.util.function.BiConsumer<String, String> listener) {
            // one node here: nothing to route
        }

        @Override
        public void onEnded(java.util.function.Consumer<ContainerEnd> listener) {
            ended = listener;
        }

        @Override
        public void after(long delayMs, Runnable task) {
            timers.add(task);
        }

        void fireTimers() {
            List<Runnable> due = List.copyOf(timers);
            timers.clear();
            due.forEach(Runnable::run);
        }
    }
}
