package io.baton.sdk.client;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReplacementTimings;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestExecutor;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Predicate;

/** An in-process shim (in-memory isolator) with one subscribed hand-written executor "e1". */
final class ShimFixture implements AutoCloseable {
    static final String TOKEN = "client-it-token";

    final ShimConfig config;
    final ShimServer server;
    final TestExecutor e1;

    ShimFixture(ShimConfig config) throws Exception {
        this.config = config;
        this.server = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        this.e1 = new TestExecutor(config.executorSocket(), "e1");
        if (!e1.subscribe("cpus:0.1;mem:32").hasSubscribed()) {
            throw new AssertionError("e1 could not subscribe");
        }
    }

    static ShimConfig config(Path dir) {
        return ShimConfig.defaults(dir, Resources.parse("cpus:4;mem:4096"), "none");
    }

    ClientOptions.Builder options() {
        return ClientOptions.unix(config.frameworkSocket()).token(TOKEN).name("client-it");
    }

    BatonClient client() throws InterruptedException {
        return BatonClient.connect(options().build());
    }

    /** Offers, launches and reports {@code id} RUNNING from e1. */
    void running(BatonClient client, String id, String resources) throws Exception {
        var offers = client.offers(Resources.parse(resources)).get();
        client.launch("e1", task(id, resources), BatonClient.offerIds(offers)).get();
        awaitEvent(e -> e.hasLaunch() && e.getLaunch().getTask().getTaskId().getValue().equals(id));
        e1.update(id, TaskState.TASK_RUNNING);
    }

    ExecutorEvent awaitEvent(Predicate<ExecutorEvent> match) throws InterruptedException {
        return e1.wire.await(m -> m.hasEvent() && match.test(m.getEvent())).getEvent();
    }

    /**
     * How many times an {@code acknowledged} event names the update with {@code uuid}: as its first, or among
     * {@code more} (a client acknowledges the updates it delivered together in one call).
     */
    static int acknowledges(ExecutorEvent e, com.google.protobuf.ByteString uuid) {
        if (!e.hasAcknowledged()) {
            return 0;
        }
        int n = e.getAcknowledged().getUuid().equals(uuid) ? 1 : 0;
        for (io.baton.proto.UpdateRef more : e.getAcknowledged().getMoreList()) {
            n += more.getUuid().equals(uuid) ? 1 : 0;
        }
        return n;
    }

    /** Whether an {@code acknowledged} event names an update of task {@code id}. */
    static boolean acknowledgesTask(ExecutorEvent e, String id) {
        return e.hasAcknowledged() && (e.getAcknowledged().getTaskId().getValue().equals(id)
                || e.getAcknowledged().getMoreList().stream().anyMatch(m -> m.getTaskId().getValue().equals(id)));
    }

    /** e1 reports {@code status} (sent as is: the uuid, replacement id and outcome are the caller's). */
    void send(TaskStatus status) throws InterruptedException {
        var r = e1.call(ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(status)));
        if (!r.hasAccepted()) {
            throw new AssertionError("update not accepted: " + r);
        }
    }

    static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    static TaskStatus status(String task, TaskState state) {
        return TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task)).setState(state)
                .setUuid(uuid()).setTimestampUs(System.currentTimeMillis() * 1000).build();
    }

    /** The final update of a replacement, as an executor sends it. */
    static TaskStatus finalUpdate(String rid, String oldTask, String newTask, ReplacementOutcome outcome) {
        return status(newTask, TaskState.TASK_RUNNING).toBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setRelatedTaskId(TaskID.newBuilder().setValue(oldTask)).setOutcome(outcome)
                .setTimings(ReplacementTimings.newBuilder().setDrainUs(10).setLaunchUs(20).setTotalUs(1234)).build();
    }

    static ByteString uuid() {
        UUID u = UUID.randomUUID();
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    @Override
    public void close() {
        e1.close();
        server.close();
    }
}
