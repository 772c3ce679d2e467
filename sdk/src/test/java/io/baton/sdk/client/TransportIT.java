package io.baton.sdk.client;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loopback TCP endpoint, and keeping a connection without updates alive past the shim's idle timeout. */
class TransportIT {
    @TempDir
    Path dir;

    @Test
    void theSameCallsWorkOverLoopbackTcp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (ShimFixture shim = new ShimFixture(ShimFixture.config(dir).withTcpPort(port));
                BatonClient client = BatonClient.connect(ClientOptions.tcp("127.0.0.1", port)
                        .token(ShimFixture.TOKEN).build())) {
            assertThat(client.endpoint()).isEqualTo("tcp:127.0.0.1:" + port);
            shim.running(client, "a", "cpus:1;mem:256");
            shim.awaitEvent(e -> ShimFixture.acknowledgesTask(e, "a"));
            assertThat(client.updates().poll(5, SECONDS).getTaskId().getValue()).isEqualTo("a");
            assertThat(client.state().get(5, SECONDS).getExecutorsCount()).isEqualTo(1);
        }
    }

    @Test
    void withoutUpdatesAnIdleClientKeepsItsConnectionAliveOnlyWithKeepAlive() throws Exception {
        ShimConfig config = ShimConfig.defaults(dir, Resources.parse("cpus:1;mem:512"), "none")
                .withTimeouts(ShimConfig.DEFAULT_MAX_FRAME_BYTES, 30_000, 500, 60_000);
        try (ShimServer server = new ShimServer(config, new InMemoryIsolator(), ShimFixture.TOKEN).start();
                BatonClient kept = BatonClient.connect(ClientOptions.unix(config.frameworkSocket())
                        .token(ShimFixture.TOKEN).updates(false).keepAlive(Duration.ofMillis(100)).build());
                BatonClient dropped = BatonClient.connect(ClientOptions.unix(config.frameworkSocket())
                        .token(ShimFixture.TOKEN).updates(false).keepAlive(Duration.ZERO).build())) {
            assertThat(server.config().idleTimeoutMs()).isEqualTo(500);
            dropped.closed().get(5, SECONDS);
            await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3)).until(kept::isConnected);
            assertThat(kept.state().get(5, SECONDS).getNode()).isEqualTo("localhost");
        }
    }
}
