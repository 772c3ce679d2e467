package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ReplacementOutcome;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Executors may reach the shim over loopback TCP too, with the token instead of peer credentials. */
class TcpExecutorIT {
    static final String TOKEN = "tcp-token";

    @TempDir
    Path dir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void anExecutorOverTcpIsReplacedLikeAnyOtherAndAWrongTokenIsRefused() throws Exception {
        int port = freePort();
        ShimConfig config = ShimConfig.defaults(dir, Resources.parse("cpus:2;mem:1024"), "none").withExecutorPort(port);
        try (ShimServer shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
                BatonClient client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(TOKEN).build())) {
            try (ExecutorRuntime intruder = new ExecutorRuntime(new ThreadExecutor(), "x1", new InMemoryJournal(),
                    NettyShimConnection.tcp("127.0.0.1", port, "wrong"), () -> System.currentTimeMillis() * 1000).start()) {
                await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3))
                        .until(() -> client.state().get().getExecutorsCount() == 0);
            }
            try (ExecutorRuntime executor = new ExecutorRuntime(new ThreadExecutor(), "t1", new InMemoryJournal(),
                    NettyShimConnection.tcp("127.0.0.1", port, TOKEN), () -> System.currentTimeMillis() * 1000).start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> client.state().get().getExecutorsCount() == 1);
                String offer = client.offers(Resources.parse("cpus:1;mem:128")).get().get(0).getId().getValue();
                client.launch("t1", RuntimeIT.task("a", "cpus:1;mem:128", "ok"), List.of(offer)).get();
                var out = client.replace(ReplaceSpec.of("a", RuntimeIT.task("b", "cpus:0.5;mem:64", "ok"))).outcome()
                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(out.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);
                assertThat(shim.verifyLedger()).isNull();
            }
        }
    }
}
