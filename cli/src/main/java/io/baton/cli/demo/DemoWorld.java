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
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The demo's world: a {@link DemoSite} (a shim or an AM, and the sample executors), and a framework client watching it. */
final class DemoWorld implements AutoCloseable {
    final DemoSite site;
    final BatonClient client;
    final Narrator say;
    private final java.util.Set<String> executors = new java.util.LinkedHashSet<>();
    private final Map<String, Long> requestedAt = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<TaskStatus>> running = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> narrated = new ConcurrentHashMap<>();

    DemoWorld(DemoSite site, Narrator say) throws Exception {
        this.site = site;
        this.say = say;
        this.client = BatonClient.connect(site.framework("demo"));
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

    /** Starts a sample executor on the site and waits until it has subscribed. */
    void executor(String id, String mainClass) throws Exception {
        executors.add(id);
        site.startExecutor(id, mainClass);
        awaitSubscribed(id);
    }

    /** Waits (60 s at most: a cluster may take a while to start a container) until executor {@code id} is subscribed. */
    void awaitSubscribed(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            NodeState s = state();
            if (s.getExecutorsList().stream().anyMatch(e -> e.getExecutorId().getValue().equals(id) && e.getConnected())) {
                return;
            }
            if (!site.alive(id)) {
                throw new IllegalStateException("executor " + id + " exited; see " + site.log(id));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("executor " + id + " did not subscribe within 60 s; see " + site.log(id));
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

    /** An offer of {@code resources} on the node of the executor holding {@code task} (for a replacement of it). */
    String offerNear(String task, String resources) throws Exception {
        return client.offersNear(task, Resources.parse(resources)).get(10, TimeUnit.SECONDS).get(0).getId().getValue();
    }

    /** Launches a task with an offer for exactly its resources and waits until it runs. */
    long launch(String executor, TaskInfo task) throws Exception {
        long t0 = System.nanoTime();
        CompletableFuture<TaskStatus> up = running.computeIfAbsent(task.getTaskId().getValue(),
                k -> new CompletableFuture<>());
        String offer = client.offersOn(executor, Resources.fromProto(task.getResourcesList())).get(10, TimeUnit.SECONDS)
                .get(0).getId().getValue();
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

    /** Stops what the demo started: tasks first (command tasks outlive their executor), then the site. */
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
        client.close();
        site.close();
    }
}
