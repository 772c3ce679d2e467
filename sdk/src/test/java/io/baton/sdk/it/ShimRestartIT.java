package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.Acknowledge;
import io.baton.proto.ExecutorID;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.Launch;
import io.baton.proto.NodeState;
import io.baton.proto.OfferID;
import io.baton.proto.Replace;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shim restarts in the middle of a replacement: the executor re-subscribes and the replacement completes. */
class ShimRestartIT {
    static final String TOKEN = "restart-token";

    @TempDir
    Path dir;

    private static TaskStatus awaitUpdate(TestFramework fw, Predicate<TaskStatus> match) throws InterruptedException {
        while (true) {
            TaskStatus s = fw.wire.await(m -> m.hasEvent() && m.getEvent().hasUpdate()).getEvent().getUpdate();
            fw.call(FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder().setTaskId(s.getTaskId())
                    .setUuid(s.getUuid())));
            if (match.test(s)) {
                return s;
            }
        }
    }

    private static NodeState state(TestFramework fw) throws InterruptedException {
        return fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
    }

    @Test
    void aReplacementSurvivesAShimRestart() throws Exception {
        ShimConfig config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:4;mem:1024"), "none");
        Path exec = Files.createDirectories(dir.resolve("exec"));
        ShimServer shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        ExecutorRuntime executor = new ExecutorRuntime(new ProcessExecutor(exec), "e1",
                ChronicleJournal.open(exec.resolve("journal"), ChronicleJournal.Options.defaults()),
                new NettyShimConnection(config.executorSocket()), () -> System.currentTimeMillis() * 1000).start();
        try {
            TestFramework fw = TestFramework.unix(config.frameworkSocket());
            fw.subscribe(TOKEN, true);
            await().atMost(Duration.ofSeconds(10)).until(() -> state(fw).getExecutorsCount() == 1);
            var a = ExecutorCrashIT.task("a", "cpus:1;mem:128", "stubborn", 3_000);
            String offer = fw.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                    .addAllResources(a.getResourcesList()))).getOffers().getOffers(0).getId().getValue();
            fw.call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder().setExecutorId(ExecutorID.newBuilder()
                    .setValue("e1")).setTask(a).addOfferIds(OfferID.newBuilder().setValue(offer))));
            awaitUpdate(fw, s -> s.getTaskId().getValue().equals("a") && s.getState() == TaskState.TASK_RUNNING);
            fw.call(FrameworkCall.newBuilder().setReplace(Replace.newBuilder()
                    .setReplacementId(ReplacementID.newBuilder().setValue("r1")).setOldTaskId(TaskID.newBuilder()
                            .setValue("a")).setNewTask(ExecutorCrashIT.task("b", "cpus:1;mem:128", "ok", 1_000))));
            awaitUpdate(fw, s -> s.getTaskId().getValue().equals("a") && s.getState() == TaskState.TASK_KILLING);
            fw.close();

            shim.close(); // the shim goes away while the old task is draining (3 s of ignored SIGTERM)
            shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
            TestFramework again = TestFramework.unix(config.frameworkSocket());
            again.subscribe(TOKEN, true);
            TaskStatus out = awaitUpdate(again, s -> s.getReplacementId().getValue().equals("r1")
                    && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED);
            assertThat(out.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            ShimServer restarted = shim;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                NodeState s = state(again);
                assertThat(s.getReservationsCount()).isZero();
                assertThat(s.getExecutors(0).getTasksList()).extracting(t -> t.getTaskId().getValue())
                        .containsExactly("b");
                assertThat(restarted.verifyLedger()).isNull();
            });
            again.close();
        } finally {
            executor.close();
            shim.close();
            for (Path pid : Files.newDirectoryStream(exec, "*.pid")) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim().split(" ")[0])).ifPresent(h -> {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                });
            }
        }
    }
}
