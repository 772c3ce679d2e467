package io.baton.sdk.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ClientOptions.threads}: the client's IO thread (which completes its futures) and its update
 * delivery thread (which runs listeners) are both made by the given factory, against a real shim;
 * closing the client ends them.
 */
class ClientThreadsIT {
    @TempDir
    Path dir;

    @Test
    void theClientsThreadsComeFromItsFactoryAndEndWhenItCloses() throws Exception {
        List<Thread> made = new CopyOnWriteArrayList<>();
        ThreadFactory counting = r -> {
            Thread t = new Thread(r, "counted-client-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        };
        try (ShimFixture shim = new ShimFixture(ShimFixture.config(dir))) {
            CompletableFuture<Thread> listenerThread = new CompletableFuture<>();
            BatonClient client = BatonClient.connect(shim.options().threads(counting).build(),
                    s -> listenerThread.complete(Thread.currentThread()));
            try {
                shim.running(client, "t1", "cpus:0.1;mem:16");
                Thread delivering = listenerThread.get(5, TimeUnit.SECONDS); // t1's update reached the listener
                // the IO thread (made while connecting) and the delivery thread, which ran the listener
                assertThat(made).hasSize(2).contains(delivering);
            } finally {
                client.close();
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(made)
                    .as("client threads alive after close").noneMatch(Thread::isAlive));
        }
    }
}
