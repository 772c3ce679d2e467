package io.baton.cli;

import static org.awaitility.Awaitility.await;

import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * A real shim (in-memory isolator) in this JVM with its token in {@code <work-dir>/framework.token},
 * optionally a worker executor in-process, and {@link #baton} running the CLI as a user would
 * (in-process, output captured).
 */
final class CliNode implements AutoCloseable {
    static final String TOKEN = "cli-it-token";

    /** What a command printed and returned. */
    record Run(int exit, String out, String err) {
    }

    final Path shimDir;
    final ShimConfig config;
    final ShimServer shim;
    private final List<ExecutorRuntime> executors = new ArrayList<>();

    CliNode(Path dir) throws Exception {
        this(dir, 0);
    }

    /** With the shim's metrics and live view on {@code metricsPort} (0: off). */
    CliNode(Path dir, int metricsPort) throws Exception {
        this(dir, metricsPort, "cpus:4;mem:4096");
    }

    /** With the node's {@code total} resources. */
    CliNode(Path dir, int metricsPort, String total) throws Exception {
        shimDir = dir.resolve("shim");
        config = ShimConfig.defaults(shimDir, Resources.parse(total), "none").withMetricsPort(metricsPort);
        shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        Files.writeString(shimDir.resolve("framework.token"), TOKEN + "\n");
    }

    /** {@code baton <args>} with {@code --work-dir <shim dir>} appended. */
    Run baton(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--work-dir");
        all.add(shimDir.toString());
        return run(all.toArray(String[]::new));
    }

    /** A command running in the background; {@link #out()} is what it printed so far. */
    record Background(StringWriter outBuffer, StringWriter errBuffer, java.util.concurrent.CompletableFuture<Integer> exit) {
        String out() {
            return outBuffer.toString();
        }

        Run await() throws Exception {
            return new Run(exit.get(60, TimeUnit.SECONDS), out(), errBuffer.toString());
        }
    }

    /** {@code baton <args> --work-dir <shim dir>} on another thread. */
    Background start(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--work-dir");
        all.add(shimDir.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Baton.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Background(out, err, java.util.concurrent.CompletableFuture.supplyAsync(
                () -> cl.execute(all.toArray(String[]::new))));
    }

    /** {@code baton <args>} exactly. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Baton.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** A worker executor in this JVM with its Chronicle journal in {@code workDir/journal}. */
    void worker(String id, Path workDir) throws Exception {
        startWorker(id, workDir);
        try (BatonClient c = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(TOKEN)
                .updates(false).build())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> c.state().get(5, TimeUnit.SECONDS).getExecutorsList()
                    .stream().anyMatch(e -> e.getExecutorId().getValue().equals(id) && e.getConnected()));
        }
    }

    /** As {@link #worker}, without waiting for it to subscribe. */
    void startWorker(String id, Path workDir) {
        ExecutorRuntime rt = new ExecutorRuntime(new WorkerExecutor(), id, ChronicleJournal.open(
                workDir.resolve("journal"), ChronicleJournal.Options.defaults()),
                new NettyShimConnection(config.executorSocket()), () -> System.currentTimeMillis() * 1000).start();
        executors.add(rt);
    }

    /** Stops the in-process executors (closing their journals). */
    void stopExecutors() {
        executors.forEach(ExecutorRuntime::close);
        executors.clear();
    }

    @Override
    public void close() {
        stopExecutors();
        shim.close();
    }
}
