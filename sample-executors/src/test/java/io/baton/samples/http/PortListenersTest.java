package io.baton.samples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A port's listener held for a successor: connections queue on it, and the next server takes them. */
class PortListenersTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final PortListeners ports = new PortListeners(timers);
    private int port;

    @BeforeEach
    void freePort() throws IOException {
        port = FreePorts.loopback();
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        return s;
    }

    /** The next connection queued on {@code ch}, waiting up to 2 s for it. */
    private static SocketChannel accepted(ServerSocketChannel ch) {
        SocketChannel[] got = new SocketChannel[1];
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1)).until(() -> (got[0] = ch.accept()) != null);
        return got[0];
    }

    /** The hold of {@code s} ends: no longer held, the listener closed. */
    private void awaitClosed(PortListeners.Shared s) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> !ports.held(port));
        assertThat(s.channel.isOpen()).isFalse();
    }

    @Test
    void theLastServerToLeaveWithoutAHolderIsToEmptyAndCloseTheListener() throws IOException {
        PortListeners.Shared a = ports.join(port);
        PortListeners.Shared b = ports.join(port);
        assertThat(b).isSameAs(a);
        assertThat(ports.leave(a, null)).as("another server still uses it").isFalse();
        assertThat(ports.leave(b)).as("the last one empties and closes it").isTrue();
        assertThat(ports.held(port)).isFalse();
        assertThat(b.channel.isOpen()).as("left to the caller").isTrue();
        PortListeners.Shared next = ports.join(port);
        assertThat(next).as("the next server binds anew").isNotSameAs(b);
        b.channel.close();
        assertThat(ports.leave(next)).isTrue();
        next.channel.close();
    }

    @Test
    void aHeldListenerQueuesConnectionsForTheNextServerWhichTakesThemWithTheirRequests() throws IOException {
        PortListeners.Shared v1 = ports.join(port);
        Object holder = new Object();
        assertThat(ports.leave(v1, holder)).as("held: not the caller's to close").isFalse();
        assertThat(ports.held(port)).isTrue();
        ports.endHoldAfter(v1, holder, 10_000);

        try (Socket waiting = connect()) { // accepted by the kernel into the held listener's queue
            waiting.getOutputStream().write("GET /\r\n".getBytes(StandardCharsets.ISO_8859_1));
            PortListeners.Shared v2 = ports.join(port);
            assertThat(v2).as("the successor takes over the same listener").isSameAs(v1);
            assertThat(ports.held(port)).isFalse();
            try (SocketChannel c = accepted(v2.channel)) {
                ByteBuffer buf = ByteBuffer.allocate(16);
                c.configureBlocking(true);
                c.read(buf);
                assertThat(new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1)).isEqualTo("GET /\r\n");
            }
            ports.endHoldAfter(v2, holder, 0);
            assertThat(v2.channel.isOpen()).as("a hold taken over cannot be ended by its old holder").isTrue();
            assertThat(ports.leave(v2)).isTrue();
            v2.channel.close();
        }
    }

    @Test
    void aHoldLastsUntilItsHolderBoundsItAndClosesAtItsEndIfNobodyTookItOver() throws IOException {
        PortListeners.Shared v1 = ports.join(port);
        Object holder = new Object();
        assertThat(ports.leave(v1, holder)).isFalse();
        connect().close(); // queued while held
        ports.endHoldAfter(v1, new Object(), 0); // not its holder: nothing
        assertThat(ports.held(port)).isTrue();
        assertThat(v1.channel.isOpen()).isTrue();

        ports.endHoldAfter(v1, holder, 50);
        awaitClosed(v1);
        assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
        PortListeners.Shared fresh = ports.join(port);
        assertThat(fresh).as("the next server binds anew").isNotSameAs(v1);
        assertThat(ports.leave(fresh)).isTrue();
        fresh.channel.close();
    }

    @Test
    void anOldHoldsEndDoesNotEndTheNextHold() throws IOException {
        PortListeners.Shared s = ports.join(port);
        Object first = new Object();
        ports.leave(s, first);
        ports.endHoldAfter(s, first, 10_000);
        assertThat(ports.join(port)).isSameAs(s);
        Object second = new Object();
        ports.leave(s, second);
        ports.endHoldAfter(s, first, 0);
        assertThat(ports.held(port)).as("held by the second").isTrue();
        ports.endHoldAfter(s, second, 0);
        awaitClosed(s);
    }

    @Test
    void listenersWithoutTimersAreNeverHeld() throws IOException {
        PortListeners plain = new PortListeners();
        PortListeners.Shared s = plain.join(port);
        assertThat(plain.leave(s, new Object())).isTrue();
        assertThat(plain.held(port)).isFalse();
        s.channel.close();
    }
}
