package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.NodeState;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SDK issue's acceptance test, seen from the framework client: a bigger replacement backed by an
 * offer, a smaller one and a broken one end COMMITTED, COMMITTED (leftover back in the shim's free pool)
 * and ROLLED_BACK (old task running again) — also when the executor is killed with SIGKILL at any one
 * of its steps and started again.
 */
class AcceptanceIT {
    static final String TOKEN = "acceptance";
    static final Resources OVERHEAD = Resources.parse("cpus:0.1;mem:32");

    @TempDir
    Path dir;
    ShimServer shim;
    JavaProcess executor;
    ShimConfig config;

    @AfterEach
    void stop() throws Exception {
        if (executor != null) {
            executor.kill9();
        }
        try (var pids = Files.newDirectoryStream(dir.resolve("exec"), "*.pid")) {
            for (Path pid : pids) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim().split(" ")[0])).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
        }
        shim.close();
    }

    private void startExecutor(String failpoint) throws Exception {
        List<String> jvm = failpoint.isEmpty() ? List.of() : List.of("-Dbaton.failpoint=" + failpoint);
        executor = JavaProcess.start(jvm, ProcessExecutor.class.getName(), "--id", "e1", "--work-dir",
                dir.resolve("exec").toString(), "--shim", config.executorSocket().toString());
    }

    /** Waits for a future; if the executor died meanwhile (a failpoint fired), starts it again. */
    private <T> T supervise(CompletableFuture<T> f) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (System.nanoTime() < deadline) {
            try {
                return f.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                if (!executor.process.isAlive()) {
                    startExecutor("");
                }
            }
        }
        throw new AssertionError("no answer within 40 s; executor output:\n" + executor.output());
    }

    static TaskInfo task(String id, String resources, String mode) {
        return ExecutorCrashIT.task(id, resources, mode, 2_000);
    }

    @ParameterizedTest(name = "executor killed at [{0}]")
    @ValueSource(strings = {"", "journaled:replace_requested", "journaled:event:RESERVE_ACCEPTED",
            "journaled:task-state:TASK_KILLED", "journaled:event:CONTAINER_ADJUSTED",
            "journaled:task-state:TASK_RUNNING#2", "journaled:event:RELEASED", "journaled:task-state:TASK_FAILED"})
    void biggerSmallerAndBrokenEndCommittedCommittedRolledBack(String failpoint) throws Exception {
        config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:4;mem:2048"), "none");
        shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        Files.createDirectories(dir.resolve("exec"));
        startExecutor(failpoint);
        try (BatonClient client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(TOKEN).build())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> client.state().get().getExecutorsCount() == 1);

            String offer = client.offers(Resources.parse("cpus:1;mem:256")).get().get(0).getId().getValue();
            client.launch("e1", task("a", "cpus:1;mem:256", "ok"), List.of(offer)).get();
            await().atMost(Duration.ofSeconds(20)).until(() -> running(client.state().get(), "a"));

            String more = client.offers(Resources.parse("cpus:1;mem:256")).get().get(0).getId().getValue();
            ReplaceOutcome bigger = supervise(client.replace(ReplaceSpec.of("a", task("b", "cpus:2;mem:512", "ok"), more)
                    .withReplacementId("bigger")).outcome());
            assertThat(bigger.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);

            ReplaceOutcome smaller = supervise(client.replace(ReplaceSpec.of("b", task("c", "cpus:0.5;mem:128", "ok"))
                    .withReplacementId("smaller")).outcome());
            assertThat(smaller.outcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(Resources.fromProto(
                    client.state().get().getFreeList())).as("the leftover is back in the free pool")
                    .isEqualTo(Resources.parse("cpus:4;mem:2048").minus(OVERHEAD).minus(Resources.parse("cpus:0.5;mem:128"))));

            ReplaceOutcome broken = supervise(client.replace(ReplaceSpec.of("c", task("d", "cpus:0.5;mem:128", "fail"))
                    .withReplacementId("broken").withPolicy(ReplacePolicy.newBuilder().setStartTimeoutMs(20_000).build()))
                    .outcome());
            assertThat(broken.outcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            assertThat(broken.status().getTaskId().getValue()).isEqualTo("c");
            assertThat(broken.status().getState()).isEqualTo(TaskState.TASK_ROLLED_BACK);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                NodeState s = client.state().get();
                assertThat(s.getExecutors(0).getTasksList()).extracting(t -> t.getTaskId().getValue()).containsExactly("c");
                assertThat(s.getReservationsCount()).isZero();
                assertThat(shim.verifyLedger()).isNull();
            });
        }
    }

    private static boolean running(NodeState s, String task) {
        return s.getExecutorsCount() == 1 && s.getExecutors(0).getTasksList().stream()
                .anyMatch(t -> t.getTaskId().getValue().equals(task) && t.getState() == TaskState.TASK_RUNNING);
    }
}
