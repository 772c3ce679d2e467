package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.samples.command.CommandExecutor;
import io.baton.sdk.client.BatonClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
 * re-subscribes to the AM. With the command sample, whose tasks are processes of their own session that outlive the
 * executor's JVM, the relaunched executor recovers its task from the journal in that work directory: the same
 * process is re-adopted (not started again), the AM sees the task RUNNING, and a kill through the AM ends it.
 */
@Tag("integration")
class ExecutorRelaunchIT {
    @TempDir
    Path tmp;

    /**
     * Also the class-data archive of a relaunch: the executor runs from jars only (a class path directory cannot be
     * archived), so its first run makes the archive in the application's local directory after it subscribed, and
     * the relaunched JVM maps it.
     */
    @Test
    void aSigkilledExecutorIsRelaunchedInItsContainerKeepsItsWorkDirectoryAndMapsTheArchiveItsFirstRunMade()
            throws Exception {
        try (LocalYarn yarn = LocalYarn.start("relaunch-it"); YarnClient client = yarn.newClient();
                LocalAm local = LocalAm.start(yarn, client, tmp, "relaunch-it")) {
            Container container = local.am.launch(LocalAm.jarsOnly(LocalAm.worker("w1", new YarnSize(512, 1))))
                    .get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> local.connected("w1"));
            Path journal = LocalAm.containerWorkDir(yarn, container).resolve(ExecutorCommands.JOURNAL_DIR);
            Path marker = Files.writeString(journal.resolve("written-before-the-kill"), "still here");
            ProcessHandle first = LocalAm.executorJvm("w1").orElseThrow();
            List<String> firstArgs = LocalAm.cmdline(first.pid());
            assertThat(firstArgs).noneMatch(a -> a.startsWith("-XX:SharedArchive"));
            Path archive = Path.of(firstArgs.stream().filter(a -> a.startsWith("-Dbaton.cds.dump=")).findFirst()
                    .orElseThrow().substring("-Dbaton.cds.dump=".length()));
            Path logs = LocalAm.containerLogDir(yarn, container);
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> Files.exists(archive));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("no archive " + archive + " after 60 s; the executor said:\n" + logged(logs), e);
            }
            assertThat(Files.size(archive)).isGreaterThan(1 << 20);

            assertThat(first.destroyForcibly()).isTrue(); // SIGKILL
            first.onExit().get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> !local.connected("w1"));

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> LocalAm.executorJvm("w1").filter(p -> p.pid() != first.pid()).isPresent()
                            && local.connected("w1"));
            assertThat(Files.readString(marker)).isEqualTo("still here");
            ProcessHandle second = LocalAm.executorJvm("w1").orElseThrow();
            assertThat(LocalAm.cmdline(second.pid())).contains("-XX:SharedArchiveFile=" + archive)
                    .noneMatch(a -> a.startsWith("-Dbaton.cds.dump"));
            String real = archive.toRealPath().toString();
            assertThat(Files.readAllLines(Path.of("/proc", Long.toString(second.pid()), "maps")))
                    .as("the relaunched JVM maps the archive").anyMatch(l -> l.endsWith(" " + real));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> logged(logs)
                    .contains("executor w1 started with its class-data archive " + archive + " mapped"));
            assertThat(logged(logs)).containsOnlyOnce("executor w1 made the class-data archive " + archive);
            assertThat(local.am.runningExecutors()).containsEntry(container.getId(), "w1");
            assertThat(client.getContainerReport(container.getId()).getContainerState()).isEqualTo(ContainerState.RUNNING);
            assertThat(Files.readString(LocalAm.containerWorkDir(yarn, container).resolve("launch_container.sh")))
                    .contains("exit " + ExecutorCommands.RELAUNCH_EXIT);
        }
    }

    /** What the executor wrote to its container's stdout and stderr, both runs. */
    private static String logged(Path logs) throws java.io.IOException {
        return Files.readString(logs.resolve("executor.out")) + Files.readString(logs.resolve("executor.err"));
    }

    @Test
    void aSigkilledExecutorRecoversItsRunningTaskFromItsJournalInTheSameContainer() throws Exception {
        try (LocalYarn yarn = LocalYarn.start("relaunch-recover-it"); YarnClient client = yarn.newClient();
                LocalAm local = LocalAm.start(yarn, client, tmp, "relaunch-recover-it")) {
            Container container = local.am.launch(LocalAm.executor("c1", new YarnSize(512, 1),
                    CommandExecutor.class.getName(), "")).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> local.connected("c1"));
            BlockingQueue<TaskStatus> updates = new LinkedBlockingQueue<>();
            try (BatonClient fw = local.framework(updates::add)) {
                LocalAm.launch(fw, "c1", LocalAm.task("sleeper", "cpus:0.1;mem:32").toBuilder()
                        .setSpec(TaskSpec.newBuilder().setKind("command").setValue("exec sleep 600")).build());
                await().atMost(Duration.ofSeconds(30)).until(() -> LocalAm.taskState(local, "c1", "sleeper")
                        == TaskState.TASK_RUNNING);
                Path pidFile = LocalAm.containerWorkDir(yarn, container)
                        .resolve(ExecutorCommands.JOURNAL_DIR).resolve("command-tasks").resolve("sleeper.pid");
                long leader = Long.parseLong(Files.readString(pidFile).trim().split(" ")[0]);
                ProcessHandle task = ProcessHandle.of(leader).orElseThrow();
                ProcessHandle first = LocalAm.jvm(CommandExecutor.class.getName(), "--id", "c1").orElseThrow();

                assertThat(first.destroyForcibly()).isTrue(); // SIGKILL
                first.onExit().get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(5)).until(() -> !local.connected("c1"));
                assertThat(task.isAlive()).as("the task's process outlives its executor").isTrue();

                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> LocalAm.jvm(CommandExecutor.class.getName(), "--id", "c1")
                                .filter(p -> p.pid() != first.pid()).isPresent() && local.connected("c1"));
                // recovered, not relaunched: the same process, RUNNING in the AM's ledger, in the same container
                assertThat(LocalAm.taskState(local, "c1", "sleeper")).isEqualTo(TaskState.TASK_RUNNING);
                assertThat(Long.parseLong(Files.readString(pidFile).trim().split(" ")[0])).isEqualTo(leader);
                assertThat(task.isAlive()).isTrue();
                assertThat(local.am.runningExecutors()).containsEntry(container.getId(), "c1");
                List<TaskStatus> reconciled = fw.reconcile("sleeper").get(10, TimeUnit.SECONDS);
                assertThat(reconciled).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);

                // the recovered executor still controls it
                updates.clear();
                fw.kill("sleeper", 1_000).get(10, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30)).until(() -> updates.stream().anyMatch(u ->
                        u.getTaskId().getValue().equals("sleeper") && u.getState() == TaskState.TASK_KILLED));
                await().atMost(Duration.ofSeconds(10)).until(() -> !task.isAlive());
            }
        }
    }
}
