package io.baton.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Accepted;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkEvent;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.GetState;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.ShimToFramework;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The client's pipeline in memory: framing both ways, responses to calls, events to the stream. */
class ClientPipelineTest {
    final PendingCalls pending = new PendingCalls();
    final List<TaskStatus> updates = new ArrayList<>();
    final List<String> lifecycle = new ArrayList<>();
    final EmbeddedChannel ch = new EmbeddedChannel();

    ClientPipelineTest() {
        ClientInitializer.install(ch.pipeline(), 1024, 0, new ClientHandler("unix:/test", pending, updates::add,
                () -> lifecycle.add("idle"), () -> lifecycle.add("inactive")));
    }

    private static ByteBuf frame(ShimToFramework m) {
        byte[] body = m.toByteArray();
        return Unpooled.buffer().writeInt(body.length).writeBytes(body);
    }

    @Test
    void callsAreLengthPrefixedAndResponsesDecodedAndMatched() throws Exception {
        FrameworkCall call = FrameworkCall.newBuilder().setCorrelationId(7).setState(GetState.getDefaultInstance())
                .build();
        ch.writeOutbound(call);
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf part; (part = ch.readOutbound()) != null;) { // the prepender writes header and body apart
            out.writeBytes(part);
            part.release();
        }
        assertThat(out.readInt()).isEqualTo(call.getSerializedSize());
        assertThat(FrameworkCall.parseFrom(io.netty.buffer.ByteBufUtil.getBytes(out))).isEqualTo(call);
        out.release();

        CompletableFuture<Void> ok = pending.register(7, Responses.accepted("DECLINE"));
        CompletableFuture<Void> refused = pending.register(8, Responses.accepted("DECLINE"));
        ch.writeInbound(frame(ShimToFramework.newBuilder().setResponse(FrameworkResponse.newBuilder()
                .setCorrelationId(7).setAccepted(Accepted.getDefaultInstance())).build()));
        ch.writeInbound(frame(ShimToFramework.newBuilder().setResponse(FrameworkResponse.newBuilder()
                .setCorrelationId(8).setRejected(Rejection.newBuilder().setCode(RejectCode.INTERNAL)
                        .setMessage("nope"))).build()));

        assertThat(ok).isCompleted();
        assertThat(refused).failsWithin(java.time.Duration.ZERO).withThrowableOfType(
                java.util.concurrent.ExecutionException.class).havingCause().isInstanceOf(ShimRejectedException.class)
                .withMessage("DECLINE rejected by the shim (INTERNAL): nope");
    }

    @Test
    void updatesGoToTheStreamAndTheEndOfTheConnectionIsReported() {
        TaskStatus s = ShimFixture.status("a", TaskState.TASK_RUNNING);
        ch.writeInbound(frame(ShimToFramework.newBuilder().setEvent(FrameworkEvent.newBuilder().setUpdate(s)).build()));
        assertThat(updates).containsExactly(s);

        ch.close();
        assertThat(lifecycle).containsExactly("inactive");
    }
}
