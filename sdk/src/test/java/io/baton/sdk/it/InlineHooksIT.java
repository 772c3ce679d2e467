package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.proto.CommandCheck;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.journal.InMemoryJournal;
import io.baton.sdk.runtime.ExecutorBootstrap;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor whose hooks return at once ({@link BatonExecutor#hooksReturnAtOnce()}) has them called on the driver
 * loop; readiness probes stay on hook threads; a hook that takes too long sends hooks back to hook threads; and a
 * task's hook still waits for its hook running on a hook thread.
 */
class InlineHooksIT {
    static final String TOKEN = "t0ken";

    @TempDir
    Path dir;

    /** Tasks that are only entries in a map: every hook returns at once, and each notes its thread. */
    static class AtOnce extends BatonExecutor {
        final Map<String, Boolean> live = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile long slowKillMs;
        volatile long readyMs;

        @Override
        public boolean hooksReturnAtOnce() {
            return true;
        }

        /**
         * These hooks return at once, but a garbage-collection pause or a busy 2-core machine can still hold one
         * over the default 10 ms: the tests ask what the limit does, with one no such delay reaches.
         */
        @Override
        public long inlineHookLimitMs() {
            return 250;
        }

        @Override
        public void launch(Task task) {
            calls.add("launch " + task.id() + " on " + Thread.currentThread().getName());
            if (task.info().getSpec().getValue().equals("throw")) {
                throw new IllegalStateException("cannot start " + task.id() + " (on purpose)");
            }
            if (task.info().getSpec().getValue().equals("interrupt")) {
                Thread.currentThread().interrupt(); // a careless hook: the loop's thread must not stay interrupted
            }
            live.put(task.id(), true);
            task.running();
        }

        @Override
        public void kill(Task task, Duration grace) throws InterruptedException {
            calls.add("kill " + task.id() + " on " + Thread.currentThread().getName());
            if (Thread.currentThread().isInterrupted()) {
                calls.add("kill " + task.id() + " found its thread interrupted");
            }
            if (slowKillMs > 0) {
                Thread.sleep(slowKillMs); // breaks the promise
            }
            live.remove(task.id());
            task.killed("removed");
        }

        @Override
        public boolean ready(Task task) throws InterruptedException {
            calls.add("ready " + task.id() + " on " + Thread.currentThread().getName());
            if (readyMs > 0) {
                Thread.sleep(readyMs);
            }
            calls.add("ready " + task.id() + " returned");
            return true;
        }
    }

    private static String thread(List<String> calls, String call) {
        return calls.stream().filter(c -> c.startsWith(call + " on ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + call + " in " + calls)).substring(call.length() + 4);
    }

    @Test
    void hooksRunOnTheLoopProbesOnHookThreadsAndASlowHookEndsIt() throws Exception {
        AtOnce author = new AtOnce();
        try (Node n = new Node(author)) {
            n.launch("a", "ok", null);
            assertThat(thread(author.calls, "launch a")).startsWith("baton-executor-loop");

            TaskStatus r1 = n.replace("r1", "a", task("b", "interrupt", readiness(5_000)), 10_000);
            assertThat(r1.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            assertThat(thread(author.calls, "kill a")).startsWith("baton-executor-loop");
            assertThat(thread(author.calls, "launch b")).startsWith("baton-executor-loop");
            assertThat(thread(author.calls, "ready b")).startsWith("baton-hook-");
            assertThat(author.live).containsOnlyKeys("b");

            // a launch that throws on the loop is a failed launch, as on a hook thread: rolled back to b
            TaskStatus r2 = n.replace("r2", "b", task("c", "throw", null), 10_000);
            assertThat(r2.getOutcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            assertThat(thread(author.calls, "launch c")).startsWith("baton-executor-loop");
            assertThat(author.live).containsOnlyKeys("b");

            author.slowKillMs = 3 * author.inlineHookLimitMs();
            TaskStatus r3 = n.replace("r3", "b", task("d", "ok", null), 10_000);
            assertThat(r3.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            assertThat(thread(author.calls, "kill b")).as("the slow kill itself ran on the loop")
                    .startsWith("baton-executor-loop");
            assertThat(author.calls).as("b's launch interrupted the loop's thread; the runtime cleared it")
                    .noneMatch(c -> c.endsWith("found its thread interrupted"));
            assertThat(thread(author.calls, "launch d")).as("the hook after it").startsWith("baton-hook-");
            author.slowKillMs = 0;
            TaskStatus r4 = n.replace("r4", "d", task("e", "ok", null), 10_000);
            assertThat(r4.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            assertThat(thread(author.calls, "kill d")).startsWith("baton-hook-");
            assertThat(author.live).containsOnlyKeys("e");
        }
    }

    @Test
    void aHooksFirstCallIsNotHeldToTheLimit() throws Exception {
        AtOnce author = new AtOnce();
        author.slowKillMs = 3 * author.inlineHookLimitMs(); // slow as cold code can be, from the first kill on
        try (Node n = new Node(author)) {
            n.launch("a", "ok", null);
            TaskStatus r1 = n.replace("r1", "a", task("b", "ok", null), 10_000);
            assertThat(r1.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            assertThat(thread(author.calls, "kill a")).startsWith("baton-executor-loop");
            assertThat(thread(author.calls, "launch b")).as("the first kill's time was not held against it")
                    .startsWith("baton-executor-loop");
            TaskStatus r2 = n.replace("r2", "b", task("c", "ok", null), 10_000);
            assertThat(r2.getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
            assertThat(thread(author.calls, "kill b")).as("the second kill, as slow, on the loop")
                    .startsWith("baton-executor-loop");
            assertThat(thread(author.calls, "launch c")).as("after it: hook threads").startsWith("baton-hook-");
        }
    }

    @Test
    void aTasksHookOnTheLoopWaitsForItsHookOnAHookThread() throws Exception {
        AtOnce author = new AtOnce();
        author.readyMs = 800; // longer than the start timeout: the rollback's kill of b comes while b's probe runs
        try (Node n = new Node(author)) {
            n.launch("a", "ok", null);
            TaskStatus r1 = n.replace("r1", "a", task("b", "ok", readiness(2_000)), 300);
            assertThat(r1.getOutcome()).isEqualTo(ReplacementOutcome.ROLLED_BACK);
            int returned = author.calls.indexOf("ready b returned");
            int killed = author.calls.indexOf(author.calls.stream().filter(c -> c.startsWith("kill b on "))
                    .findFirst().orElseThrow());
            assertThat(returned).as("b's probe returned before b's kill began: %s", author.calls).isLessThan(killed);
            assertThat(thread(author.calls, "kill b")).as("queued behind the probe").startsWith("baton-hook-");
            assertThat(author.live).containsOnlyKeys("a");
        }
    }

    @Test
    void aLimitBelowOneMillisecondIsRefusedBeforeAnythingStarts() throws Exception {
        AtOnce author = new AtOnce() {
            @Override
            public long inlineHookLimitMs() {
                return 0;
            }
        };
        String why = ".inlineHookLimitMs() returned 0 ms: it must be at least 1 ms (the default is 10)";
        try (NettyShimConnection shim = new NettyShimConnection(dir.resolve("no-shim.sock"))) {
            assertThatThrownBy(() -> new ExecutorRuntime(author, "e1", new InMemoryJournal(), shim, () -> 0L))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
        }
        // started as executors are, or as a standby: refused before the journal is touched (and, for the standby,
        // before seconds of warming up, not at its takeover)
        ExecutorOptions options = new ExecutorOptions("e1", dir.resolve("work"), dir.resolve("no-shim.sock"));
        assertThatThrownBy(() -> ExecutorBootstrap.start(author, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
        assertThatThrownBy(() -> ExecutorBootstrap.standBy(author, options))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(why);
        assertThat(dir.resolve("work").resolve("journal")).doesNotExist();
    }

    private static ReadinessCheck readiness(long timeoutMs) {
        return ReadinessCheck.newBuilder().setCommand(CommandCheck.newBuilder().setCommand("true"))
                .setIntervalMs(50).setTimeoutMs(timeoutMs).build();
    }

    private static TaskInfo task(String id, String mode, ReadinessCheck check) {
        TaskInfo.Builder t = RuntimeIT.task(id, "cpus:1;mem:128", mode).toBuilder();
        if (check != null) {
            t.setReadiness(check);
        }
        return t.build();
    }

    /** A shim, the executor {@code e1} with the given author, and a framework that acknowledges every update. */
    private final class Node implements AutoCloseable {
        final ShimServer shim;
        final ExecutorRuntime executor;
        final TestFramework fw;
        final List<TaskStatus> seen = new ArrayList<>();

        Node(BatonExecutor author) throws Exception {
            ShimConfig config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:8;mem:8192"), "none");
            shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
            executor = new ExecutorRuntime(author, "e1", new InMemoryJournal(),
                    new NettyShimConnection(config.executorSocket()), () -> System.currentTimeMillis() * 1000).start();
            fw = TestFramework.unix(config.frameworkSocket());
            fw.subscribe(TOKEN, true);
            await().atMost(Duration.ofSeconds(10)).until(() -> fw.call(FrameworkCall.newBuilder()
                    .setState(GetState.getDefaultInstance())).getState().getExecutorsList().stream()
                    .anyMatch(e -> e.getConnected()));
        }

        void launch(String id, String mode, ReadinessCheck check) throws Exception {
            Acks.launch(fw, seen, "e1", task(id, mode, check));
        }

        TaskStatus replace(String rid, String old, TaskInfo next, long startTimeoutMs) throws Exception {
            assertThat(fw.call(FrameworkCall.newBuilder().setReplace(Replace.newBuilder()
                    .setReplacementId(ReplacementID.newBuilder().setValue(rid))
                    .setOldTaskId(TaskID.newBuilder().setValue(old)).setNewTask(next)
                    .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)
                            .setStartTimeoutMs(startTimeoutMs)))).hasForwarded()).isTrue();
            return Acks.awaitUpdate(fw, seen, s -> s.getReplacementId().getValue().equals(rid)
                    && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED);
        }

        @Override
        public void close() throws Exception {
            fw.close();
            executor.close();
            shim.close();
        }
    }
}
