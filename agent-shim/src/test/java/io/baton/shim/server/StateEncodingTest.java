package io.baton.shim.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorState;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.NodeState;
import io.baton.proto.Offer;
import io.baton.proto.OfferID;
import io.baton.proto.ResourceList;
import io.baton.proto.ShimToFramework;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.junit.jupiter.api.Test;

/** A STATE answer written with cached executor bytes reads back as the very answer, first time and after. */
class StateEncodingTest {
    private final StateEncoding encoding = new StateEncoding();

    private static ExecutorState executor(String id, int tasks, TaskState state) {
        ExecutorState.Builder b = ExecutorState.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(id))
                .setConnected(true).setPid(40 + tasks).addAllLimits(Resources.parse("cpus:1;mem:512").toProto())
                .setContainer("cgroup:" + id);
        for (int i = 0; i < tasks; i++) {
            String t = id + "-t" + i + "-é"; // a non-ASCII id: sizes are in bytes, not chars
            b.addTasks(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(t)).setState(state));
            b.addTaskResources(io.baton.proto.HeldTask.newBuilder().setTaskId(t).setResources(ResourceList.newBuilder()
                    .addAllResources(Resources.parse("cpus:0.1;mem:32").toProto())));
        }
        return b.build();
    }

    private static FrameworkResponse answer(long cid, ExecutorState... executors) {
        return FrameworkResponse.newBuilder().setCorrelationId(cid).setState(NodeState.newBuilder().setNode("n1")
                .addAllTotal(Resources.parse("cpus:8;mem:8192").toProto())
                .addOffers(Offer.newBuilder().setId(OfferID.newBuilder().setValue("o1")))
                .addAllExecutors(java.util.List.of(executors)).setIsolator("cgroup-v1")).build();
    }

    private ShimToFramework readBack(FrameworkResponse response) throws Exception {
        ByteBuf buf = encoding.encode(response, io.netty.buffer.PooledByteBufAllocator.DEFAULT);
        try {
            return ShimToFramework.parseFrom(ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    @Test
    void theAnswerReadsBackEqualWhetherItsExecutorsAreNewOrCached() throws Exception {
        ExecutorState a = executor("a", 3, TaskState.TASK_RUNNING);
        ExecutorState b = executor("b", 0, TaskState.TASK_RUNNING);
        FrameworkResponse first = answer(7, a, b);
        assertThat(readBack(first)).isEqualTo(ShimToFramework.newBuilder().setResponse(first).build());

        // a kept, b changed, c new, in another order: the cached bytes go where a now is
        ExecutorState b2 = executor("b", 2, TaskState.TASK_KILLING);
        ExecutorState c = executor("c", 300, TaskState.TASK_STAGING); // sizes past one varint byte
        FrameworkResponse second = answer(1L << 40, c, a, b2);
        ShimToFramework read = readBack(second);
        assertThat(read).isEqualTo(ShimToFramework.newBuilder().setResponse(second).build());
        assertThat(read.getResponse().getState().getExecutorsList()).extracting(e -> e.getExecutorId().getValue())
                .containsExactly("c", "a", "b");

        FrameworkResponse empty = answer(9);
        assertThat(readBack(empty)).isEqualTo(ShimToFramework.newBuilder().setResponse(empty).build());
    }
}
