package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.Adjust;
import io.baton.proto.ContainerLimits;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.ExecutorSubscribed;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.Release;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReservationRecord;
import io.baton.proto.Reserve;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.api.Task;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.sdk.transport.ShimConnection;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime starts a step's hooks before it writes the step's frames to the shim: the old task's kill is under
 * way while its TASK_KILLING update is still being written. The connection here holds that update back until the
 * kill hook has begun (at most 5 s): with the update written first, the hook could not begin until the wait ran out.
 */
class HooksFirstIT {
    static final String TOKEN = "t0ken";

    @TempDir
    Path dir;

    @Test
    void theOldTasksKillBeginsBeforeItsKillingUpdateIsWritten() throws Exception {
        ShimConfig config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:8;mem:8192"), "none");
        CountDownLatch killBegan = new CountDownLatch(1);
        AtomicReference<Boolean> killBeganFirst = new AtomicReference<>();
        ThreadExecutor author = new ThreadExecutor() {
            @Override
            public void kill(Task task, Duration gracePeriod) throws InterruptedException {
                killBegan.countDown();
                super.kill(task, gracePeriod);
            }
        };
        try (ShimServer shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
                ExecutorRuntime executor = new ExecutorRuntime(author, "e1", new InMemoryJournal(),
                        new KillingHeldBack(new NettyShimConnection(config.executorSocket()), killBegan, killBeganFirst),
                        () -> System.currentTimeMillis() * 1000).start();
                TestFramework fw = TestFramework.unix(config.frameworkSocket())) {
            fw.subscribe(TOKEN, true);
            await().atMost(Duration.ofSeconds(10)).until(() -> fw.call(FrameworkCall.newBuilder()
                    .setState(GetState.getDefaultInstance())).getState().getExecutorsList().stream()
                    .anyMatch(e -> e.getConnected()));
            java.util.List<TaskStatus> seen = new java.util.ArrayList<>();
            Acks.launch(fw, seen, "e1", RuntimeIT.task("a", "cpus:1;mem:128", "ok"));

            assertThat(fw.call(FrameworkCall.newBuilder().setReplace(Replace.newBuilder()
                    .setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                    .setOldTaskId(TaskID.newBuilder().setValue("a")).setNewTask(RuntimeIT.task("b", "cpus:1;mem:128", "ok"))
                    .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)
                            .setStartTimeoutMs(10_000)))).hasForwarded()).isTrue();
            TaskStatus outcome = Acks.awaitUpdate(fw, seen, s -> s.getReplacementId().getValue().equals("r1")
                    && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED);

            assertThat(outcome.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            assertThat(killBeganFirst.get()).as("a's kill hook had begun when its TASK_KILLING update was written")
                    .isTrue();
        }
    }

    /** The real connection, except that a TASK_KILLING update waits (at most 5 s) for the kill hook to begin. */
    private record KillingHeldBack(ShimConnection real, CountDownLatch killBegan, AtomicReference<Boolean> first)
            implements ShimConnection {
        @Override
        public CompletableFuture<Void> update(TaskStatus status) {
            if (status.getState() == TaskState.TASK_KILLING && first.get() == null) {
                try {
                    first.set(killBegan.await(5, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    first.set(false);
                }
            }
            return real.update(status);
        }

        @Override
        public void start(Listener listener) {
            real.start(listener);
        }

        @Override
        public CompletableFuture<ExecutorSubscribed> subscribe(ExecutorSubscribe subscription) {
            return real.subscribe(subscription);
        }

        @Override
        public CompletableFuture<ReservationRecord> reserve(Reserve reserve) {
            return real.reserve(reserve);
        }

        @Override
        public CompletableFuture<ContainerLimits> adjust(Adjust adjust) {
            return real.adjust(adjust);
        }

        @Override
        public CompletableFuture<ContainerLimits> release(Release release) {
            return real.release(release);
        }

        @Override
        public CompletableFuture<Void> progress(io.baton.proto.ReplacementProgress progress) {
            return real.progress(progress);
        }

        @Override
        public CompletableFuture<Void> recordedOutcome(TaskStatus finalUpdate) {
            return real.recordedOutcome(finalUpdate);
        }

        @Override
        public ScheduledExecutorService ioLoop() {
            return real.ioLoop();
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
