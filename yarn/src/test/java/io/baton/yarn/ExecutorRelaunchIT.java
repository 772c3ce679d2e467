package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's relaunch decision on a real NodeManager: an executor JVM killed with SIGKILL inside its
 * container comes back in the same container, with the same work directory (so its journal), and
 * re-subscribes to the AM.
 */
@Tag("integration")
class ExecutorRelaunchIT {
    @TempDir
    Path tmp;

    @Test
    void aSigkilledExecutorIsRelaunchedInItsContainerAndKeepsItsWorkDirectory() throws Exception {
        try (LocalYarn yarn = LocalYarn.start("relaunch-it"); YarnClient client = yarn.newClient();
                LocalAm local = LocalAm.start(yarn, client, tmp, "relaunch-it")) {
            Container container = local.am.launch(LocalAm.worker("w1", new YarnSize(512, 1))).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> local.connected("w1"));
            Path journal = LocalAm.containerWorkDir(yarn, container).resolve(ExecutorCommands.JOURNAL_DIR);
            Path marker = Files.writeString(journal.resolve("written-before-the-kill"), "still here");
            ProcessHandle first = LocalAm.executorJvm("w1").orElseThrow();

            assertThat(first.destroyForcibly()).isTrue(); // SIGKILL
            first.onExit().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> !local.connected("w1"));

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> LocalAm.executorJvm("w1").filter(p -> p.pid() != first.pid()).isPresent()
                            && local.connected("w1"));
            assertThat(Files.readString(marker)).isEqualTo("still here");
            assertThat(local.am.runningExecutors()).containsEntry(container.getId(), "w1");
            assertThat(client.getContainerReport(container.getId()).getContainerState()).isEqualTo(ContainerState.RUNNING);
            assertThat(Files.readString(LocalAm.containerWorkDir(yarn, container).resolve("launch_container.sh")))
                    .contains("exit " + ExecutorCommands.RELAUNCH_EXIT);
        }
    }
}
