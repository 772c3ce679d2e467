package io.baton.shim.server;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.Rejection;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.RejectCode;
import io.netty.channel.Channel;

/** One executor connection. Its identity (pid, uid) comes from the socket, never from a message. */
final class ExecutorSession {
    final Channel channel;
    final long pid;
    final int uid;
    /** The number the core knows this connection by. */
    long conn;

    ExecutorSession(Channel channel, long pid, int uid) {
        this.channel = channel;
        this.pid = pid;
        this.uid = uid;
    }

    void respond(ExecutorResponse response) {
        channel.writeAndFlush(ShimToExecutor.newBuilder().setResponse(response).build());
    }

    void reject(long correlationId, RejectCode code, String message) {
        respond(ExecutorResponse.newBuilder().setCorrelationId(correlationId)
                .setRejected(Rejection.newBuilder().setCode(code).setMessage(message)).build());
    }

    void send(ExecutorEvent event) {
        channel.writeAndFlush(ShimToExecutor.newBuilder().setEvent(event).build());
    }

    @Override
    public String toString() {
        return "executor connection " + conn + " (pid " + pid + ", uid " + uid + ")";
    }
}
