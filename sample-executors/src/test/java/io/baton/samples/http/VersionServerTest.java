package io.baton.samples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A version's server on the executor's shared threads: how many connections it serves at once, and its drain. */
class VersionServerTest {
    private static final String GET = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private final PortListeners ports = new PortListeners();
    private final List<ServerThreads> pools = new ArrayList<>();
    private int port;

    @BeforeEach
    void freePort() throws IOException {
        port = FreePorts.loopback();
    }

    @AfterEach
    void endThreads() {
        pools.forEach(ServerThreads::close);
        timers.shutdownNow();
    }

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    /** Listeners that can be held for a successor (those of {@link #ports} never are). */
    private final PortListeners holding = new PortListeners(timers);

    private ServerThreads threads(int warm) {
        ServerThreads t = new ServerThreads(warm);
        pools.add(t);
        return t;
    }

    /** A keep-alive client connection with a read timeout of {@code timeoutMs}. */
    private Client connect(int timeoutMs) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        s.setSoTimeout(timeoutMs);
        return new Client(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)));
    }

    private record Client(Socket socket, BufferedReader in) implements AutoCloseable {
        /** Sends a whole GET / without reading its answer. */
        void sendGet() throws IOException {
            send(GET);
        }

        void send(String head) throws IOException {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }

        /** GET / on this connection; the body of the answer (the version). */
        String get() throws IOException {
            sendGet();
            return answer();
        }

        String answer() throws IOException {
            int length = -1;
            for (String line; !(line = in.readLine()).isEmpty();) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            char[] body = new char[length];
            for (int read = 0; read < length;) {
                read += in.read(body, read, length - read);
            }
            return new String(body);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** {@code first} answered by a server that serves one connection at once; {@code second}'s request then waits. */
    private static void firstServedSecondWaiting(Client first, Client second) throws IOException {
        assertThat(first.get()).isEqualTo("v1");
        second.sendGet(); // waits: the one connection allowed is first's
    }

    @Test
    void aConnectionBeyondTheBoundWaitsForAServedOneToClose() throws Exception {
        VersionServer server = VersionServer.start(ports, threads(2), port, "v1", 1);
        try (Client first = connect(2_000); Client second = connect(300)) {
            firstServedSecondWaiting(first, second);
            assertThatThrownBy(second::answer).as("served while the one connection allowed is open")
                    .isInstanceOf(SocketTimeoutException.class);
            first.close();
            second.socket().setSoTimeout(2_000);
            assertThat(second.answer()).as("served once the first one closed").isEqualTo("v1");
        } finally {
            server.stop(1_000);
        }
    }

    @Test
    void aConnectionThatEndsBadlyPassesItsThreadToTheOneWaiting() throws Exception {
        VersionServer server = VersionServer.start(ports, threads(2), port, "v1", 1);
        try (Client first = connect(2_000); Client second = connect(2_000)) {
            firstServedSecondWaiting(first, second);
            first.send("\r\n\r\n"); // a head with no request line: answered 400 and closed
            assertThat(first.in().readLine()).isEqualTo("HTTP/1.1 400 Bad Request");
            assertThat(second.answer()).as("served on the thread first's connection gave up").isEqualTo("v1");
            assertThat(second.get()).isEqualTo("v1");
        } finally {
            server.stop(1_000);
        }
    }

    @Test
    void aConnectionWaitingForAThreadWhenTheDrainBeginsIsStillAnswered() throws Exception {
        VersionServer server = VersionServer.start(ports, threads(2), port, "v1", 1);
        try (Client first = connect(2_000); Client second = connect(5_000)) {
            firstServedSecondWaiting(first, second);
            await().atMost(Duration.ofSeconds(5)).until(() -> server.serving() == 1); // second accepted, waiting
            VersionServer.Drained d = server.stop(5_000); // first, idle, closed after DRAIN_IDLE_MS; then second
            assertThat(d.forced()).as("none closed at the deadline").isZero();
            assertThat(second.answer()).isEqualTo("v1");
            assertThat(d.served()).isEqualTo(2);
        }
    }

    @Test
    void aNewVersionRunsOnTheThreadsTheOldOneLeft() throws Exception {
        ServerThreads threads = threads(3);
        assertThat(threads.threadsMade()).as("started with the pool").isEqualTo(3);
        VersionServer v1 = VersionServer.start(ports, threads, port, "v1", 16);
        try (Client c = connect(2_000)) {
            assertThat(c.get()).isEqualTo("v1");
        } finally {
            v1.stop(1_000);
        }
        // v1's threads back in the pool (a fourth may have been made if v1 came before the warm ones waited)
        int made = threads.threadsMade();
        await().atMost(Duration.ofSeconds(5)).until(() -> threads.idle() == made);
        VersionServer v2 = VersionServer.start(ports, threads, port, "v2", 16);
        try (Client a = connect(2_000); Client b = connect(2_000)) {
            assertThat(a.get()).isEqualTo("v2");
            assertThat(b.get()).isEqualTo("v2");
            assertThat(threads.threadsMade()).as("v2's acceptor and two connections on threads that exist")
                    .isEqualTo(made);
        } finally {
            v2.stop(1_000);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> threads.idle() == made);
        VersionServer v3 = VersionServer.start(ports, threads, port, "v3", 16);
        try (Client a = connect(2_000); Client b = connect(2_000); Client c = connect(2_000)) {
            assertThat(a.get()).isEqualTo("v3");
            assertThat(b.get()).isEqualTo("v3");
            assertThat(c.get()).isEqualTo("v3");
            assertThat(threads.threadsMade()).as("a fourth thread is made when three are busy")
                    .isEqualTo(Math.max(made, 4));
        } finally {
            v3.stop(1_000);
        }
    }

    @Test
    void aConnectionClosedAtTheDeadlineHoldsNoThreadOnceTheDrainReturns() throws Exception {
        VersionServer server = VersionServer.start(ports, threads(2), port, "v1", 4);
        try (Client stuck = connect(2_000)) {
            stuck.send("GET / HTTP/1.1\r\n"); // half a head: its thread waits for the rest
            await().atMost(Duration.ofSeconds(5)).until(() -> server.serving() == 1);
            VersionServer.Drained d = server.stop(200);
            assertThat(d.forced()).as("closed at the grace deadline").isEqualTo(1);
            assertThat(server.serving()).as("no thread still serves a connection of the killed version").isZero();
            assertThat(stuck.in().read()).as("the client sees its connection closed").isEqualTo(-1);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsHandedToTheSuccessorNotClosed() throws Exception {
        ServerThreads threads = threads(2);
        VersionServer v1 = VersionServer.start(holding, threads, port, "v1", 4);
        try (Client c = connect(5_000)) {
            assertThat(c.get()).isEqualTo("v1");
            VersionServer.Drained d = v1.stop(5_000, 2_000); // the idle connection does not hold the drain
            assertThat(d.forced()).isZero();
            assertThat(holding.held(port)).as("the listener waits for the successor").isTrue();
            c.sendGet(); // made between the two: it waits for v2
            VersionServer v2 = VersionServer.start(holding, threads, port, "v2", 4);
            try {
                assertThat(c.answer()).as("answered by v2 on the same connection").isEqualTo("v2");
                assertThat(c.get()).isEqualTo("v2");
            } finally {
                v2.stop(1_000);
            }
        }
    }

    @Test
    void aConnectionBusyWhenTheDrainBeginsIsHandedOverOnceItHasAnswered() throws Exception {
        ServerThreads threads = threads(2);
        VersionServer v1 = VersionServer.start(holding, threads, port, "v1", 4);
        try (Client c = connect(5_000)) {
            c.send("GET / HTTP/1.1\r\n"); // half a request: v1 is busy with it
            await().atMost(Duration.ofSeconds(5)).until(() -> v1.serving() == 1);
            CompletableFuture<VersionServer.Drained> stop = CompletableFuture.supplyAsync(() -> {
                try {
                    return v1.stop(5_000, 2_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(v1::handsOver);
            assertThat(stop).as("the drain waits for the request in flight").isNotDone();
            c.send("Host: x\r\n\r\n");
            assertThat(c.answer()).as("the request in flight, answered by v1").isEqualTo("v1");
            assertThat(stop.get(5, TimeUnit.SECONDS).forced()).isZero();
            VersionServer v2 = VersionServer.start(holding, threads, port, "v2", 4);
            try {
                assertThat(c.get()).as("the next request on it, by v2").isEqualTo("v2");
            } finally {
                v2.stop(1_000);
            }
        }
    }

    @Test
    void aHandedOverConnectionNobodyTakesOverIsClosedWhenTheHoldEnds() throws Exception {
        VersionServer v1 = VersionServer.start(holding, threads(2), port, "v1", 4);
        try (Client c = connect(5_000)) {
            assertThat(c.get()).isEqualTo("v1");
            v1.stop(5_000, 300);
            c.sendGet(); // waits for a successor that never comes
            int read;
            try {
                read = c.in().read();
            } catch (java.net.SocketException reset) { // sent after the close: the kernel answers with a reset
                read = -1;
            }
            assertThat(read).as("closed unanswered once the hold ended").isEqualTo(-1);
            assertThat(holding.held(port)).isFalse();
        }
    }

    @Test
    void aConnectionItsClientClosedWhileHandedOverIsNotTakenOver() throws Exception {
        ServerThreads threads = threads(2);
        VersionServer v1 = VersionServer.start(holding, threads, port, "v1", 4);
        try (Client c = connect(5_000)) {
            assertThat(c.get()).isEqualTo("v1");
            v1.stop(5_000, 2_000);
        }
        // its thread saw the client close it while it was handed over, and is back in the pool
        await().atMost(Duration.ofSeconds(5)).until(() -> threads.idle() == threads.threadsMade());
        VersionServer v2 = VersionServer.start(holding, threads, port, "v2", 4);
        VersionServer.Drained d = v2.stop(2_000); // no successor: nothing handed over, nothing to wait for
        assertThat(d.forced()).as("no closed connection left open on v2's books").isZero();
        assertThat(v2.serving()).isZero();
    }
}
