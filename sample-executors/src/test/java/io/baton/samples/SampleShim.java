package io.baton.samples;

import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorState;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.JavaProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real shim (in-memory isolator) in this JVM, a framework connected to it with {@link BatonClient},
 * and the executors under test: in-process runtimes or child JVMs. Closing stops them all.
 */
public final class SampleShim implements AutoCloseable {
    static final String TOKEN = "samples-token";

    public final ShimConfig config;
    public final ShimServer shim;
    public final BatonClient client;
    public final List<TaskStatus> updates = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> executors = new ArrayList<>();

    public SampleShim(Path dir) throws Exception {
        config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:8;mem:8192"), "none");
        shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(TOKEN).name("samples-it")
                .build(), updates::add);
    }

    /** Runs {@code author} in this JVM with a Chronicle journal in {@code workDir}; waits until it subscribed. */
    public ExecutorRuntime inProcess(BatonExecutor author, String id, Path workDir) {
        ExecutorRuntime rt = new ExecutorRuntime(author, id, ChronicleJournal.open(workDir.resolve("journal"),
                ChronicleJournal.Options.defaults()), new NettyShimConnection(config.executorSocket()),
                () -> System.currentTimeMillis() * 1000).start();
        executors.add(rt);
        awaitConnected(id, ProcessHandle.current().pid());
        return rt;
    }

    /** Starts {@code main} as a child JVM executor on {@code workDir}; waits until it subscribed. */
    public JavaProcess child(Class<?> main, String id, Path workDir) throws Exception {
        JavaProcess p = JavaProcess.start(List.of(), main.getName(), "--id", id, "--work-dir", workDir.toString(),
                "--shim", config.executorSocket().toString());
        executors.add(p);
        try {
            awaitConnected(id, p.pid());
        } catch (RuntimeException e) {
            throw new AssertionError("executor " + id + " did not subscribe; its output:\n" + p.output(), e);
        }
        return p;
    }

    private void awaitConnected(String id, long pid) {
        await().atMost(Duration.ofSeconds(20)).until(() -> executor(id)
                .filter(e -> e.getConnected() && e.getPid() == pid).isPresent());
    }

    public Optional<ExecutorState> executor(String id) throws Exception {
        return client.state().get(5, TimeUnit.SECONDS).getExecutorsList().stream()
                .filter(e -> e.getExecutorId().getValue().equals(id)).findFirst();
    }

    /** Launches {@code task} on executor {@code id} with a fresh offer and waits until it runs. */
    public void launch(String id, TaskInfo task) throws Exception {
        List<String> offers = BatonClient.offerIds(client.offers(Resources.fromProto(task.getResourcesList()))
                .get(5, TimeUnit.SECONDS));
        client.launch(id, task, offers).get(5, TimeUnit.SECONDS);
        awaitState(task.getTaskId().getValue(), TaskState.TASK_RUNNING);
    }

    /** An offer of {@code resources} for a replacement that needs more than the old task holds. */
    public String offer(String resources) throws Exception {
        return client.offers(Resources.parse(resources)).get(5, TimeUnit.SECONDS).get(0).getId().getValue();
    }

    public ReplaceOutcome replace(ReplaceSpec spec) throws Exception {
        return client.replace(spec).outcome().get(30, TimeUnit.SECONDS);
    }

    /** The first update of {@code taskId} in {@code state} (waits up to 20 s). */
    public TaskStatus awaitState(String taskId, TaskState state) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> find(taskId, state), Optional::isPresent).get();
    }

    public Optional<TaskStatus> find(String taskId, TaskState state) {
        return updates.stream().filter(s -> s.getTaskId().getValue().equals(taskId) && s.getState() == state)
                .findFirst();
    }

    public static TaskInfo task(String id, String resources, String value, Map<String, String> params) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).setKillGracePeriodMs(2_000)
                .setSpec(TaskSpec.newBuilder().setKind("sample").setValue(value).putAllParams(params)).build();
    }

    /** {@code task} with an HTTP readiness check on {@code port}, probed every 100 ms. */
    public static TaskInfo withHttpReadiness(TaskInfo task, int port) {
        return task.toBuilder().setReadiness(ReadinessCheck.newBuilder().setHttp(io.baton.proto.HttpCheck.newBuilder()
                .setPort(port).setPath("/")).setIntervalMs(100).setTimeoutMs(500)).build();
    }

    /** Stops the executors (child JVMs with SIGKILL), the client and the shim. */
    @Override
    public void close() {
        for (AutoCloseable e : executors) {
            try {
                e.close();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            } catch (Exception failed) {
                throw new IllegalStateException("could not stop executor " + e + ": " + failed, failed);
            }
        }
        client.close();
        shim.close();
    }
}
