package io.baton.shim.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.RejectCode;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.ShimToFramework;
import io.baton.shim.testing.TestFramework;
import io.baton.shim.testing.WireClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad frames over real sockets: answered with typed errors; the shim and its ledger are unharmed. */
class FramingIT {
    @TempDir
    Path dir;
    ShimHarness shim;

    @BeforeEach
    void start() throws Exception {
        shim = new ShimHarness(dir, ShimHarness.config(dir).withTimeouts(64 * 1024, 30_000, 500, 60_000)
                .withTcpPort(freePort()));
    }

    @AfterEach
    void stop() {
        shim.close();
    }

    static int freePort() throws Exception {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void oversizedFramesAreRefusedAndTheConnectionClosed() throws Exception {
        try (WireClient<ShimToExecutor> c = WireClient.unix(shim.config.executorSocket(), ShimToExecutor.getDefaultInstance())) {
            c.sendRaw(c.alloc().buffer().writeInt(5 * 1024 * 1024).writeBytes(new byte[1024]));
            var err = c.await(m -> m.hasEvent() && m.getEvent().hasError()).getEvent().getError();
            assertThat(err.getCode()).isEqualTo(RejectCode.FRAME_TOO_LARGE);
            c.awaitClosed();
            assertThat(c.isOpen()).isFalse();
        }
        assertThat(shim.server.verifyLedger()).isNull();
        assertThat(shim.server.state().getExecutorsCount()).isZero();
    }

    @Test
    void garbageFramesGetTypedErrorsAndTheConnectionStaysUp() throws Exception {
        try (TestFramework fw = TestFramework.unix(shim.config.frameworkSocket())) {
            fw.wire.sendRaw(fw.wire.alloc().buffer().writeInt(4).writeBytes(new byte[] {(byte) 0x8a, 1, 2, 3}));
            var err = fw.wire.await(m -> m.hasEvent() && m.getEvent().hasError()).getEvent().getError();
            assertThat(err.getCode()).isEqualTo(RejectCode.MALFORMED);
            assertThat(fw.subscribe(ShimHarness.TOKEN, false).hasSubscribed()).isTrue();
        }
    }

    @Test
    void aHalfSentFrameIsClosedByTheIdleTimeout() throws Exception {
        try (WireClient<ShimToFramework> c = WireClient.unix(shim.config.frameworkSocket(), ShimToFramework.getDefaultInstance())) {
            c.sendRaw(c.alloc().buffer().writeInt(100).writeBytes(new byte[10]));
            await().atMost(Duration.ofSeconds(5)).until(() -> !c.isOpen());
            var err = c.await(m -> m.hasEvent() && m.getEvent().hasError()).getEvent().getError();
            assertThat(err.getMessage()).startsWith("a frame was left half sent for");
        }
    }

    @Test
    void anIdleSubscribedListenerIsKeptOpen() throws Exception {
        try (TestFramework fw = TestFramework.unix(shim.config.frameworkSocket())) {
            fw.subscribe(ShimHarness.TOKEN, true);
            await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3)).until(fw.wire::isOpen);
        }
    }

    @Test
    void theFrameworkApiIsServedOnLoopbackTcpWithTheToken() throws Exception {
        try (TestFramework fw = new TestFramework(WireClient.tcp(shim.config.tcpPort(), ShimToFramework.getDefaultInstance()))) {
            assertThat(fw.subscribe("nope", false).getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
            assertThat(fw.subscribe(ShimHarness.TOKEN, false).hasSubscribed()).isTrue();
            assertThat(fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState().getIsolator())
                    .isEqualTo("none");
        }
    }

    @Test
    void socketsAreOwnerOnly() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shim.config.executorSocket())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shim.config.frameworkSocket())))
                .isEqualTo("rw-------");
    }
}
