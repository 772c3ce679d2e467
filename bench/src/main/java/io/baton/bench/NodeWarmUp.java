package io.baton.bench;

import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Brings a {@link Node}'s shim and framework client (both in this JVM) to where a shim and a framework are after
 * running a while: JIT-compiled on the paths the HTTP section compares. An executor of no-op tasks in this JVM
 * ({@link TimedWorker.Kind#NOOP}, its own Chronicle journal) subscribes to the node's shim, then each cycle runs a
 * STOP_THEN_START (the HTTP section's policy, SYNC) and a kill-then-relaunch (kill through the framework API, await
 * TASK_KILLED, offer, launch, await TASK_RUNNING). Bounded in cycles and time; its last task is killed and the
 * executor closed before the measured executor is started, so the shim serves that one alone.
 */
final class NodeWarmUp {
    static final String EXECUTOR = "bench-warm";

    /** What was done: cycles completed and the ms they took. */
    record Done(int cycles, long millis) {
    }

    private NodeWarmUp() {
    }

    static Done run(Node node, Path dir, int cycles, long maxMillis) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        ChronicleJournal journal = ChronicleJournal.open(dir.resolve("journal"), ChronicleJournal.Options.defaults());
        int done = 0;
        try (ExecutorRuntime runtime = new ExecutorRuntime(new TimedWorker(TimedWorker.Kind.NOOP), EXECUTOR, journal,
                new NettyShimConnection(node.config.executorSocket()), Harness::nowUs).start()) {
            awaitConnected(node);
            String current = "warm-0";
            node.launch(EXECUTOR, Harness.task(current)).get(20, TimeUnit.SECONDS);
            int next = 1;
            while (done < cycles && System.nanoTime() < deadline) {
                TaskInfo v2 = Harness.task("warm-" + next++);
                ReplaceOutcome o = node.client.replace(HttpDowntime.spec(ReplaceStrategy.STOP_THEN_START, current, v2))
                        .outcome().get(20, TimeUnit.SECONDS);
                if (!o.committed()) {
                    throw new IllegalStateException("the warm-up's replacement of " + current + " did not commit: "
                            + o.status().getMessage());
                }
                current = v2.getTaskId().getValue();
                node.client.kill(current, 1_000).get(10, TimeUnit.SECONDS);
                node.state(current, TaskState.TASK_KILLED).get(20, TimeUnit.SECONDS);
                TaskInfo v3 = Harness.task("warm-" + next++);
                node.launch(EXECUTOR, v3).get(20, TimeUnit.SECONDS);
                current = v3.getTaskId().getValue();
                done++;
            }
            node.client.kill(current, 1_000).get(10, TimeUnit.SECONDS);
            node.state(current, TaskState.TASK_KILLED).get(20, TimeUnit.SECONDS);
        }
        return new Done(done, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void awaitConnected(Node node) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (node.executor(EXECUTOR).map(e -> !e.getConnected()).orElse(true)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the warm-up's executor did not subscribe to the shim within 15 s");
            }
            Thread.sleep(5);
        }
    }
}
