package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorState;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
            UnmanagedAttempt attempt = UnmanagedAttempt.submit(client, "baton-am-it", Duration.ofSeconds(30));
            int[] ports = freePorts(2);
            AmOptions options = new AmOptions(tmp.resolve("am"), tmp.resolve("staging").toUri().toString(),
                    Resources.parse("cpus:8;mem:8192;ports:[31000-31999]"), "127.0.0.1", "127.0.0.1", ports[0],
                    ports[1], LocalYarn.AM_HEARTBEAT_MS);
            String token;
            try (BatonApplicationMaster am = new BatonApplicationMaster(yarn.config(), options, attempt.user()).start()) {
                token = Files.readString(tmp.resolve("am/baton.token")).trim();
                Container container = am.launch(workerLaunch("w1")).get(60, TimeUnit.SECONDS);
                assertThat(YarnResources.size(container.getResource())).isEqualTo(EXECUTOR);

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> executor(am.shim().state(), "w1").map(ExecutorState::getConnected).orElse(false));
                assertThat(am.runningExecutors()).containsEntry(container.getId(), "w1");

                // the RM's view: the executor's container is charged to its node, the other node is idle
                List<NodeReport> nodes = client.getNodeReports(NodeState.RUNNING);
                for (NodeReport node : nodes) {
                    YarnSize expected = node.getNodeId().equals(container.getNodeId()) ? EXECUTOR : YarnSize.ZERO;
                    assertThat(YarnResources.size(node.getUsed())).as("used on %s", node.getNodeId()).isEqualTo(expected);
                }

                // the token reached the container as a file, never in its launch script (command line, environment)
                Path work = containerWorkDir(yarn, container);
                assertThat(Files.readString(work.resolve(ExecutorCommands.TOKEN_LINK)).trim()).isEqualTo(token);
                assertThat(Files.readString(work.resolve("launch_container.sh"))).contains("--token-file baton.token")
                        .doesNotContain(token);
                assertThat(work.resolve(ExecutorCommands.JOURNAL_DIR)).isDirectory();

                // a framework reaches the AM like a shim: BatonClient over TCP with the token, and launches a task
                BlockingQueue<TaskStatus> updates = new LinkedBlockingQueue<>();
                try (BatonClient framework = BatonClient.connect(ClientOptions.tcp("127.0.0.1", ports[0]).token(token)
                        .build(), updates::add)) {
                    Resources wanted = Resources.parse("cpus:0.5;mem:64");
                    List<String> offers = BatonClient.offerIds(framework.offers(wanted).get(10, TimeUnit.SECONDS));
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

    private static ExecutorLaunch workerLaunch(String id) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> flags = new ArrayList<>(List.of(System.getProperty("baton.jvm.flags", "").trim().split("\\s+")));
        flags.removeIf(String::isEmpty);
        flags.add("-Xmx128m");
        return new ExecutorLaunch(id, EXECUTOR, java, flags, System.getProperty("java.class.path"),
                WorkerExecutor.class.getName());
    }

    private static Optional<ExecutorState> executor(io.baton.proto.NodeState state, String id) {
        return state.getExecutorsList().stream().filter(e -> e.getExecutorId().getValue().equals(id)).findFirst();
    }

    /** The container's work directory under the NodeManagers' local dirs of the cluster. */
    private static Path containerWorkDir(LocalYarn yarn, Container container) throws IOException {
        String id = container.getId().toString();
        try (Stream<Path> files = Files.walk(yarn.cluster().getTestWorkDir().toPath())) {
            return files.filter(p -> p.getFileName().toString().equals(id) && p.toString().contains("appcache"))
                    .findFirst().orElseThrow(() -> new AssertionError("no work directory of container " + id));
        }
    }

    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }
}
