package io.baton.shim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.RejectCode;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.ShimToFramework;
import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slow and numerous peers: half-sent frames are closed by the idle timeout; a connection flood leaks nothing. */
class ConnectionAbuseIT {
    static final long IDLE_MS = 300;

    FuzzShim shim;

    @BeforeEach
    void start() throws Exception {
        shim = new FuzzShim(16 * 1024, IDLE_MS);
    }

    @AfterEach
    void stop() throws Exception {
        shim.close();
    }

    static byte[] halfFrame(int declared, int sent) {
        return ByteBuffer.allocate(4 + sent).putInt(declared).put(new byte[sent]).array();
    }

    @Test
    void halfSentFramesNeverFinishingAreClosedByTheIdleTimeout() throws Exception {
        List<RawConnection<ShimToExecutor>> execs = new ArrayList<>();
        List<RawConnection<ShimToFramework>> fws = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            var e = new RawConnection<>(shim.config.executorSocket(), ShimToExecutor.parser());
            assertThat(e.write(i % 2 == 0 ? halfFrame(100, i) : new byte[] {0, 0})).isTrue(); // body or prefix cut short
            execs.add(e);
            var f = new RawConnection<>(shim.config.frameworkSocket(), ShimToFramework.parser());
            assertThat(f.write(i % 2 == 0 ? halfFrame(1000, i) : new byte[] {0})).isTrue();
            fws.add(f);
        }
        long started = System.nanoTime();
        List<ShimToExecutor> execReplies = new ArrayList<>();
        List<ShimToFramework> fwReplies = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (var e : execs) {
                execReplies.addAll(e.read(Duration.ofMillis(1)));
            }
            for (var f : fws) {
                fwReplies.addAll(f.read(Duration.ofMillis(1)));
            }
            return execs.stream().allMatch(RawConnection::closedByPeer) && fws.stream().allMatch(RawConnection::closedByPeer);
        });
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        System.out.println("ConnectionAbuseIT: 20 half-sent connections closed after " + tookMs + " ms (idle "
                + IDLE_MS + " ms)");
        assertThat(execReplies).hasSize(10).allSatisfy(m ->
                assertThat(m.getEvent().getError().getCode()).isEqualTo(RejectCode.IDLE_TIMEOUT));
        assertThat(fwReplies).hasSize(10).allSatisfy(m -> {
            assertThat(m.getEvent().getError().getCode()).isEqualTo(RejectCode.IDLE_TIMEOUT);
            assertThat(m.getEvent().getError().getMessage()).contains("half sent");
        });
        for (var c : execs) {
            c.close();
        }
        for (var c : fws) {
            c.close();
        }
        shim.assertServes();
    }

    @Test
    void aConnectionFloodIsServedAndLeaksNoDescriptors() throws Exception {
        shim.assertServes(); // warm up: the client event loop and its descriptors exist before counting
        int before = openFds();
        long started = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            var socket = i % 2 == 0 ? shim.config.executorSocket() : shim.config.frameworkSocket();
            try (var c = new RawConnection<>(socket, ShimToFramework.parser())) {
                if (i % 3 == 0) {
                    c.write(halfFrame(50, 3)); // dropped mid-frame
                } else if (i % 3 == 1) {
                    c.write(halfFrame(0, 0)); // an empty call; the answer is never read
                }
            }
        }
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        System.out.println("ConnectionAbuseIT: 200 connections opened and dropped in " + tookMs + " ms; fds before "
                + before + ", right after " + openFds());
        assertThat(tookMs).as("flood duration").isLessThan(10_000);
        shim.assertServes();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(openFds()).as("open descriptors (before: %d)", before).isLessThanOrEqualTo(before + 8));
        assertThat(shim.view()).isEqualTo(new FuzzShim.LedgerView(io.baton.resources.Resources.empty(),
                io.baton.resources.Resources.empty(), io.baton.resources.Resources.empty(), 0));
    }

    /** The shim runs in this JVM, so its descriptors are ours. */
    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
