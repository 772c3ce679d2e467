package io.baton.shim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Parser;
import io.baton.proto.ErrorEvent;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.RejectCode;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.ShimToFramework;
import io.baton.shim.testing.TestFramework;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-listener connection cap: a bounded flood beyond it, over the Unix sockets and over loopback TCP,
 * gets TOO_MANY_CONNECTIONS error frames and closed connections; the connections within the cap and an
 * existing session keep working; the refusals are counted in the metrics; once the flood is gone the
 * shim serves a fresh client, leaks no descriptors and its ledger has not moved.
 */
class ConnectionCapIT {
    static final int CAP = 20;
    static final int FLOOD = 50;

    FuzzShim shim;
    int tcpPort;
    int metricsPort;
    final List<RawConnection<?>> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        tcpPort = freePort();
        metricsPort = freePort();
        shim = new FuzzShim(16 * 1024, 20_000, c -> c.withMaxConnections(CAP).withTcpPort(tcpPort)
                .withMetricsPort(metricsPort));
    }

    @AfterEach
    void stop() throws Exception {
        for (RawConnection<?> c : open) {
            c.close();
        }
        shim.close();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aFloodBeyondTheCapIsRefusedWithATypedErrorAndTheShimStaysUp() throws Exception {
        shim.assertServes(); // warm up the client side before counting descriptors
        int fdsBefore = ConnectionAbuseIT.openFds();
        try (TestFramework existing = TestFramework.unix(shim.config.frameworkSocket())) {
            assertThat(existing.subscribe(FuzzShim.TOKEN, true).hasSubscribed()).isTrue();
            var before = shim.view();
            long started = System.nanoTime();

            List<ErrorEvent> fwUnix = flood("framework-unix", CAP - 1,
                    () -> new RawConnection<>(shim.config.frameworkSocket(), ShimToFramework.parser()),
                    m -> m.getEvent().getError());
            List<ErrorEvent> execUnix = flood("executor-unix", CAP,
                    () -> new RawConnection<>(shim.config.executorSocket(), ShimToExecutor.parser()),
                    m -> m.getEvent().getError());
            List<ErrorEvent> fwTcp = flood("framework-tcp", CAP,
                    () -> RawConnection.tcp(tcpPort, ShimToFramework.parser()), m -> m.getEvent().getError());
            System.out.printf("ConnectionCapIT: cap %d per listener; %d connections per listener in %d ms; refused "
                    + "framework-unix %d, executor-unix %d, framework-tcp %d%n", CAP, FLOOD,
                    (System.nanoTime() - started) / 1_000_000, fwUnix.size(), execUnix.size(), fwTcp.size());
            System.out.println("ConnectionCapIT: refusal: " + fwTcp.get(0).getMessage());

            // the session that was there before the flood is unaffected, also while the flood holds its slots
            assertThat(existing.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).hasState())
                    .isTrue();
            String metrics = metrics();
            assertThat(metrics).contains("baton_connections_refused_total{listener=\"framework-unix\"} " + (FLOOD - CAP + 1),
                    "baton_connections_refused_total{listener=\"executor-unix\"} " + (FLOOD - CAP),
                    "baton_connections_refused_total{listener=\"framework-tcp\"} " + (FLOOD - CAP),
                    "baton_connections{listener=\"framework-unix\"} " + CAP);

            for (RawConnection<?> c : open) {
                c.close();
            }
            open.clear();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(metrics())
                    .contains("baton_connections{listener=\"framework-unix\"} 1",
                            "baton_connections{listener=\"executor-unix\"} 0",
                            "baton_connections{listener=\"framework-tcp\"} 0"));
            shim.assertServes(); // a legitimate new client after the flood
            assertThat(shim.view()).isEqualTo(before);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ConnectionAbuseIT.openFds())
                .as("open descriptors (before: %d)", fdsBefore).isLessThanOrEqualTo(fdsBefore + 8));
    }

    interface Opener<M> {
        RawConnection<M> open() throws IOException;
    }

    /**
     * Opens {@value #FLOOD} connections on one listener and keeps them; the first {@code admitted} stay
     * open and silent, every later one gets one TOO_MANY_CONNECTIONS frame and is closed.
     */
    private <M> List<ErrorEvent> flood(String listener, int admitted, Opener<M> opener, Function<M, ErrorEvent> error)
            throws Exception {
        List<RawConnection<M>> conns = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            RawConnection<M> c = opener.open();
            conns.add(c);
            open.add(c);
        }
        List<ErrorEvent> refusals = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (RawConnection<M> c : conns) {
                if (!c.closedByPeer()) {
                    c.read(Duration.ofMillis(1)).forEach(m -> refusals.add(error.apply(m)));
                }
            }
            return conns.stream().filter(RawConnection::closedByPeer).count() == FLOOD - admitted;
        });
        for (RawConnection<M> c : conns) {
            if (!c.closedByPeer()) {
                assertThat(c.read(Duration.ofMillis(5))).as("an admitted connection gets nothing").isEmpty();
            }
        }
        assertThat(conns.stream().filter(c -> !c.closedByPeer()).count()).as("admitted on " + listener)
                .isEqualTo(admitted);
        assertThat(refusals).hasSize(FLOOD - admitted).allSatisfy(e -> {
            assertThat(e.getCode()).isEqualTo(RejectCode.TOO_MANY_CONNECTIONS);
            assertThat(e.getMessage()).contains(listener, "limit of " + CAP + " concurrent connections",
                    "--max-connections");
        });
        return refusals;
    }

    private String metrics() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
