package io.baton.shim.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link ShimServer} given a thread factory makes its event loop and its metrics endpoint's handler
 * thread with it (real sockets, a real scrape); closing the server ends them.
 */
class ShimThreadsIT {
    @TempDir
    Path dir;

    @Test
    void theServersThreadsComeFromItsFactoryAndEndWhenItCloses() throws Exception {
        List<Thread> made = new CopyOnWriteArrayList<>();
        ThreadFactory counting = r -> {
            Thread t = new Thread(r, "counted-shim-" + made.size());
            made.add(t);
            return t;
        };
        int metricsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            metricsPort = free.getLocalPort();
        }
        ShimConfig config = ShimConfig.defaults(dir, Resources.parse("cpus:1;mem:256"), "none")
                .withMetricsPort(metricsPort);
        try (ShimServer server = new ShimServer(config, new InMemoryIsolator(), "tok", Clock.systemUTC(), counting)
                .start()) {
            Thread loop = server.onLoop(Thread::currentThread);
            HttpURLConnection scrape = (HttpURLConnection) new URL("http://127.0.0.1:" + metricsPort + "/metrics")
                    .openConnection();
            assertThat(scrape.getResponseCode()).isEqualTo(200);
            scrape.disconnect();
            assertThat(made).contains(loop).hasSize(2); // the event loop and the metrics handler
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(made)
                .as("shim threads alive after close").noneMatch(Thread::isAlive));
    }
}
