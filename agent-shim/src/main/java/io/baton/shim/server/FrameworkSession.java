package io.baton.shim.server;

import io.baton.proto.FrameworkEvent;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.ShimToFramework;
import io.netty.channel.Channel;

/** One framework connection; authenticated by the token in its SUBSCRIBE. */
final class FrameworkSession {
    final Channel channel;
    private final StateEncoding states;
    /** The number the core knows this connection by. */
    long conn;

    FrameworkSession(Channel channel, StateEncoding states) {
        this.channel = channel;
        this.states = states;
    }

    void respond(FrameworkResponse response) {
        if (response.hasState()) {
            channel.writeAndFlush(states.encode(response, channel.alloc())); // a ByteBuf: past the protobuf encoder, framed as usual
            return;
        }
        channel.writeAndFlush(ShimToFramework.newBuilder().setResponse(response).build());
    }

    void reject(long correlationId, RejectCode code, String message) {
        respond(FrameworkResponse.newBuilder().setCorrelationId(correlationId)
                .setRejected(Rejection.newBuilder().setCode(code).setMessage(message)).build());
    }

    void send(FrameworkEvent event) {
        channel.writeAndFlush(ShimToFramework.newBuilder().setEvent(event).build());
    }

    @Override
    public String toString() {
        return "framework connection " + conn + " (" + channel.remoteAddress() + ")";
    }
}
