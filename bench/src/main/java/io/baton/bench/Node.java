package io.baton.bench;

import io.baton.proto.ExecutorState;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real shim in this JVM (in-memory isolator: limits recorded, not enforced) and a framework connected
 * to it, which waits for task states by listening to the updates. Executors run as {@link ChildJvm}s.
 * {@link #attach} connects the same framework to a shim running elsewhere (e.g. in a child JVM).
 */
final class Node implements AutoCloseable {
    static final String TOKEN = "bench-token";

    final ShimConfig config;
    final ShimServer shim;
    final BatonClient client;
    private final Map<String, CompletableFuture<TaskStatus>> waits = new ConcurrentHashMap<>();

    Node(Path dir, String total) throws Exception {
        this(ShimConfig.defaults(dir.resolve("shim"), Resources.parse(total), "none"), TOKEN, true);
    }

    private Node(ShimConfig config, String token, boolean ownShim) throws Exception {
        this.config = config;
        this.shim = ownShim ? new ShimServer(config, new InMemoryIsolator(), token).start() : null;
        client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(token).name("bench-node")
                .updateQueueCapacity(1).build(), this::update);
    }

    /** A framework on the shim whose work directory is {@code shimWorkDir}, with its framework {@code token}. */
    static Node attach(Path shimWorkDir, String token) throws Exception {
        return new Node(ShimConfig.defaults(shimWorkDir, Resources.empty(), "none"), token, false);
    }

    private static String key(String taskId, TaskState state) {
        return taskId + "/" + state.name();
    }

    private void update(TaskStatus s) {
        waits.computeIfAbsent(key(s.getTaskId().getValue(), s.getState()), k -> new CompletableFuture<>()).complete(s);
    }

    /** Completes with the first update of {@code taskId} in {@code state} (also one that already came). */
    CompletableFuture<TaskStatus> state(String taskId, TaskState state) {
        return waits.computeIfAbsent(key(taskId, state), k -> new CompletableFuture<>());
    }

    /** Offers, launches {@code task} on {@code executor}; completes when it is RUNNING. */
    CompletableFuture<TaskStatus> launch(String executor, TaskInfo task) {
        CompletableFuture<TaskStatus> up = state(task.getTaskId().getValue(), TaskState.TASK_RUNNING);
        return client.offers(Resources.fromProto(task.getResourcesList()))
                .thenCompose(offers -> client.launch(executor, task, BatonClient.offerIds(offers)))
                .thenCompose(f -> up);
    }

    /** An offer of {@code resources}, for a replacement that needs more than the old task holds. */
    List<String> offer(String resources) throws Exception {
        return BatonClient.offerIds(client.offers(Resources.parse(resources)).get(5, TimeUnit.SECONDS));
    }

    Optional<ExecutorState> executor(String id) throws Exception {
        return client.state().get(5, TimeUnit.SECONDS).getExecutorsList().stream()
                .filter(e -> e.getExecutorId().getValue().equals(id)).findFirst();
    }

    /**
     * How often {@link #awaitSubscribed} asks the shim. Not every millisecond: each STATE round trip wakes this JVM's
     * client, the shim and the caller, and on two cores a poll every millisecond took the restarting executor's CPU —
     * it subscribed about 200 ms later than with a poll every 25 ms (2026-12-06, ten restarts alternating). The time
     * of the subscription comes from the shim itself, so the interval costs no precision.
     */
    static final long POLL_MS = 20;

    /**
     * Polls the shim every {@value #POLL_MS} ms until executor {@code id} is subscribed from process {@code pid};
     * returns when the shim accepted that subscription (its {@code subscribed_at_us}: microseconds since the epoch,
     * the shim's clock, which is this JVM's wall clock for a shim of {@link #Node(Path, String)}).
     *
     * @throws IllegalStateException when it did not in time, exited, or logged that it cannot recover
     */
    long awaitSubscribed(String id, long pid, long timeoutMs, ChildJvm child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (int i = 1;; i++) {
            Optional<ExecutorState> e = executor(id);
            if (e.isPresent() && e.get().getConnected() && e.get().getPid() == pid) {
                return e.get().getSubscribedAtUs();
            }
            // an executor that cannot recover stays up without subscribing: tell from its log, not the timeout
            if (System.nanoTime() > deadline || !child.alive()
                    || i % 5 == 0 && child.output().contains(" could not recover from its journal ")) {
                throw new IllegalStateException("executor " + id + " (pid " + pid + ") did not subscribe within "
                        + timeoutMs + " ms; its output:\n" + child.output());
            }
            Thread.sleep(POLL_MS);
        }
    }

    @Override
    public void close() {
        client.close();
        if (shim != null) {
            shim.close();
        }
    }
}
