package io.baton.shim.testing;

import io.baton.proto.Adjust;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Keep;
import io.baton.proto.OfferID;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.Reserve;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.resources.Resources;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** A tiny executor speaking the executor API by hand, for the shim's tests (no SDK). */
public final class TestExecutor implements AutoCloseable {
    public final WireClient<ShimToExecutor> wire;
    public final String id;
    private final AtomicLong cid = new AtomicLong();

    public TestExecutor(Path socket, String id) throws InterruptedException {
        this.wire = WireClient.unix(socket, ShimToExecutor.getDefaultInstance());
        this.id = id;
    }

    public ExecutorResponse call(ExecutorCall.Builder call) throws InterruptedException {
        long c = cid.incrementAndGet();
        wire.send(call.setCorrelationId(c).build());
        return wire.await(m -> m.hasResponse() && m.getResponse().getCorrelationId() == c).getResponse();
    }

    public ExecutorResponse subscribe(String overhead) throws InterruptedException {
        return subscribe(ExecutorSubscribe.newBuilder().addAllOverhead(Resources.parse(overhead).toProto())
                .setAcknowledgedTogether(true)); // reads several acknowledgements in one event, as the SDK does
    }

    public ExecutorResponse subscribe(ExecutorSubscribe.Builder sub) throws InterruptedException {
        return call(ExecutorCall.newBuilder().setSubscribe(sub.setExecutorId(ExecutorID.newBuilder().setValue(id))));
    }

    public ExecutorResponse update(String task, TaskState state) throws InterruptedException {
        UUID u = UUID.randomUUID();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits());
        return call(ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(TaskStatus.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(task)).setState(state)
                .setUuid(com.google.protobuf.ByteString.copyFrom(b.array()))
                .setExecutorId(ExecutorID.newBuilder().setValue(id)))));
    }

    public ExecutorResponse reserve(String rid, String oldTask, TaskInfo newTask, boolean concurrent, List<String> offers)
            throws InterruptedException {
        Reserve.Builder r = Reserve.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTaskId(TaskID.newBuilder().setValue(oldTask)).setNewTask(newTask).setConcurrent(concurrent);
        offers.forEach(o -> r.addOfferIds(OfferID.newBuilder().setValue(o)));
        return call(ExecutorCall.newBuilder().setReserve(r));
    }

    public ExecutorResponse adjust(String rid, String inUse) throws InterruptedException {
        return call(ExecutorCall.newBuilder().setAdjust(Adjust.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .addAllInUse(Resources.parse(inUse).toProto())));
    }

    public ExecutorResponse release(String rid, Keep keep) throws InterruptedException {
        return call(ExecutorCall.newBuilder().setRelease(Release.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(rid)).setKeep(keep)));
    }

    @Override
    public void close() {
        wire.close();
    }
}
