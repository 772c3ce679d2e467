package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor the shim keeps refusing (here: a node smaller than an executor's default overhead) retries for ever;
 * {@code baton status} lists it with the shim's reason, and a launch that waits for it says why it never came.
 */
class RefusedSubscriptionIT {
    @TempDir
    Path dir;
    CliNode node;

    @BeforeEach
    void start() throws Exception {
        node = new CliNode(dir, 0, "cpus:0.05;mem:16");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void statusAndAWaitingLaunchSayWhyTheShimRefusesAnExecutor() {
        node.startWorker("w1", dir.resolve("w1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> node.baton("status").out().contains("REFUSED EXECUTOR"));
        CliNode.Run status = node.baton("status");
        assertThat(status.exit()).as(status.err()).isZero();
        String line = status.out().lines().filter(l -> l.startsWith("w1 ")).findFirst().orElseThrow();
        assertThat(line).containsPattern("^w1\\s+\\d+\\s+\\d+\\s+.+\\s+OVER_TOTAL\\s+executor w1 reports holding "
                + "cpus:0.1;mem:32 but only cpus:0.05;mem:16 of the node total");
        assertThat(node.baton("status", "--json").out()).contains("\"refusedSubscriptions\"")
                .contains("\"code\": \"OVER_TOTAL\"");

        CliNode.Run launch = node.baton("launch", "--executor", "w1", "--task", "t1", "--resources", "cpus:0.01;mem:1",
                "--wait-for-executor", "1s");
        assertThat(launch.exit()).isEqualTo(1);
        assertThat(launch.err().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("baton launch: executor w1 did not subscribe in time — the shim refused its subscription "
                        + "(OVER_TOTAL): executor w1 reports holding cpus:0.1;mem:32")
                .containsPattern("\\((once, at|\\d+ times in a row, the latest at) ");
    }
}
