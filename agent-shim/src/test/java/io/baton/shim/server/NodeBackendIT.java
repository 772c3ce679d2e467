package io.baton.shim.server;

import static io.baton.shim.server.ShimHarness.launch;
import static io.baton.shim.server.ShimHarness.offer;
import static io.baton.shim.server.ShimHarness.replace;
import static io.baton.shim.server.ShimHarness.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.NodeState;
import io.baton.proto.RejectCode;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskState;
import io.baton.shim.core.Effect;
import io.baton.shim.core.Input;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shim started with another {@link NodeBackend}: one that answers attach and grants later, from a thread
 * of its own, and refuses one grant. The executor API works as with the isolator, a refused grant rejects the
 * RESERVE with the backend's reason and books nothing, and close() closes the backend.
 */
class NodeBackendIT {
    @TempDir
    Path dir;

    /** Answers attach and grants 50 ms later on its own thread; refuses the grant of replacement "no-room". */
    static final class LateBackend implements NodeBackend {
        final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        NodeLoop loop;
        List<String> nodes = List.of();

        @Override
        public List<String> nodes() {
            return nodes;
        }

        @Override
        public String kind() {
            return "late";
        }

        @Override
        public void bind(NodeLoop loop) {
            this.loop = loop;
        }

        @Override
        public Input attach(Effect.Attach a) {
            calls.add("attach " + a.executorId());
            later.schedule(() -> loop.answer(new Input.Attached(a.request(), "late:" + a.executorId(), null)), 50,
                    TimeUnit.MILLISECONDS);
            return null;
        }

        @Override
        public Input applyLimits(Effect.ApplyLimits a) {
            calls.add("limits " + a.executorId() + " " + a.limits());
            return new Input.LimitsApplied(a.request(), false, null);
        }

        @Override
        public Input requestGrant(Effect.RequestGrant g) {
            String rid = g.reserve().getReplacementId().getValue();
            calls.add("grant " + rid);
            String refusal = rid.equals("no-room") ? "the cluster has no room for it (asked cpus:1)" : null;
            later.schedule(() -> loop.answer(new Input.GrantDecided(g.request(), refusal)), 50, TimeUnit.MILLISECONDS);
            return null;
        }

        @Override
        public void destroy(Effect.DestroyContainer d) {
            calls.add("destroy " + d.executorId());
        }

        @Override
        public void close() {
            closed = true;
            later.shutdownNow();
        }
    }

    @Test
    void aBackendThatAnswersLaterServesExecutorsAndItsRefusalRejectsTheReserve() throws Exception {
        ShimConfig config = ShimHarness.config(dir);
        LateBackend backend = new LateBackend();
        ShimServer server = ShimServer.withBackend(config, backend, ShimHarness.TOKEN, Clock.systemUTC()).start();
        try (TestExecutor e1 = new TestExecutor(config.executorSocket(), "e1");
                TestFramework fw = TestFramework.unix(config.frameworkSocket())) {
            assertThat(e1.subscribe("cpus:0.1;mem:32").hasSubscribed()).isTrue();
            fw.subscribe(ShimHarness.TOKEN, true);
            NodeState state = fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
            assertThat(state.getIsolator()).isEqualTo("late");
            assertThat(state.getExecutors(0).getContainer()).isEqualTo("late:e1");

            assertThat(launch(fw, "e1", task("a", "cpus:1;mem:128"), offer(fw, "cpus:1;mem:128")).hasForwarded())
                    .isTrue();
            e1.wire.await(m -> m.hasEvent() && m.getEvent().hasLaunch());
            e1.update("a", TaskState.TASK_RUNNING);

            String o = offer(fw, "cpus:1");
            replace(fw, "no-room", "a", task("b", "cpus:2;mem:128"), ReplaceStrategy.STOP_THEN_START, o);
            var refused = e1.reserve("no-room", "a", task("b", "cpus:2;mem:128"), false, List.of(o));
            assertThat(refused.getRejected().getCode()).isEqualTo(RejectCode.INSUFFICIENT_RESOURCES);
            assertThat(refused.getRejected().getMessage()).isEqualTo("replacement no-room was not granted its "
                    + "resources: the cluster has no room for it (asked cpus:1)");
            assertThat(fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState()
                    .getReservationsCount()).as("nothing booked").isZero();

            replace(fw, "fits", "a", task("c", "cpus:0.5;mem:64"), ReplaceStrategy.STOP_THEN_START);
            assertThat(e1.reserve("fits", "a", task("c", "cpus:0.5;mem:64"), false, List.of()).hasReserved())
                    .isTrue();
            assertThat(backend.calls).containsSubsequence("attach e1", "grant no-room", "grant fits");
            assertThat(server.verifyLedger()).isNull();
        } finally {
            server.close();
        }
        assertThat(backend.closed).isTrue();
    }

    @Test
    void aBackendOfSeveralNodesGetsALedgerPerNodeBehindOneSetOfSockets() throws Exception {
        ShimConfig config = ShimHarness.config(dir);
        LateBackend backend = new LateBackend();
        backend.nodes = List.of("nm-a:1", "nm-b:2");
        ShimServer server = ShimServer.withBackend(config, backend, ShimHarness.TOKEN, Clock.systemUTC()).start();
        try (TestExecutor e1 = new TestExecutor(config.executorSocket(), "e1");
                TestExecutor e2 = new TestExecutor(config.executorSocket(), "e2");
                TestFramework fw = TestFramework.unix(config.frameworkSocket())) {
            backend.loop.answer(new Input.Placed("e1", "nm-b:2", System.currentTimeMillis() * 1000));
            server.onLoop(() -> null); // the loop runs its tasks in order: placed before e1 can subscribe
            assertThat(e1.subscribe("cpus:0.1;mem:32").hasSubscribed()).isTrue();
            assertThat(e2.subscribe("cpus:0.1;mem:32").getRejected().getMessage())
                    .contains("executor e2 was not started on any node");
            fw.subscribe(ShimHarness.TOKEN, true);

            var offered = fw.call(FrameworkCall.newBuilder().setOffers(io.baton.proto.RequestOffers.newBuilder()
                    .addAllResources(io.baton.resources.Resources.parse("cpus:1;mem:128").toProto())
                    .setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue("e1")))).getOffers().getOffers(0);
            assertThat(offered.getNode()).isEqualTo("nm-b:2");
            assertThat(launch(fw, "e1", task("a", "cpus:1;mem:128"), offered.getId().getValue()).hasForwarded())
                    .isTrue();
            e1.wire.await(m -> m.hasEvent() && m.getEvent().hasLaunch());

            NodeState state = fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
            assertThat(state.getNodesList()).extracting(NodeState::getNode).containsExactly("nm-a:1", "nm-b:2");
            assertThat(state.getExecutorsList()).singleElement().matches(x -> x.getNode().equals("nm-b:2"));
            assertThat(io.baton.resources.Resources.fromProto(state.getNodes(0).getAllocatedList()).isEmpty())
                    .as("nothing on nm-a").isTrue();
            assertThat(server.state()).as("the live view's and the tools' STATE").isEqualTo(state);
            assertThat(server.metricsText()).contains("baton_resources{kind=\"total\",resource=\"cpus\"} "
                    + (long) (2 * config.total().scalarValue("cpus")));
            assertThat(server.verifyLedger()).isNull();
        } finally {
            server.close();
        }
    }
}
