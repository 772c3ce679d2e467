package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorEvent;
import io.baton.sdk.transport.ExecutorThreads;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.sdk.transport.ShimConnection;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShimConnection#preconnect}: the executor's connection is opened while its journal opens, and
 * {@link ShimConnection#start} then reports it at once, exactly once; a head start that failed or was closed by
 * the shim costs nothing but the head start. A plain Unix socket server stands in for the shim: these are the
 * connection's own rules, before any frame is sent.
 */
class PreconnectIT {
    @TempDir
    Path dir;

    /** Counts what the connection tells its listener. */
    static final class Counting implements ShimConnection.Listener {
        final AtomicInteger connected = new AtomicInteger();
        final AtomicInteger disconnected = new AtomicInteger();

        @Override
        public void connected() {
            connected.incrementAndGet();
        }

        @Override
        public void disconnected(String why) {
            disconnected.incrementAndGet();
        }

        @Override
        public void event(ExecutorEvent event) {
        }
    }

    @Test
    void aPreconnectedConnectionIsReportedOnceWhenStarted() throws Exception {
        Path socket = dir.resolve("shim.sock");
        try (ServerSocketChannel server = listen(socket);
                NettyShimConnection conn = new NettyShimConnection(socket, ExecutorThreads.named().io())) {
            conn.preconnect();
            try (SocketChannel accepted = server.accept()) { // connected before start(): the head start
                Counting l = new Counting();
                conn.start(l);
                await().atMost(Duration.ofSeconds(5)).until(() -> l.connected.get() == 1);
                drain(conn);
                assertThat(l.connected).hasValue(1);
                assertThat(l.disconnected).hasValue(0);
                server.configureBlocking(false);
                assertThat(server.accept()).as("no second connection").isNull();
            }
        }
    }

    @Test
    void aPreconnectionTheShimClosedIsMadeAgainOnStart() throws Exception {
        Path socket = dir.resolve("shim.sock");
        try (ServerSocketChannel server = listen(socket);
                NettyShimConnection conn = new NettyShimConnection(socket, ExecutorThreads.named().io())) {
            conn.preconnect();
            server.accept().close(); // e.g. the shim's idle timeout, during a long replay
            Counting l = new Counting();
            // the close may reach the connection before or after start(): either way one live connection results
            conn.start(l);
            try (SocketChannel again = acceptWithin(server, 5)) {
                assertThat(again).as("a new connection after start").isNotNull();
                await().atMost(Duration.ofSeconds(5)).until(() -> l.connected.get() >= 1);
            }
        }
    }

    @Test
    void aPreconnectWithNoShimYetOnlyLosesTheHeadStart() throws Exception {
        Path socket = dir.resolve("shim.sock");
        try (NettyShimConnection conn = new NettyShimConnection(socket, ExecutorThreads.named().io())) {
            conn.preconnect(); // nothing listens: one attempt, no retries
            drain(conn);
            try (ServerSocketChannel server = listen(socket)) {
                Counting l = new Counting();
                conn.start(l);
                try (SocketChannel accepted = acceptWithin(server, 5)) {
                    assertThat(accepted).isNotNull();
                    await().atMost(Duration.ofSeconds(5)).until(() -> l.connected.get() == 1);
                    drain(conn);
                    assertThat(l.connected).hasValue(1);
                }
            }
        }
    }

    private static ServerSocketChannel listen(Path socket) throws Exception {
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(socket));
        return s;
    }

    private static SocketChannel acceptWithin(ServerSocketChannel server, int seconds) throws Exception {
        server.configureBlocking(false);
        java.util.concurrent.atomic.AtomicReference<SocketChannel> c = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(5))
                .until(() -> c.compareAndSet(null, server.accept()) && c.get() != null);
        return c.get();
    }

    /** Waits until the connection's IO thread ran everything queued before now. */
    private static void drain(NettyShimConnection conn) throws Exception {
        conn.ioLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
    }
}
