package io.baton.samples.http;

import static io.baton.samples.SampleShim.task;
import static io.baton.samples.SampleShim.withHttpReadiness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.samples.SampleShim;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP service sample under a real shim: a START_THEN_STOP replacement under a continuous load loop
 * fails no request, and a version that never gets ready is rolled back while v1 keeps answering.
 */
class HttpServiceExecutorIT {
    @TempDir
    Path dir;
    SampleShim node;
    int port;

    @BeforeEach
    void start() throws Exception {
        node = new SampleShim(dir);
        node.inProcess(new HttpServiceExecutor(), "web", dir.resolve("web"));
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
    }

    @AfterEach
    void stop() {
        node.close();
    }

    TaskInfo version(String id, String version, String... params) {
        Map<String, String> p = new HashMap<>(Map.of("port", Integer.toString(port)));
        for (int i = 0; i + 1 < params.length; i += 2) {
            p.put(params[i], params[i + 1]);
        }
        return withHttpReadiness(task(id, "cpus:0.5;mem:64", version, p), port);
    }

    private ReplaceSpec startThenStop(String old, TaskInfo neu, long startTimeoutMs) throws Exception {
        return ReplaceSpec.of(old, neu, node.offer("cpus:0.5;mem:64")).withPolicy(ReplacePolicy.newBuilder()
                .setStrategy(ReplaceStrategy.START_THEN_STOP).setStartTimeoutMs(startTimeoutMs).build());
    }

    /** One GET on a fresh connection: the body of a 200. */
    private String get() throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200 OK\r\n");
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void startThenStopUnderLoadFailsNoRequestAndSwitchesFromV1ToV2() throws Exception {
        node.launch("web", version("web-v1", "v1"));
        assertThat(get()).isEqualTo("v1");

        try (HttpLoad load = new HttpLoad(port, true, 200_000, 10_000)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > 200);

            // v2 warms up for 300 ms before it listens: readiness gates the commit
            ReplaceOutcome out = node.replace(startThenStop("web-v1", version("web-v2", "v2", "ready_after_ms", "300"),
                    10_000));

            assertThat(out.outcome()).as("%s", out.status()).isEqualTo(ReplacementOutcome.COMMITTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(load.last()) && load.lastRunLength() > 500
                    || load.finished());
            load.stop();
            System.out.println("START_THEN_STOP v1 -> v2 under " + load);
            assertThat(load.failed()).as("%s", load).isZero();
            assertThat(load.runs()).as("a keep-alive client moves once, when v1 drains").containsExactly("v1", "v2");
        }
        assertThat(node.find("web-v1", TaskState.TASK_KILLED)).isPresent();
        assertThat(get()).isEqualTo("v2");
        assertThat(node.shim.verifyLedger()).isNull();
    }

    @Test
    void clientsOpeningAConnectionPerRequestAreServedAcrossTheReplacementToo() throws Exception {
        node.launch("web", version("web-v1", "v1"));

        try (HttpLoad load = new HttpLoad(port, false, 20_000, 10_000)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > 100);
            ReplaceOutcome out = node.replace(startThenStop("web-v1", version("web-v2", "v2"), 10_000));
            assertThat(out.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(load.last()) && load.lastRunLength() > 200
                    || load.finished());
            load.stop();
            System.out.println("START_THEN_STOP v1 -> v2 under " + load);
            assertThat(load.failed()).as("%s", load).isZero();
            assertThat(load.runs()).first().isEqualTo("v1");
            assertThat(load.runs()).last().isEqualTo("v2");
        }
    }

    @Test
    void aVersionThatNeverGetsReadyOrRefusesToStartIsRolledBackAndV1KeepsAnswering() throws Exception {
        node.launch("web", version("web-v1", "v1"));

        try (HttpLoad load = new HttpLoad(port, true, 200_000, 10_000)) {
            ReplaceOutcome notReady = node.replace(startThenStop("web-v1",
                    version("web-v2", "v2", "ready_after_ms", "never"), 1_500));

            assertThat(notReady.outcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            await().atMost(Duration.ofSeconds(5)).until(() -> node.updates.stream().anyMatch(s ->
                    s.getTaskId().getValue().equals("web-v2") && s.getReason() == TaskReason.REPLACE_NOT_READY));

            ReplaceOutcome refused = node.replace(startThenStop("web-v1", version("web-v3", "v3", "fail", "true"),
                    10_000));

            assertThat(refused.outcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            assertThat(node.awaitState("web-v3", TaskState.TASK_FAILED).getMessage()).contains("refuses to start");
            load.stop();
            System.out.println("rolled-back replacements under " + load);
            assertThat(load.failed()).as("%s", load).isZero();
            assertThat(load.runs()).isEqualTo(List.of("v1"));
        }
        assertThat(get()).isEqualTo("v1");
        assertThat(node.shim.verifyLedger()).isNull();
    }

    @Test
    void versionsInTwoExecutorsShareThePortThroughSoReuseport() throws Exception {
        node.launch("web", version("web-v1", "v1"));
        node.inProcess(new HttpServiceExecutor(), "web-b", dir.resolve("web-b"));

        node.launch("web-b", version("other", "b1"));

        Set<String> seen = ConcurrentHashMap.newKeySet();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
            seen.add(get()); // a fresh connection each time: the kernel spreads them over both listeners
            return seen.containsAll(Set.of("v1", "b1"));
        });
        node.client.kill("other", 0).get(5, TimeUnit.SECONDS);
        node.awaitState("other", TaskState.TASK_KILLED);
        for (int i = 0; i < 50; i++) {
            assertThat(get()).isEqualTo("v1");
        }
    }

    private static ReplaceSpec stopThenStart(String old, TaskInfo neu) {
        return stopThenStart(old, neu, 10_000);
    }

    private static ReplaceSpec stopThenStart(String old, TaskInfo neu, long startTimeoutMs) {
        return ReplaceSpec.of(old, neu).withPolicy(ReplacePolicy.newBuilder()
                .setStrategy(ReplaceStrategy.STOP_THEN_START).setStartTimeoutMs(startTimeoutMs).build());
    }

    @Test
    void aRollbackStoppingV2HandsTheListenerToV1Relaunched() throws Exception {
        node.launch("web", version("web-v1", "v1"));
        int nobody;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = probe.getLocalPort();
        }
        // v2 serves the port but its readiness check probes a port nobody serves: never ready, rolled back
        TaskInfo neverReady = withHttpReadiness(task("web-v2", "cpus:0.5;mem:64", "v2", Map.of("port",
                Integer.toString(port))), nobody);

        try (HttpLoad perRequest = new HttpLoad(port, false, 20_000, 10_000)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> perRequest.ok() > 100);
            ReplaceOutcome back = node.replace(stopThenStart("web-v1", neverReady, 1_000));
            assertThat(back.outcome()).as("%s", back.status()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            await().atMost(Duration.ofSeconds(5)).until(() -> "v1".equals(perRequest.last())
                    && perRequest.lastRunLength() > 100 || perRequest.finished());
            perRequest.stop();
            System.out.println("STOP_THEN_START v1 -> v2 (never ready) -> v1 relaunched under " + perRequest);
            // v1's kill held the listener for v2, and v2's kill by the rollback held it for v1
            assertThat(perRequest.failed()).as("%s", perRequest).isZero();
            assertThat(perRequest.runs()).containsExactly("v1", "v2", "v1");
        }
        assertThat(get()).isEqualTo("v1");
        assertThat(node.shim.verifyLedger()).isNull();
    }

    @Test
    void stopThenStartHandsThePortsListenerToV2SoNoConnectionIsRefusedInBetween() throws Exception {
        node.launch("web", version("web-v1", "v1"));

        try (HttpLoad keepAlive = new HttpLoad(port, true, 200_000, 10_000);
                HttpLoad perRequest = new HttpLoad(port, false, 20_000, 10_000)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> keepAlive.ok() > 100 && perRequest.ok() > 100);
            ReplaceOutcome out = node.replace(stopThenStart("web-v1", version("web-v2", "v2")));
            assertThat(out.outcome()).as("%s", out.status()).isEqualTo(ReplacementOutcome.COMMITTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(keepAlive.last()) && "v2".equals(
                    perRequest.last()) && perRequest.lastRunLength() > 200 || perRequest.finished());
            keepAlive.stop();
            perRequest.stop();
            System.out.println("STOP_THEN_START v1 -> v2 under " + keepAlive + " and " + perRequest);
            // v1 stopped (drained, KILLED) before v2 was launched: the connections made in between waited in the
            // listener's queue for v2
            assertThat(keepAlive.failed()).as("%s", keepAlive).isZero();
            assertThat(perRequest.failed()).as("%s", perRequest).isZero();
            assertThat(keepAlive.runs()).containsExactly("v1", "v2");
            assertThat(perRequest.runs()).containsExactly("v1", "v2");
        }
        assertThat(node.awaitState("web-v1", TaskState.TASK_KILLED)).isNotNull();
        assertThat(get()).isEqualTo("v2");
        assertThat(node.shim.verifyLedger()).isNull();
    }

    @Test
    void theHoldIsCountedFromTheEndOfV1sDrainNotItsStart() throws Exception {
        long graceMs = 100;
        long holdMs = graceMs / 5;
        node.launch("web", version("web-v1", "v1", "handoff_hold_ms", Long.toString(holdMs)).toBuilder()
                .setKillGracePeriodMs(graceMs).build());
        // a connection in the middle of a request keeps v1 draining until its grace deadline, five times the hold
        // (an idle one would not: it is handed over to v2 at once)
        try (Socket busy = new Socket("127.0.0.1", port);
                HttpLoad perRequest = new HttpLoad(port, false, 20_000, 10_000)) {
            busy.getOutputStream().write(("GET / HTTP/1.1\r\n").getBytes(StandardCharsets.ISO_8859_1));
            await().atMost(Duration.ofSeconds(5)).until(() -> perRequest.ok() > 100);
            long t0 = System.nanoTime();
            ReplaceOutcome out = node.replace(stopThenStart("web-v1", version("web-v2", "v2")));
            assertThat(out.outcome()).as("%s", out.status()).isEqualTo(ReplacementOutcome.COMMITTED);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("v1 drained until its deadline")
                    .isGreaterThanOrEqualTo(graceMs);
            await().atMost(Duration.ofSeconds(5)).until(() -> perRequest.lastRunLength() > 100 || perRequest.finished());
            perRequest.stop();
            System.out.println("STOP_THEN_START v1 -> v2 with a " + graceMs + " ms drain and a "
                    + holdMs + " ms hold under " + perRequest);
            assertThat(perRequest.failed()).as("%s", perRequest).isZero();
            assertThat(perRequest.runs()).containsExactly("v1", "v2");
        }
    }

    @Test
    void aStopThenStartWhoseV2RefusesToStartHandsTheListenerBackToV1Relaunched() throws Exception {
        node.launch("web", version("web-v1", "v1"));

        try (HttpLoad perRequest = new HttpLoad(port, false, 20_000, 10_000)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> perRequest.ok() > 100);
            ReplaceOutcome back = node.replace(stopThenStart("web-v1", version("web-v2", "v2", "fail", "true")));
            assertThat(back.outcome()).as("%s", back.status()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            long okAfter = perRequest.ok();
            await().atMost(Duration.ofSeconds(5)).until(() -> perRequest.ok() > okAfter + 100 || perRequest.finished());
            perRequest.stop();
            System.out.println("STOP_THEN_START v1 -> v2 (refuses) -> v1 relaunched under " + perRequest);
            assertThat(perRequest.failed()).as("%s", perRequest).isZero();
            assertThat(perRequest.runs()).containsExactly("v1");
        }
        assertThat(node.awaitState("web-v2", TaskState.TASK_FAILED).getMessage()).contains("refuses to start");
        assertThat(get()).isEqualTo("v1");
    }

    private ReplaceSpec freezeThenStart(String old, TaskInfo neu) throws Exception {
        return ReplaceSpec.of(old, neu, node.offer("cpus:0.5;mem:64")).withPolicy(ReplacePolicy.newBuilder()
                .setStrategy(ReplaceStrategy.FREEZE_THEN_START).setStartTimeoutMs(10_000).build());
    }

    @Test
    void freezeThenStartQueuesNewConnectionsForV2AndARollbackThawsV1WithoutAFailedRequest() throws Exception {
        node.launch("web", version("web-v1", "v1"));

        try (HttpLoad load = new HttpLoad(port, false, 20_000, 10_000)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > 100);
            // v2 refuses to start: v1 was frozen (not accepting, connections queued) and is thawed
            ReplaceOutcome back = node.replace(freezeThenStart("web-v1", version("web-v2", "v2", "fail", "true")));
            assertThat(back.outcome()).as("%s", back.status()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            long okAfterRollback = load.ok();
            await().atMost(Duration.ofSeconds(5)).until(() -> load.ok() > okAfterRollback + 100);
            assertThat(load.last()).isEqualTo("v1");

            ReplaceOutcome out = node.replace(freezeThenStart("web-v1", version("web-v3", "v3")));
            assertThat(out.outcome()).as("%s", out.status()).isEqualTo(ReplacementOutcome.COMMITTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> "v3".equals(load.last()) && load.lastRunLength() > 200
                    || load.finished());
            load.stop();
            System.out.println("FREEZE_THEN_START v1 -> (v2 rolled back) -> v3 under " + load);
            assertThat(load.failed()).as("%s", load).isZero();
            assertThat(load.runs()).first().isEqualTo("v1");
            assertThat(load.runs()).last().isEqualTo("v3");
        }
        assertThat(node.shim.verifyLedger()).isNull();
    }
}
