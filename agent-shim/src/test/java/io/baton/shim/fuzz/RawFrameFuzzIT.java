package io.baton.shim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.MessageLite;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.RejectCode;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.ShimToFramework;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames on connections that never authenticated: every reply decodes and is a
 * typed response or error event, each complete frame is answered, the shim keeps serving, and the
 * ledger does not move unless a (mutated) SUBSCRIBE happened to be valid. Cases come from a printed
 * seed ({@link SeededCases}).
 */
class RawFrameFuzzIT {
    static final int MAX_FRAME = 16 * 1024;
    /** What a framing fault may be answered with. */
    static final Set<RejectCode> FRAMING = EnumSet.of(RejectCode.MALFORMED, RejectCode.FRAME_TOO_LARGE,
            RejectCode.IDLE_TIMEOUT);

    static FuzzShim shim;
    static RawConnection<ShimToExecutor> exec;
    static RawConnection<ShimToFramework> fw;
    static final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    static final AtomicInteger inputs = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        shim = new FuzzShim(MAX_FRAME, 2_000);
    }

    @AfterAll
    static void stop() throws IOException {
        System.out.println("RawFrameFuzzIT: " + inputs + " inputs; replies by kind: " + new TreeMap<>(seen));
        if (exec != null) {
            exec.close();
        }
        if (fw != null) {
            fw.close();
        }
        shim.close();
    }

    record RawFrame(int declared, byte[] body) {
        byte[] bytes() {
            return ByteBuffer.allocate(4 + body.length).putInt(declared).put(body).array();
        }

        @Override
        public String toString() {
            String head = HexFormat.of().formatHex(body, 0, Math.min(body.length, 24));
            return "RawFrame[declared=" + declared + ", body=" + body.length + " bytes: " + head
                    + (body.length > 24 ? "..." : "") + "]";
        }
    }

    record Mutation(int kind, int at, byte value) {
        static Mutation random(SplittableRandom r) {
            return new Mutation(SeededCases.between(r, 0, 3), SeededCases.between(r, 0, 10_000), (byte) r.nextInt());
        }
    }

    /** A valid call with a few byte-level mutations applied to its encoding. */
    record Mutated(MessageLite call, List<Mutation> mutations) {
        static Mutated random(SplittableRandom r, List<? extends MessageLite> calls) {
            List<Mutation> m = new ArrayList<>();
            for (int i = SeededCases.between(r, 1, 4); i > 0; i--) {
                m.add(Mutation.random(r));
            }
            return new Mutated(SeededCases.pick(r, calls), List.copyOf(m));
        }

        byte[] frame() {
            return Frames.framed(mutate(call, mutations));
        }
    }

    static RawFrame rawFrame(SplittableRandom r) {
        byte[] body = SeededCases.bytes(r, 300);
        int pick = SeededCases.between(r, 0, 9);
        int any = SeededCases.anyInt(r);
        return new RawFrame(switch (pick) {
            case 0, 1, 2 -> body.length; // a well-framed random body
            case 3 -> Integer.MIN_VALUE + Math.abs(any % 1000);
            case 4 -> -1 - Math.abs(any % 1000);
            case 5 -> Integer.MAX_VALUE - Math.abs(any % 1000);
            case 6 -> MAX_FRAME + 1 + Math.abs(any % 100_000);
            case 7 -> Math.max(0, body.length - 1 - Math.abs(any % 16)); // trailing bytes start another frame
            case 8 -> body.length + 1 + Math.abs(any % 64); // half sent
            default -> 0;
        }, body);
    }

    @Test
    void randomFramesOnTheExecutorSocket() {
        SeededCases.run("RawFrameFuzzIT.randomFramesOnTheExecutorSocket", 120, RawFrameFuzzIT::rawFrame,
                frame -> onExecutorSocket(frame.bytes()));
    }

    @Test
    void randomFramesOnTheFrameworkSocket() {
        SeededCases.run("RawFrameFuzzIT.randomFramesOnTheFrameworkSocket", 120, RawFrameFuzzIT::rawFrame,
                frame -> onFrameworkSocket(frame.bytes()));
    }

    @Test
    void mutatedExecutorCalls() {
        List<ExecutorCall> calls = Calls.executorCalls();
        SeededCases.run("RawFrameFuzzIT.mutatedExecutorCalls", 150, r -> Mutated.random(r, calls),
                m -> onExecutorSocket(m.frame()));
    }

    @Test
    void mutatedFrameworkCalls() {
        List<FrameworkCall> calls = Calls.frameworkCalls();
        SeededCases.run("RawFrameFuzzIT.mutatedFrameworkCalls", 150, r -> Mutated.random(r, calls),
                m -> onFrameworkSocket(m.frame()));
    }

    static byte[] mutate(MessageLite call, List<Mutation> mutations) {
        List<Byte> b = new ArrayList<>();
        for (byte x : call.toByteArray()) {
            b.add(x);
        }
        for (Mutation m : mutations) {
            int at = b.isEmpty() ? 0 : m.at() % b.size();
            switch (m.kind()) {
                case 0 -> { if (!b.isEmpty()) { b.set(at, (byte) (b.get(at) ^ (1 << (m.value() & 7)))); } }
                case 1 -> b.add(at, m.value());
                case 2 -> { if (!b.isEmpty()) { b.remove(at); } }
                default -> { if (!b.isEmpty()) { b.set(at, m.value()); } }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private void onExecutorSocket(byte[] bytes) throws Exception {
        if (exec == null || exec.closedByPeer()) {
            exec = reopen(exec, shim.config.executorSocket(), ShimToExecutor.parser());
        }
        List<ShimToExecutor> replies = exchange(exec, bytes);
        boolean authorized = false;
        for (ShimToExecutor r : replies) {
            if (r.hasResponse()) {
                ExecutorResponse resp = r.getResponse();
                String kind = resp.getResultCase().name() + (resp.hasRejected() ? ":" + resp.getRejected().getCode() : "");
                count("exec " + kind);
                // nothing but a rejection, or a SUBSCRIBE that the mutation left valid, can come back
                assertThat(authorized || resp.hasRejected() || resp.hasSubscribed()).as(kind).isTrue();
                if (resp.hasRejected()) {
                    assertThat(resp.getRejected().getMessage()).isNotBlank();
                }
                authorized |= resp.hasSubscribed();
            } else {
                assertThat(r.hasEvent() && r.getEvent().hasError()).as("event %s", r).isTrue();
                assertThat(r.getEvent().getError().getCode()).isIn(FRAMING);
                count("exec error:" + r.getEvent().getError().getCode());
            }
        }
        if (authorized) { // the connection is now an executor's: start over with a fresh one
            count("exec accidental subscription");
            exec.close();
            exec = null;
        }
        if (exec != null && Frames.of(bytes, MAX_FRAME).leftover()) {
            exec.close(); // keep tries independent: no half frame carried into the next one
            exec = null;
        }
    }

    private void onFrameworkSocket(byte[] bytes) throws Exception {
        if (fw == null || fw.closedByPeer()) {
            fw = reopen(fw, shim.config.frameworkSocket(), ShimToFramework.parser());
        }
        List<ShimToFramework> replies = exchange(fw, bytes);
        boolean authorized = false;
        for (ShimToFramework r : replies) {
            if (r.hasResponse()) {
                FrameworkResponse resp = r.getResponse();
                String kind = resp.getResultCase().name() + (resp.hasRejected() ? ":" + resp.getRejected().getCode() : "");
                count("fw " + kind);
                assertThat(authorized || resp.hasRejected() || resp.hasSubscribed()).as(kind).isTrue();
                if (resp.hasRejected()) {
                    assertThat(resp.getRejected().getMessage()).isNotBlank();
                }
                authorized |= resp.hasSubscribed();
            } else {
                assertThat(r.hasEvent() && r.getEvent().hasError()).as("event %s", r).isTrue();
                assertThat(r.getEvent().getError().getCode()).isIn(FRAMING);
                count("fw error:" + r.getEvent().getError().getCode());
            }
        }
        if (authorized) {
            count("fw accidental subscription");
            fw.close();
            fw = null;
        }
        if (fw != null && Frames.of(bytes, MAX_FRAME).leftover()) {
            fw.close();
            fw = null;
        }
    }

    /** Sends, collects the replies owed, and checks the shim is unharmed. */
    private <M> List<M> exchange(RawConnection<M> c, byte[] bytes) throws Exception {
        inputs.incrementAndGet();
        FuzzShim.LedgerView before = shim.view();
        Frames frames = Frames.of(bytes, MAX_FRAME);
        c.write(bytes);
        List<M> replies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (replies.size() < frames.expectedReplies() && System.nanoTime() < deadline && !c.closedByPeer()) {
            replies.addAll(c.read(Duration.ofMillis(20)));
        }
        replies.addAll(c.read(Duration.ofMillis(1)));
        assertThat(replies.size()).as("replies to %s", frames).isGreaterThanOrEqualTo(frames.expectedReplies());
        if (frames.badLength()) {
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (!c.closedByPeer() && System.nanoTime() < until) {
                replies.addAll(c.read(Duration.ofMillis(20)));
            }
            assertThat(c.closedByPeer()).as("a bad length closes the connection").isTrue();
        }
        boolean subscribed = replies.stream().anyMatch(m -> m instanceof ShimToExecutor e && e.getResponse().hasSubscribed()
                || m instanceof ShimToFramework f && f.getResponse().hasSubscribed());
        if (!subscribed || replies.get(0) instanceof ShimToFramework) {
            // an authenticated framework may look but changes nothing with one frame; only a new executor moves the ledger
            assertThat(shim.view()).isEqualTo(before);
        }
        shim.assertServes();
        return replies;
    }

    private static <M> RawConnection<M> reopen(RawConnection<M> old, Path socket,
            com.google.protobuf.Parser<M> parser) throws IOException {
        if (old != null) {
            old.close();
        }
        return new RawConnection<>(socket, parser);
    }

    private static void count(String kind) {
        seen.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
    }
}
