package io.baton.shim.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.MessageLite;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkSubscribe;
import io.baton.proto.GetState;
import io.baton.proto.Heartbeat;
import io.baton.proto.RejectCode;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.ShimToFramework;
import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.isolator.MemoryShrinker;
import io.baton.ledger.Ledger;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shim's pipelines in memory: framing, caps, malformed input, authentication, identity binding. */
class PipelineTest {
    static final int MAX = 1024;

    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    InMemoryIsolator isolator = new InMemoryIsolator();
    ShimContext ctx;

    @BeforeEach
    void context() {
        ShimConfig config = ShimConfig.defaults(Path.of("/nonexistent"), Resources.parse("cpus:2;mem:1024"), "none")
                .withTimeouts(MAX, 30_000, 30_000, 60_000);
        MemoryShrinker shrinker = new MemoryShrinker(isolator, scheduler, System::nanoTime, Duration.ofMillis(10),
                Duration.ofSeconds(1), new ShrinkNotices(() -> ctx, System::nanoTime));
        ctx = new ShimContext(config, new Ledger(config.total(), 30_000_000L, "o"), new Containers(isolator, shrinker),
                () -> 1_000_000L, "tok", new io.baton.shim.metrics.ShimMetrics());
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private EmbeddedChannel executorChannel(long pid, int uid) throws Exception {
        EmbeddedChannel ch = new EmbeddedChannel(false, false);
        ch.attr(Peers.TEST_IDENTITY).set(new long[] {pid, uid});
        Pipelines.install(ch.pipeline(), MAX, 30_000, ExecutorCall.getDefaultInstance(),
                new ExecutorHandler(ctx, new ExecutorApi(ctx)));
        ch.register();
        return ch;
    }

    private EmbeddedChannel frameworkChannel() {
        return frameworkChannel(new EmbeddedChannel());
    }

    private EmbeddedChannel frameworkChannel(EmbeddedChannel ch) {
        Pipelines.install(ch.pipeline(), MAX, 30_000, FrameworkCall.getDefaultInstance(),
                new FrameworkHandler(ctx, new FrameworkApi(ctx)));
        return ch;
    }

    static ByteBuf frame(MessageLite m) {
        byte[] body = m.toByteArray();
        return Unpooled.buffer().writeInt(body.length).writeBytes(body);
    }

    /** Everything the shim wrote, split into frames and parsed. */
    static <T> List<T> written(EmbeddedChannel ch, com.google.protobuf.Parser<T> parser) throws Exception {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = ch.readOutbound()) != null;) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        List<T> out = new ArrayList<>();
        while (all.readableBytes() >= 4) {
            int len = all.readInt();
            byte[] body = new byte[len];
            all.readBytes(body);
            out.add(parser.parseFrom(body));
        }
        return out;
    }

    private static ExecutorCall subscribe(String id) {
        return ExecutorCall.newBuilder().setCorrelationId(1).setSubscribe(ExecutorSubscribe.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(id))).build();
    }

    @Test
    void subscribeBindsThePeersPidIntoItsContainerWithTheDefaultOverhead() throws Exception {
        EmbeddedChannel ch = executorChannel(4242, 1000);
        ch.writeInbound(frame(subscribe("e1")));
        List<ShimToExecutor> out = written(ch, ShimToExecutor.parser());
        assertThat(out.get(0).getResponse().getSubscribed().getExecutorId().getValue()).as("%s", out).isEqualTo("e1");
        assertThat(isolator.pids("e1")).containsExactly(4242L);
        assertThat(isolator.hardLimit("e1")).contains(32L * 1024 * 1024);
        assertThat(ctx.ledger.executor("e1").uid()).isEqualTo(1000);
    }

    @Test
    void anOversizedFrameIsAnsweredWithAnErrorAndTheConnectionClosed() throws Exception {
        EmbeddedChannel ch = executorChannel(1, 0);
        ch.writeInbound(Unpooled.buffer().writeInt(MAX + 1).writeBytes(new byte[16]));
        List<ShimToExecutor> out = written(ch, ShimToExecutor.parser());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getEvent().getError().getCode()).isEqualTo(RejectCode.FRAME_TOO_LARGE);
        assertThat(out.get(0).getEvent().getError().getMessage()).startsWith("frame exceeds the maximum of 1024 bytes");
        assertThat(ch.isOpen()).isFalse();
        assertThat(ctx.ledger.executors()).isEmpty();
    }

    @Test
    void aFrameOfGarbageIsAnsweredAndTheConnectionStaysUsable() throws Exception {
        EmbeddedChannel ch = executorChannel(1, 0);
        ch.writeInbound(Unpooled.buffer().writeInt(3).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
        List<ShimToExecutor> out = written(ch, ShimToExecutor.parser());
        assertThat(out.get(0).getEvent().getError().getCode()).isEqualTo(RejectCode.MALFORMED);
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(frame(subscribe("e1")));
        assertThat(written(ch, ShimToExecutor.parser()).get(0).getResponse().hasSubscribed()).isTrue();
    }

    @Test
    void framesSplitAcrossReadsAreReassembled() throws Exception {
        EmbeddedChannel ch = executorChannel(1, 0);
        ByteBuf f = frame(subscribe("e1"));
        ch.writeInbound(f.readRetainedSlice(3));
        assertThat(Pipelines.hasPartialFrame(ch.pipeline())).isTrue();
        ch.writeInbound(f);
        assertThat(written(ch, ShimToExecutor.parser()).get(0).getResponse().hasSubscribed()).isTrue();
        assertThat(Pipelines.hasPartialFrame(ch.pipeline())).isFalse();
    }

    @Test
    void executorCallsBeforeSubscribeAreRefused() throws Exception {
        EmbeddedChannel ch = executorChannel(1, 0);
        ch.writeInbound(frame(ExecutorCall.newBuilder().setCorrelationId(7).setHeartbeat(Heartbeat.getDefaultInstance())
                .build()));
        var r = written(ch, ShimToExecutor.parser()).get(0).getResponse();
        assertThat(r.getCorrelationId()).isEqualTo(7);
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
    }

    @Test
    void anEmptyCallIsMalformed() throws Exception {
        EmbeddedChannel ch = executorChannel(1, 0);
        ch.writeInbound(frame(ExecutorCall.newBuilder().setCorrelationId(3).build()));
        assertThat(written(ch, ShimToExecutor.parser()).get(0).getResponse().getRejected().getCode())
                .isEqualTo(RejectCode.MALFORMED);
    }

    @Test
    void frameworkCallsNeedTheToken() throws Exception {
        EmbeddedChannel ch = frameworkChannel();
        ch.writeInbound(frame(FrameworkCall.newBuilder().setCorrelationId(1).setState(GetState.getDefaultInstance()).build()));
        ch.writeInbound(frame(FrameworkCall.newBuilder().setCorrelationId(2).setSubscribe(FrameworkSubscribe.newBuilder()
                .setToken("tok-wrong")).build()));
        ch.writeInbound(frame(FrameworkCall.newBuilder().setCorrelationId(3).setSubscribe(FrameworkSubscribe.newBuilder()
                .setToken("tok")).build()));
        ch.writeInbound(frame(FrameworkCall.newBuilder().setCorrelationId(4).setState(GetState.getDefaultInstance()).build()));
        List<ShimToFramework> out = written(ch, ShimToFramework.parser());
        assertThat(out.get(0).getResponse().getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
        assertThat(out.get(1).getResponse().getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
        assertThat(out.get(2).getResponse().hasSubscribed()).isTrue();
        assertThat(Resources.fromProto(out.get(3).getResponse().getState().getTotalList()))
                .isEqualTo(Resources.parse("cpus:2;mem:1024"));
    }

    @Test
    void aNegativeLengthIsACorruptFrameAndClosesTheConnection() throws Exception {
        EmbeddedChannel ch = frameworkChannel();
        ch.writeInbound(Unpooled.buffer().writeInt(-5).writeBytes(new byte[8]));
        List<ShimToFramework> out = written(ch, ShimToFramework.parser());
        assertThat(out.get(0).getEvent().getError().getCode()).isIn(RejectCode.MALFORMED, RejectCode.FRAME_TOO_LARGE);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aContainerThatCannotBeJoinedLeavesTheLedgerUntouched() throws Exception {
        isolator.failNext("attach");
        EmbeddedChannel ch = executorChannel(77, 0);
        ch.writeInbound(frame(subscribe("e1")));
        var r = written(ch, ShimToExecutor.parser()).get(0).getResponse();
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.ISOLATOR_FAILED);
        assertThat(ctx.ledger.executors()).isEmpty();
        ch.writeInbound(frame(subscribe("e1")));
        assertThat(written(ch, ShimToExecutor.parser()).get(0).getResponse().hasSubscribed()).as("a retry works").isTrue();
    }

    @Test
    void aFrameTrickledInByteByByteMustStillFinishWithinTheIdleTimeout() throws Exception {
        MockTicker ticker = Ticker.newMockTicker();
        EmbeddedChannel ch = frameworkChannel(EmbeddedChannel.builder().ticker(ticker).build());
        long start = ticker.nanoTime();
        ch.writeInbound(Unpooled.buffer().writeInt(MAX - 24)); // 1000 bytes announced: 100 s at this pace
        while (ch.isOpen() && ticker.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            ticker.advance(100, TimeUnit.MILLISECONDS); // one byte every 100 ms: never idle for 30 s
            ch.runScheduledPendingTasks();
            if (ch.isOpen()) {
                ch.writeInbound(Unpooled.buffer().writeByte(1));
            }
        }
        long closedAfterMs = TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - start);

        assertThat(ch.isOpen()).as("closed by the frame deadline").isFalse();
        // checked every quarter of the 30 s deadline: closed after the deadline, within one check of it
        assertThat(closedAfterMs).isGreaterThan(30_000).isLessThanOrEqualTo(30_000 + 7_500);
        var err = written(ch, ShimToFramework.parser()).get(0).getEvent().getError();
        assertThat(err.getCode()).isEqualTo(RejectCode.IDLE_TIMEOUT);
        assertThat(err.getMessage()).isEqualTo("a frame was left half sent for more than 30000 ms; closing");
    }

    @Test
    void aFrameFinishedBeforeTheDeadlineIsServedAndItsDeadlineEnds() throws Exception {
        MockTicker ticker = Ticker.newMockTicker();
        EmbeddedChannel ch = frameworkChannel(EmbeddedChannel.builder().ticker(ticker).build());
        ByteBuf f = frame(FrameworkCall.newBuilder().setCorrelationId(1).setState(GetState.getDefaultInstance()).build());
        ch.writeInbound(f.readRetainedSlice(4));
        advance(ch, ticker, 29_900);
        ch.writeInbound(f);
        advance(ch, ticker, 29_900); // a deadline still counting from the first frame would have fired at 37.5 s

        assertThat(ch.isOpen()).isTrue();
        List<ShimToFramework> out = written(ch, ShimToFramework.parser());
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getResponse().getCorrelationId()).isEqualTo(1);
    }

    private static void advance(EmbeddedChannel ch, MockTicker ticker, long ms) {
        for (long t = 0; t < ms; t += 100) {
            ticker.advance(100, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    /**
     * Every allocator event Netty has is warmed at start when they are on, none when off (a Netty without them makes
     * this fail: look again then).
     */
    @org.junit.jupiter.api.Test
    void theAllocatorsFlightRecorderEventsAreThereToWarm() {
        assertThat(Pipelines.warmBufferEvents()).isEqualTo(io.netty.util.internal.PlatformDependent.isJfrEnabled() ? 5 : 0);
    }
}
