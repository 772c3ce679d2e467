package io.baton.shim.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.baton.proto.ExecutorState;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.NodeState;
import io.baton.proto.ShimToFramework;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a STATE answer with each executor's bytes kept from the answer before. The core hands out the very same
 * {@link ExecutorState} message for an executor that did not change ({@code NodeStates}); protobuf would still
 * encode it again on every answer (each task's resources, entry by entry — a map until 2026-12-06 — and every
 * string), which was most of a 100,000-task STATE's CPU once building was cached. Here an executor message seen in
 * the previous answer is written from the bytes it had then.
 *
 * <p>The bytes are the same message on the wire, only laid out differently: the state's executors come last in
 * it (protobuf readers take fields in any order and keep a repeated field's order), so a reader sees an equal
 * {@link ShimToFramework}. Holds the previous answer's executor bytes (about the answer's size) until the next
 * STATE. Thread-safe: framework connections may sit on different event loops.
 */
final class StateEncoding {
    private Map<ExecutorState, ByteString> previous = new IdentityHashMap<>();

    /** {@code response} (which has a state) as the frame's payload, the executors from the cache where it can. */
    synchronized ByteBuf encode(FrameworkResponse response, ByteBufAllocator alloc) {
        NodeState state = response.getState();
        List<ExecutorState> executors = state.getExecutorsList();
        Map<ExecutorState, ByteString> next = new IdentityHashMap<>(executors.size() * 2);
        ByteString[] bytes = new ByteString[executors.size()];
        NodeState rest = state.toBuilder().clearExecutors().build();
        int stateSize = rest.getSerializedSize();
        for (int i = 0; i < bytes.length; i++) {
            ExecutorState e = executors.get(i);
            ByteString b = previous.get(e);
            if (b == null) {
                b = e.toByteString();
            }
            next.put(e, b);
            bytes[i] = b;
            stateSize += CodedOutputStream.computeBytesSize(NodeState.EXECUTORS_FIELD_NUMBER, b);
        }
        previous = next;
        FrameworkResponse head = response.toBuilder().clearState().build();
        int responseSize = head.getSerializedSize() + CodedOutputStream.computeTagSize(FrameworkResponse.STATE_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(stateSize) + stateSize;
        int total = CodedOutputStream.computeTagSize(ShimToFramework.RESPONSE_FIELD_NUMBER)
                + CodedOutputStream.computeUInt32SizeNoTag(responseSize) + responseSize;
        // straight into the buffer the socket is written from (a direct one: no copy of a heap array on the way)
        ByteBuf buf = alloc.directBuffer(total, total);
        boolean done = false;
        try {
            CodedOutputStream o = CodedOutputStream.newInstance(buf.nioBuffer(0, total));
            o.writeTag(ShimToFramework.RESPONSE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag(responseSize);
            head.writeTo(o);
            o.writeTag(FrameworkResponse.STATE_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag(stateSize);
            rest.writeTo(o);
            for (ByteString b : bytes) {
                o.writeBytes(NodeState.EXECUTORS_FIELD_NUMBER, b);
            }
            o.flush();
            o.checkNoSpaceLeft();
            buf.writerIndex(total);
            done = true;
            return buf;
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode a STATE answer of " + total + " bytes", e);
        } finally {
            if (!done) {
                buf.release();
            }
        }
    }
}
