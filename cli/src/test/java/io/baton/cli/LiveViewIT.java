package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import io.baton.proto.NodeState;
import io.baton.proto.Resource;
import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim's live view in a real browser: headless Chromium (Debian's package) loads {@code GET /} from a
 * shim with {@code --metrics-port} while a replacement runs, and the test reads what the page shows from its
 * DOM. Skipped, saying why, where {@code /usr/bin/chromium} is missing. Leaves a screenshot in
 * {@code target/live-view.png} (the picture in docs/ is one of these).
 */
class LiveViewIT {
    @TempDir
    Path dir;
    CliNode node;
    HeadlessChromium browser;
    int port;

    @BeforeEach
    void start() throws Exception {
        if (!Files.isExecutable(HeadlessChromium.BINARY)) {
            String why = HeadlessChromium.BINARY + " is missing: install Debian's chromium package (.ci/run does)";
            System.out.println("LiveViewIT skipped: " + why);
            Assumptions.abort(why);
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        node = new CliNode(dir, port);
        node.worker("workers", dir.resolve("workers"));
        browser = HeadlessChromium.start(1400, 1100);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private static ConditionFactory within(int seconds) {
        return await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(100));
    }

    /** A data attribute of the first element matching {@code selector}, or "" when there is none. */
    private String data(String selector, String attribute) throws Exception {
        return browser.eval("(document.querySelector('" + selector + "') || {dataset: {}}).dataset." + attribute
                + " || ''");
    }

    private String text(String selector) throws Exception {
        return browser.eval("(document.querySelector('" + selector + "') || {}).innerText || ''");
    }

    private void launch(String task) {
        CliNode.Run r = node.baton("launch", "--executor", "workers", "--task", task, "--resources", "cpus:0.5;mem:64",
                "--spec", "v1", "--param", "period_ms=5");
        assertThat(r.exit()).as(r.err()).isZero();
        within(10).until(() -> WorkerExecutor.count(task) > 0);
    }

    /** A replacement whose new task must stay ready for 3 s: it is in flight, VERIFYING, for that long. */
    private CliNode.Background replace(String from, String to, String rid) {
        return node.start("replace", from, "--task", to, "--resources", "cpus:0.5;mem:64", "--spec", "v2",
                "--readiness-command", "true", "--min-healthy", "3s", "--id", rid, "--wait");
    }

    @Test
    void showsAReplacementInFlightWithItsPhaseThenItsTimeLineTheNewTaskAndTheResourcesStatusReports() throws Exception {
        launch("live1");
        browser.navigate("http://127.0.0.1:" + port + "/");
        within(15).untilAsserted(() -> assertThat(data("#tasks tr[data-task=\"live1\"]", "state"))
                .isEqualTo("TASK_RUNNING"));
        assertThat(text("#tasks tr[data-task=\"live1\"] td:nth-child(4)")).as("the resources the task holds")
                .isEqualTo("cpus:0.5;mem:64");
        assertThat(text("#inflight")).isEqualTo("none");

        CliNode.Background first = replace("live1", "live2", "r-live");
        String row = "#inflight tr[data-rid=\"r-live\"]";
        within(20).untilAsserted(() -> {
            assertThat(data(row, "phase")).isEqualTo("VERIFYING");
            assertThat(text(row)).contains("live1 → live2").contains("workers").contains("LAUNCHING → VERIFYING");
            assertThat(data("#tasks tr[data-task=\"live1\"]", "role")).as("the old task, held by the replacement")
                    .isEqualTo("old");
            assertThat(text("#tasks tr[data-task=\"live1\"]")).contains("being replaced by live2 (r-live");
            assertThat(data("#tasks tr[data-task=\"live2\"]", "role")).isEqualTo("new");
        });
        assertThat(text("#finished")).isEqualTo("none yet");

        CliNode.Run done = first.await();
        assertThat(done.exit()).as(done.out() + done.err()).isZero();
        String finished = "#finished tr[data-rid=\"r-live\"]";
        within(10).untilAsserted(() -> {
            assertThat(data(finished, "outcome")).isEqualTo("COMMITTED");
            assertThat(text("#inflight")).isEqualTo("none");
            assertThat(data("#tasks tr[data-task=\"live2\"]", "state")).isEqualTo("TASK_RUNNING");
            assertThat(browser.eval("String(document.querySelectorAll('#tasks tr[data-task=\"live1\"]').length)"))
                    .isEqualTo("0");
        });
        Map<String, Long> bars = bars(finished);
        assertThat(bars.keySet()).as("bars drawn, in the order STOP_THEN_START runs them")
                .containsSubsequence("drain", "launch", "ready");
        assertThat(bars.get("ready")).as("ready took the 3 s of --min-healthy").isBetween(2_900L, 30_000L);
        assertThat(text(finished)).contains("live1 → live2").contains("stop then start").containsPattern("ready \\d+ ms")
                .containsPattern("total \\d+ ms");

        CliNode.Run status = node.baton("status", "--json");
        assertThat(status.exit()).as(status.err()).isZero();
        NodeState.Builder reported = NodeState.newBuilder();
        JsonFormat.parser().merge(status.out(), reported);
        Map<String, Function<NodeState, List<Resource>>> kinds = Map.of("total", NodeState::getTotalList,
                "allocated", NodeState::getAllocatedList, "reserved", NodeState::getReservedList,
                "offered", NodeState::getOfferedList, "free", NodeState::getFreeList);
        within(10).untilAsserted(() -> {
            for (var k : kinds.entrySet()) {
                Resources r = Resources.fromProto(k.getValue().apply(reported.build()));
                assertThat(text("#resource-table td[data-kind=\"" + k.getKey() + "\"]")).as(k.getKey())
                        .isEqualTo(r.isEmpty() ? "—" : r.toString());
            }
        });
        assertThat(text("#resource-table td[data-kind=\"allocated\"]")).isEqualTo("cpus:0.6;mem:96");

        // a second one in flight while the first shows its time line: the picture for docs/live-view.png
        CliNode.Background second = replace("live2", "live3", "r-live-2");
        within(20).untilAsserted(() -> assertThat(data("#inflight tr[data-rid=\"r-live-2\"]", "phase"))
                .isEqualTo("VERIFYING"));
        Path png = Path.of("target", "live-view.png");
        Files.write(png, browser.screenshot());
        System.out.println("LiveViewIT: screenshot in " + png.toAbsolutePath());
        assertThat(second.await().exit()).isZero();
        within(10).untilAsserted(() -> assertThat(data("#finished tr[data-rid=\"r-live-2\"]", "outcome"))
                .isEqualTo("COMMITTED"));
        // worker tasks live on in this JVM after their executor closes: end it, for the ITs that follow
        assertThat(node.baton("kill", "live3").exit()).isZero();
        within(10).until(() -> WorkerExecutor.count("live3") < 0);
    }

    /** The time line's bars of a finished replacement's row, phase to milliseconds, left to right. */
    private Map<String, Long> bars(String row) throws Exception {
        String list = browser.eval("[...document.querySelectorAll('" + row + " .bar')].map(b => b.dataset.phase + '='"
                + " + b.dataset.ms).join(',')");
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String bar : list.split(",")) {
            String[] kv = bar.split("=");
            out.put(kv[0], Long.parseLong(kv[1]));
        }
        return out;
    }
}
