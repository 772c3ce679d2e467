package io.baton.cli.demo;

import io.baton.proto.NodeState;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.shim.isolator.Isolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The demo's node: a shim, sample executors in their own JVMs, and a framework client watching it all. */
final class DemoWorld implements AutoCloseable {
    static final String TOKEN = "demo-token";

    final Path dir;
    final Isolator isolator;
    final ShimConfig config;
    final ShimServer shim;
    final BatonClient client;
    final Narrator say;
    final Map<String, ChildJvm> executors = new LinkedHashMap<>();
    private final Map<String, Long> requestedAt = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<TaskStatus>> running = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> narrated = new ConcurrentHashMap<>();

    DemoWorld(Path dir, Resources total, Isolator isolator, Narrator say) throws Exception {
        this.dir = dir;
        this.isolator = isolator;
        this.say = say;
        this.config = ShimConfig.defaults(dir.resolve("shim"), total, isolator.kind());
        this.shim = new ShimServer(config, isolator, TOKEN).start();
        this.client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(TOKEN).name("demo").build());
        client.onProgress(p -> {
            Long t0 = requestedAt.get(p.getReplacementId().getValue());
            if (t0 != null) {
                say.live(String.format("%-14s %-13s +%d ms since the request", p.getReplacementId().getValue(), p.getPhase(),
                        (System.nanoTime() - t0) / 1_000_000));
                if (io.baton.sdk.core.Phase.valueOf(p.getPhase()).terminal()) {
                    narrated.computeIfAbsent(p.getReplacementId().getValue(), k -> new CompletableFuture<>()).complete(null);
                }
            }
        });
        client.onUpdate(s -> {
            if (s.getState() == TaskState.TASK_RUNNING) {
                running.computeIfAbsent(s.getTaskId().getValue(), k -> new CompletableFuture<>()).complete(s);
            }
        });
    }

    /** Starts a sample executor in its own JVM and waits until it has subscribed to the shim. */
    ChildJvm executor(String id, String mainClass) throws Exception {
        Path work = Files.createDirectories(dir.resolve(id));
        ChildJvm jvm = new ChildJvm(id, mainClass, dir.resolve(id + ".log"), "--id", id, "--work-dir", work.toString(),
                "--shim", config.executorSocket().toString()).start();
        executors.put(id, jvm);
        awaitSubscribed(id, jvm);
        return jvm;
    }

    void awaitSubscribed(String id, ChildJvm jvm) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            NodeState s = state();
            if (s.getExecutorsList().stream().anyMatch(e -> e.getExecutorId().getValue().equals(id) && e.getConnected())) {
                return;
            }
            if (!jvm.alive()) {
                throw new IllegalStateException("executor " + id + " exited; see " + jvm.log());
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("executor " + id + " did not subscribe within 30 s; see " + jvm.log());
    }

    NodeState state() throws Exception {
        return client.state().get(10, TimeUnit.SECONDS);
    }

    Resources free() throws Exception {
        return Resources.fromProto(state().getFreeList());
    }

    static TaskInfo task(String id, String resources, String value, Map<String, String> params) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto())
                .setSpec(TaskSpec.newBuilder().setValue(value).putAllParams(params)).build();
    }

    String offer(String resources) throws Exception {
        return client.offers(Resources.parse(resources)).get(10, TimeUnit.SECONDS).get(0).getId().getValue();
    }

    /** Launches a task with an offer for exactly its resources and waits until it runs. */
    long launch(String executor, TaskInfo task) throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<TaskStatus> up = running.computeIfAbsent(task.getTaskId().getValue(),
                k -> new CompletableFuture<>());
        String offer = client.offers(Resources.fromProto(task.getResourcesList())).get(10, TimeUnit.SECONDS).get(0)
                .getId().getValue();
        client.launch(executor, task, List.of(offer)).get(10, TimeUnit.SECONDS);
        up.get(30, TimeUnit.SECONDS);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Asks for a replacement and returns its outcome (REJECTED with the shim's message if it is refused). */
    ReplaceOutcome replace(ReplaceSpec spec, long timeoutSeconds) throws Exception {
        requestedAt.put(spec.replacementId(), System.nanoTime());
        ReplaceOutcome o = client.replace(spec).outcome().get(timeoutSeconds, TimeUnit.SECONDS);
        awaitNarrated(spec.replacementId());
        return o;
    }

    /** The last phase line comes on another thread than the outcome: print it first (progress is best effort). */
    void awaitNarrated(String rid) {
        try {
            narrated.computeIfAbsent(rid, k -> new CompletableFuture<>()).get(500, TimeUnit.MILLISECONDS);
        } catch (Exception notComing) {
            // e.g. a replacement the shim refused never had a phase
        }
    }

    /** Asks for a replacement without waiting for its outcome (its phases are narrated live). */
    io.baton.sdk.client.ReplaceHandle start(ReplaceSpec spec) {
        requestedAt.put(spec.replacementId(), System.nanoTime());
        return client.replace(spec);
    }

    static String timings(ReplaceOutcome o) {
        var t = o.timings();
        return String.format("drain %d ms, handoff %d ms, launch %d ms, ready %d ms, total %d ms", t.getDrainUs() / 1000,
                t.getHandoffUs() / 1000, t.getLaunchUs() / 1000, t.getReadyUs() / 1000, t.getTotalUs() / 1000);
    }

    static boolean is(ReplaceOutcome o, ReplacementOutcome expected) {
        return o.outcome() == expected;
    }

    /** Stops what the demo started: tasks first (command tasks outlive their executor), then executors. */
    @Override
    public void close() {
        try {
            for (var e : state().getExecutorsList()) {
                for (var t : e.getTasksList()) {
                    client.kill(t.getTaskId().getValue(), 1_000);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && state().getExecutorsList().stream().anyMatch(e -> e.getTasksCount() > 0)) {
                Thread.sleep(100);
            }
        } catch (Exception e) {
            say.say("(could not stop every task cleanly: " + e.getMessage() + ")");
        }
        for (ChildJvm jvm : executors.values()) {
            try {
                jvm.kill9();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.close();
        shim.close();
        for (String id : executors.keySet()) {
            try {
                isolator.destroy(id);
            } catch (Exception e) {
                say.say("(container of " + id + " not removed: " + e.getMessage() + ")");
            }
        }
        if (isolator instanceof io.baton.shim.isolator.CgroupV1Isolator v1) {
            try {
                Files.deleteIfExists(v1.cpuParent());
                Files.deleteIfExists(v1.memoryParent());
            } catch (java.io.IOException e) {
                say.say("(cgroup parent not removed: " + e.getMessage() + ")");
            }
        }
    }
}
