package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorID;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.Launch;
import io.baton.proto.OfferID;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorHandle;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.runtime.ExecutorBootstrap;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.ExecutorThreads;
import io.baton.sdk.transport.LocalAgent;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ExecutorOptions.withThreads}: every thread of a bootstrapped executor — the shim connection's IO
 * thread (which runs the driver loop), the hook threads and the recover hook's thread — is made by the
 * author's factory, against a real shim over its Unix socket; closing the executor ends them all. Embedded
 * over a {@link LocalAgent}, the driver loop's own thread comes from the factory as well.
 */
class ExecutorThreadsIT {
    static final String TOKEN = "threads-token";

    @TempDir
    Path dir;
    LocalShim local;
    ShimServer shim;
    ShimConfig config;
    TestFramework fw;

    /** Counts the threads it makes. */
    static final class CountingThreads implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "counted-executor-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        }
    }

    /** Records the thread each hook ran on; every task it is asked about survived. */
    static final class RecordingExecutor extends BatonExecutor {
        final List<Thread> hookThreads = new CopyOnWriteArrayList<>();
        final List<String> recovered = new CopyOnWriteArrayList<>();

        @Override
        public void launch(Task task) {
            hookThreads.add(Thread.currentThread());
            task.running();
        }

        @Override
        public void kill(Task task, Duration grace) {
            hookThreads.add(Thread.currentThread());
            task.killed("stopped");
        }

        @Override
        public Set<String> recover(Collection<Task> tasks) {
            hookThreads.add(Thread.currentThread());
            Set<String> ids = tasks.stream().map(Task::id).collect(Collectors.toSet());
            recovered.addAll(ids);
            return ids;
        }
    }

    @BeforeEach
    void start() throws Exception {
        local = new LocalShim(dir, TOKEN);
        config = local.config;
        shim = local.shim;
        fw = local.fw;
    }

    @AfterEach
    void stop() {
        local.close();
    }

    ExecutorHandle bootstrap(BatonExecutor executor, ThreadFactory threads) {
        return ExecutorBootstrap.start(executor, new ExecutorOptions("x1", dir.resolve("x1"), config.executorSocket())
                .withThreads(threads));
    }

    void awaitConnected(boolean connected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var state = fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
            return state.getExecutorsCount() == 1 && state.getExecutors(0).getConnected() == connected;
        });
    }

    static void awaitAllEnded(CountingThreads threads) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threads.made)
                .as("threads still alive after close").noneMatch(Thread::isAlive));
    }

    @Test
    void everyThreadOfTheExecutorComesFromItsFactoryAndEndsWhenItCloses() throws Exception {
        CountingThreads first = new CountingThreads();
        RecordingExecutor author = new RecordingExecutor();
        try (ExecutorHandle h = bootstrap(author, first)) {
            awaitConnected(true);
            String offer = fw.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                    .addAllResources(Resources.parse("cpus:1;mem:64").toProto()))).getOffers().getOffers(0)
                    .getId().getValue();
            fw.call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder()
                    .setExecutorId(ExecutorID.newBuilder().setValue("x1"))
                    .setTask(RuntimeIT.task("a", "cpus:1;mem:64", "ok"))
                    .addOfferIds(OfferID.newBuilder().setValue(offer))));
            fw.awaitUpdate("a", TaskState.TASK_RUNNING);
            // the IO thread (which runs the driver loop) and the launch hook's thread
            assertThat(first.made).hasSizeGreaterThanOrEqualTo(2).contains(author.hookThreads.get(0));
        }
        awaitAllEnded(first);

        // restarted on the same journal: the recover hook runs on a thread of the new factory too
        CountingThreads second = new CountingThreads();
        RecordingExecutor again = new RecordingExecutor();
        try (ExecutorHandle h = bootstrap(again, second)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.recovered.contains("a"));
            awaitConnected(true);
            assertThat(second.made).hasSizeGreaterThanOrEqualTo(2).contains(again.hookThreads.get(0));
            assertThat(first.made).doesNotContainAnyElementsOf(second.made);
        }
        awaitAllEnded(second);
    }

    @Test
    void withoutAnIoThreadToShareTheRuntimeMakesItsDriverThreadFromTheFactoryToo() {
        CountingThreads threads = new CountingThreads();
        RecordingExecutor author = new RecordingExecutor();
        LocalAgent agent = new LocalAgent(Resources.parse("cpus:4;mem:1024"));
        List<TaskStatus> updates = new CopyOnWriteArrayList<>();
        agent.onUpdate(updates::add);
        try (ExecutorRuntime rt = new ExecutorRuntime(author, "embedded", new InMemoryJournal(), agent,
                () -> System.currentTimeMillis() * 1000, ExecutorThreads.from(threads)).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> agent.limits().equals(Resources.parse("cpus:0.1;mem:32")));
            agent.launch(RuntimeIT.task("a", "cpus:1;mem:64", "ok"), agent.offer(Resources.parse("cpus:1;mem:64")));
            await().atMost(Duration.ofSeconds(5)).until(() -> updates.stream()
                    .anyMatch(u -> u.getTaskId().getValue().equals("a") && u.getState() == TaskState.TASK_RUNNING));
            // the driver loop's own thread (LocalAgent lends none) and the launch hook's thread
            assertThat(threads.made).hasSize(2).contains(author.hookThreads.get(0));
        }
        awaitAllEnded(threads);
    }
}
