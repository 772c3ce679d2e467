package io.baton.shim.testing;

import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkSubscribe;
import io.baton.proto.ShimToFramework;
import io.baton.proto.TaskStatus;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** A tiny framework client speaking the framework API by hand, for the shim's tests. */
public final class TestFramework implements AutoCloseable {
    public final WireClient<ShimToFramework> wire;
    private final AtomicLong cid = new AtomicLong();

    public TestFramework(WireClient<ShimToFramework> wire) {
        this.wire = wire;
    }

    public static TestFramework unix(Path socket) throws InterruptedException {
        return new TestFramework(WireClient.unix(socket, ShimToFramework.getDefaultInstance()));
    }

    public FrameworkResponse call(FrameworkCall.Builder call) throws InterruptedException {
        long c = cid.incrementAndGet();
        wire.send(call.setCorrelationId(c).build());
        return wire.await(m -> m.hasResponse() && m.getResponse().getCorrelationId() == c).getResponse();
    }

    public FrameworkResponse subscribe(String token, boolean updates) throws InterruptedException {
        return call(FrameworkCall.newBuilder().setSubscribe(FrameworkSubscribe.newBuilder().setToken(token)
                .setUpdates(updates).setName("test")));
    }

    public TaskStatus awaitUpdate(String taskId, io.baton.proto.TaskState state) throws InterruptedException {
        return wire.await(m -> m.hasEvent() && m.getEvent().hasUpdate()
                && m.getEvent().getUpdate().getTaskId().getValue().equals(taskId)
                && m.getEvent().getUpdate().getState() == state).getEvent().getUpdate();
    }

    @Override
    public void close() {
        wire.close();
    }
}
