package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.ExecutorThreads;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.sdk.transport.ShimAddressFile;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor that reads its shim's TCP address from a file follows the shim when it moves: the shim stops, a
 * new one listens on another port, a newer version of the file ({@code FILE.N}) names it, and the executor
 * re-subscribes there.
 */
class ShimAddressFileIT {
    @TempDir
    Path dir;

    @Test
    void theExecutorReconnectsToTheAddressInTheNewestVersionOfTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("shim.address"), "tcp://127.0.0.1:" + TcpExecutorIT.freePort() + "\n");
        int first = TcpExecutorIT.freePort();
        Files.writeString(dir.resolve("shim.address.1"), "tcp://127.0.0.1:" + first + "\n");
        Files.writeString(dir.resolve("shim.address.x"), "not a version"); // ignored: not a number
        assertThat(ShimAddressFile.newest(file)).isEqualTo(dir.resolve("shim.address.1"));
        try (ExecutorRuntime executor = new ExecutorRuntime(new ThreadExecutor(), "t1", new InMemoryJournal(),
                NettyShimConnection.tcpFromFile(file, TcpExecutorIT.TOKEN, ExecutorThreads.named().io()),
                () -> System.currentTimeMillis() * 1000).start()) {
            try (ShimServer shim = shim("one", first); BatonClient client = client(shim)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> client.state().get().getExecutorsCount() == 1);
            }
            int second = TcpExecutorIT.freePort();
            Files.writeString(dir.resolve("shim.address.2"), "tcp://127.0.0.1:" + second + "\n");
            try (ShimServer shim = shim("two", second); BatonClient client = client(shim)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> client.state().get().getExecutorsList().stream()
                        .anyMatch(e -> e.getExecutorId().getValue().equals("t1") && e.getConnected()));
            }
        }
    }

    @Test
    void aMissingOrBadFileIsNamedInTheError() throws Exception {
        Path file = dir.resolve("none.address");
        assertThatThrownBy(() -> ShimAddressFile.read(file)).hasMessageContaining("cannot read the shim address file "
                + file.toAbsolutePath());
        Files.writeString(file, "localhost:1");
        assertThatThrownBy(() -> ShimAddressFile.read(file)).hasMessageContaining("must be tcp://HOST:PORT, got "
                + "'localhost:1'");
    }

    private ShimServer shim(String name, int port) throws Exception {
        ShimConfig config = ShimConfig.defaults(dir.resolve(name), Resources.parse("cpus:2;mem:1024"), "none")
                .withExecutorPort(port);
        return new ShimServer(config, new InMemoryIsolator(), TcpExecutorIT.TOKEN).start();
    }

    private static BatonClient client(ShimServer shim) throws InterruptedException {
        return BatonClient.connect(ClientOptions.unix(shim.config().frameworkSocket()).token(TcpExecutorIT.TOKEN)
                .build());
    }
}
