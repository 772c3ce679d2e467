package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.resources.Resources;
import io.baton.shim.core.Effect;
import io.baton.shim.core.Input;
import io.baton.shim.server.NodeBackend;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live view of a shim serving several nodes (as the YARN AM registers it as the application's tracking URL),
 * in headless Chromium: a table of each node's ledger. Skipped, saying why, where {@code /usr/bin/chromium} is
 * missing.
 */
class LiveViewNodesIT {
    @TempDir
    Path dir;

    /** Two nodes whose requests are granted at once (no executor runs here). */
    private static final class TwoNodes implements NodeBackend {
        @Override
        public String kind() {
            return "two-nodes";
        }

        @Override
        public List<String> nodes() {
            return List.of("nm-a:1", "nm-b:2");
        }

        @Override
        public void bind(NodeLoop loop) {
        }

        @Override
        public Input attach(Effect.Attach a) {
            return new Input.Attached(a.request(), "two-nodes:" + a.executorId(), null);
        }

        @Override
        public Input applyLimits(Effect.ApplyLimits a) {
            return new Input.LimitsApplied(a.request(), false, null);
        }

        @Override
        public Input requestGrant(Effect.RequestGrant g) {
            return new Input.GrantDecided(g.request(), null);
        }

        @Override
        public void destroy(Effect.DestroyContainer d) {
        }
    }

    @Test
    void eachNodeHasARowWithItsOwnTotalAndFree() throws Exception {
        if (!Files.isExecutable(HeadlessChromium.BINARY)) {
            String why = HeadlessChromium.BINARY + " is missing: install Debian's chromium package (.ci/run does)";
            System.out.println("LiveViewNodesIT skipped: " + why);
            Assumptions.abort(why);
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ShimConfig config = ShimConfig.defaults(dir, Resources.parse("cpus:4;mem:4096;ports:[31000-31009]"), "none")
                .withMetricsPort(port);
        try (ShimServer server = ShimServer.withBackend(config, new TwoNodes(), "token", Clock.systemUTC()).start();
                HeadlessChromium browser = HeadlessChromium.start(1200, 900)) {
            browser.navigate("http://127.0.0.1:" + port + "/");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(browser.eval("String(document.querySelectorAll('#node-table tr[data-node]').length)"))
                            .isEqualTo("2"));
            String b = browser.eval("document.querySelector('#node-table tr[data-node=\"nm-b:2\"]').innerText");
            assertThat(b).contains("nm-b:2").contains("cpus:4;mem:4096;ports:[31000-31009]");
            assertThat(browser.eval("document.getElementById('node').innerText")).contains("two-nodes");
        }
    }
}
