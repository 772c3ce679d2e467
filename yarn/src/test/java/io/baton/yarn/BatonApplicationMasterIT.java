package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.NodeReport;
import org.apache.hadoop.yarn.api.records.NodeState;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Baton executor in a real YARN container subscribes to the AM over TCP with the application's token,
 * and a framework launches a task on it through the AM.
 */
@Tag("integration")
class BatonApplicationMasterIT {
    private static final YarnSize EXECUTOR = new YarnSize(512, 1);

    @TempDir
    Path tmp;

    @Test
    void anExecutorInItsOwnContainerSubscribesToTheAm() throws Exception {
        try (LocalYarn yarn = LocalYarn.start("baton-am-it"); YarnClient client = yarn.newClient()) {
            UnmanagedAttempt attempt;
            try (LocalAm local = LocalAm.start(yarn, client, tmp, "baton-am-it")) {
                attempt = local.attempt;
                Container container = local.am.launch(LocalAm.worker("w1", EXECUTOR)).get(60, TimeUnit.SECONDS);
                assertThat(YarnResources.size(container.getResource())).isEqualTo(EXECUTOR);

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> local.connected("w1"));
                assertThat(local.am.runningExecutors()).containsEntry(container.getId(), "w1");

                // the application's tracking URL is the AM's live view: the shim's page, and its state as JSON
                String url = client.getApplicationReport(local.attempt.application()).getOriginalTrackingUrl();
                assertThat(url).startsWith("http://127.0.0.1:").endsWith("/");
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                var page = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains("<title>").contains("api/state");
                var state = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "api/state")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(state.statusCode()).isEqualTo(200);
                assertThat(state.body()).contains("\"w1\"");

                // the RM's view: the executor's container is charged to its node, the other node is idle
                List<NodeReport> nodes = client.getNodeReports(NodeState.RUNNING);
                for (NodeReport node : nodes) {
                    YarnSize expected = node.getNodeId().equals(container.getNodeId()) ? EXECUTOR : YarnSize.ZERO;
                    assertThat(YarnResources.size(node.getUsed())).as("used on %s", node.getNodeId()).isEqualTo(expected);
                }

                // the token reached the container as a file, never in its launch script (command line, environment)
                Path work = LocalAm.containerWorkDir(yarn, container);
                assertThat(Files.readString(work.resolve(ExecutorCommands.TOKEN_LINK)).trim()).isEqualTo(local.token);
                assertThat(Files.readString(work.resolve("launch_container.sh"))).contains("--token-file baton.token")
                        .doesNotContain(local.token);
                assertThat(work.resolve(ExecutorCommands.JOURNAL_DIR)).isDirectory();

                // a framework reaches the AM like a shim: BatonClient over TCP with the token, and launches a task
                BlockingQueue<TaskStatus> updates = new LinkedBlockingQueue<>();
                try (BatonClient framework = BatonClient.connect(ClientOptions.tcp("127.0.0.1", local.frameworkPort)
                        .token(local.token).build(), updates::add)) {
                    Resources wanted = Resources.parse("cpus:0.5;mem:64");
                    List<String> offers = BatonClient.offerIds(framework.offersOn("w1", wanted).get(10, TimeUnit.SECONDS));
                    TaskInfo task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1")).setName("t1")
                            .addAllResources(wanted.toProto()).build();
                    framework.launch("w1", task, offers).get(10, TimeUnit.SECONDS);
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        TaskStatus u = updates.poll();
                        return u != null && u.getTaskId().getValue().equals("t1") && u.getState() == TaskState.TASK_RUNNING;
                    });
                }
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                ApplicationReport report = client.getApplicationReport(attempt.application());
                assertThat(report.getYarnApplicationState()).isEqualTo(YarnApplicationState.FINISHED);
                assertThat(report.getFinalApplicationStatus()).isEqualTo(FinalApplicationStatus.SUCCEEDED);
            });
        }
    }
}
