package io.baton.shim.security;

import io.baton.proto.ExecutorID;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.GetState;
import io.baton.proto.Launch;
import io.baton.proto.NodeState;
import io.baton.proto.OfferID;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;

/** A real shim built through the public API, with helpers for setting up victims. */
final class SecurityShim implements AutoCloseable {
    static final String TOKEN = "sec-token-9f8e7d6c";

    final InMemoryIsolator isolator = new InMemoryIsolator();
    final ShimConfig config;
    final ShimServer server;

    SecurityShim(ShimConfig config) throws Exception {
        this.config = config;
        this.server = new ShimServer(config, isolator, TOKEN).start();
    }

    static ShimConfig config(java.nio.file.Path dir) {
        return ShimConfig.defaults(dir, Resources.parse("cpus:4;mem:4096;ports:[31000-31099]"), "none");
    }

    TestExecutor executor(String id) throws Exception {
        TestExecutor e = new TestExecutor(config.executorSocket(), id);
        if (!e.subscribe("cpus:0.1;mem:32").hasSubscribed()) {
            throw new AssertionError("executor " + id + " could not subscribe");
        }
        return e;
    }

    TestFramework framework() throws Exception {
        TestFramework f = TestFramework.unix(config.frameworkSocket());
        if (!f.subscribe(TOKEN, false).hasSubscribed()) {
            throw new AssertionError("framework could not subscribe");
        }
        return f;
    }

    static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    /** Launches a task on an executor from a fresh offer and waits until the executor has it. */
    static void launch(TestFramework fw, TestExecutor e, String taskId, String resources) throws Exception {
        FrameworkResponse offer = fw.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(Resources.parse(resources).toProto())));
        String o = offer.getOffers().getOffers(0).getId().getValue();
        FrameworkResponse r = fw.call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(e.id)).setTask(task(taskId, resources))
                .addOfferIds(OfferID.newBuilder().setValue(o))));
        if (!r.hasForwarded()) {
            throw new AssertionError("launch refused: " + r);
        }
        e.wire.await(m -> m.hasEvent() && m.getEvent().hasLaunch()
                && m.getEvent().getLaunch().getTask().getTaskId().getValue().equals(taskId));
    }

    NodeState state() throws Exception {
        return server.state();
    }

    static FrameworkCall.Builder stateCall() {
        return FrameworkCall.newBuilder().setState(GetState.getDefaultInstance());
    }

    @Override
    public void close() {
        server.close();
    }
}
