package io.baton.shim.server;

import io.baton.proto.FrameworkCall;
import io.baton.proto.Launch;
import io.baton.proto.OfferID;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;

/** An in-process shim on a temp dir with an in-memory isolator, plus helpers that read like the protocol. */
final class ShimHarness implements AutoCloseable {
    static final String TOKEN = "s3cret-token";

    final InMemoryIsolator isolator = new InMemoryIsolator();
    final ShimServer server;
    final ShimConfig config;

    ShimHarness(Path dir, ShimConfig config) throws Exception {
        this.config = config;
        this.server = new ShimServer(config, isolator, TOKEN).start();
    }

    static ShimConfig config(Path dir) {
        return ShimConfig.defaults(dir, Resources.parse("cpus:4;mem:4096;ports:[31000-31099]"), "none");
    }

    TestExecutor executor(String id) throws InterruptedException {
        return new TestExecutor(config.executorSocket(), id);
    }

    TestFramework framework(boolean updates) throws InterruptedException {
        TestFramework f = TestFramework.unix(config.frameworkSocket());
        f.subscribe(TOKEN, updates);
        return f;
    }

    static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    static String offer(TestFramework f, String resources) throws InterruptedException {
        var r = f.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(Resources.parse(resources).toProto())));
        if (!r.hasOffers()) {
            throw new AssertionError("offer refused: " + r);
        }
        return r.getOffers().getOffers(0).getId().getValue();
    }

    static io.baton.proto.FrameworkResponse launch(TestFramework f, String exec, TaskInfo task, String... offers)
            throws InterruptedException {
        Launch.Builder l = Launch.newBuilder().setExecutorId(io.baton.proto.ExecutorID.newBuilder().setValue(exec))
                .setTask(task);
        for (String o : offers) {
            l.addOfferIds(OfferID.newBuilder().setValue(o));
        }
        return f.call(FrameworkCall.newBuilder().setLaunch(l));
    }

    static io.baton.proto.FrameworkResponse replace(TestFramework f, String rid, String oldTask, TaskInfo newTask,
            ReplaceStrategy strategy, String... offers) throws InterruptedException {
        Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTaskId(TaskID.newBuilder().setValue(oldTask)).setNewTask(newTask)
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(strategy));
        for (String o : offers) {
            r.addOfferIds(OfferID.newBuilder().setValue(o));
        }
        return f.call(FrameworkCall.newBuilder().setReplace(r));
    }

    @Override
    public void close() {
        server.close();
    }
}
