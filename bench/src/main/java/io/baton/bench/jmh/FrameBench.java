package io.baton.bench.jmh;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.baton.proto.FrameworkCall;
import io.baton.proto.OfferID;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.resources.Resources;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A framework's REPLACE call as it crosses the wire: a protobuf {@code FrameworkCall} behind a 4-byte
 * big-endian length (the shim's framing), encoded to bytes and decoded back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.F1, JvmFlags.F2, JvmFlags.F3, JvmFlags.F4, JvmFlags.F5, JvmFlags.F6,
        JvmFlags.F7, JvmFlags.F8, JvmFlags.F9, JvmFlags.F10, JvmFlags.F11})
public class FrameBench {
    FrameworkCall call;
    byte[] frame;

    @Setup
    public void setUp() {
        TaskInfo neu = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("web-v2-7f3a"))
                .setName("web v2").addAllResources(Resources.parse("cpus:2;mem:1024;ports:[31000-31009]").toProto())
                .setSpec(TaskSpec.newBuilder().setKind("http").setValue("/opt/web/bin/web --port 31000")
                        .putParams("version", "2.0.1"))
                .setKillGracePeriodMs(5_000).build();
        call = FrameworkCall.newBuilder().setReplace(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r-5b0e1c52-61f4-4f0f-9b1e-3c1d6a0f9e21"))
                .setOldTaskId(TaskID.newBuilder().setValue("web-v1-19ce")).setNewTask(neu)
                .addOfferIds(OfferID.newBuilder().setValue("o-42"))
                .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.START_THEN_STOP)
                        .setStartTimeoutMs(60_000)))
                .build();
        frame = encode(call);
    }

    static byte[] encode(FrameworkCall call) {
        int size = call.getSerializedSize();
        byte[] out = new byte[4 + size];
        out[0] = (byte) (size >>> 24);
        out[1] = (byte) (size >>> 16);
        out[2] = (byte) (size >>> 8);
        out[3] = (byte) size;
        try {
            CodedOutputStream c = CodedOutputStream.newInstance(out, 4, size);
            call.writeTo(c);
            c.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static FrameworkCall decode(byte[] frame) throws IOException {
        int size = ((frame[0] & 0xff) << 24) | ((frame[1] & 0xff) << 16) | ((frame[2] & 0xff) << 8) | (frame[3] & 0xff);
        if (size != frame.length - 4) {
            throw new IOException("frame says " + size + " bytes, holds " + (frame.length - 4));
        }
        return FrameworkCall.parseFrom(CodedInputStream.newInstance(frame, 4, size));
    }

    @Benchmark
    public byte[] encodeReplace() {
        return encode(call);
    }

    @Benchmark
    public FrameworkCall decodeReplace() throws IOException {
        return decode(frame);
    }
}
