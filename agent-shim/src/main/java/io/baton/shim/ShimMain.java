package io.baton.shim;

import io.baton.resources.Resources;
import io.baton.shim.isolator.Isolator;
import io.baton.shim.isolator.Isolators;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.server.WorkDir;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baton shim}: the node daemon. */
@Command(name = "shim", mixinStandardHelpOptions = true, version = "baton shim 0.1.0",
        description = {"Runs the Baton agent shim: the node's resource ledger, validation, container limits and "
                + "routing between frameworks and executors. It holds no replacement logic.", ""},
        footer = {"", "Example:", "  baton shim --work-dir /tmp/baton --resources 'cpus:4;mem:8192;ports:[31000-32000]' "
                + "--isolator none", "", "Executors connect to <work-dir>/executor.sock, frameworks to "
                + "<work-dir>/framework.sock (or --port on loopback) with the token in <work-dir>/framework.token."})
public final class ShimMain implements Callable<Integer> {

    @Option(names = "--work-dir", description = "Directory for the sockets, the token and the lock, private to the "
            + "shim's user: created with mode 0700; an existing one the shim's uid owns is set to 0700 (logged, e.g. "
            + "'tightened DIR from rwxr-xr-x to rwx------'); one another uid owns is refused (default: ${DEFAULT-VALUE}).")
    Path workDir = ShimDefaults.workDir();

    @Option(names = "--resources", description = "Node total in Mesos syntax (default: detected, ${DEFAULT-VALUE}).")
    String resources = ShimDefaults.detectedResources();

    @Option(names = "--isolator", description = "auto | cgroup-v1 | cgroup-v2 | none (default: ${DEFAULT-VALUE}).")
    String isolator = "auto";

    @Option(names = "--cgroup-parent", description = "Parent cgroup for executor containers (default: ${DEFAULT-VALUE}).")
    String cgroupParent = "baton";

    @Option(names = "--token-file", description = "Framework token file; created with a random token when absent "
            + "(default: <work-dir>/framework.token).")
    Path tokenFile;

    @Option(names = "--port", description = "Also serve the framework API on this TCP port (0 = off, default).")
    int port;

    @Option(names = "--executor-port", description = "Also serve the executor API on this TCP port (0 = off, "
            + "default). Such executors present the token and are not put into containers (no verifiable pid).")
    int executorPort;

    @Option(names = "--metrics-port", description = "Serve Prometheus metrics at GET /metrics and a read-only live "
            + "view of the node at GET / on this TCP port, bound to --bind (0 = off, default).")
    int metricsPort;

    @Option(names = "--bind", description = "Address for --port (default: ${DEFAULT-VALUE}; loopback only unless you say so).")
    String bind = "127.0.0.1";

    @Option(names = "--node", description = "Node name in offers and state (default: host name).")
    String node = ShimDefaults.hostName();

    @Option(names = "--max-frame-bytes", description = "Largest accepted frame (default: ${DEFAULT-VALUE}).")
    int maxFrame = ShimConfig.DEFAULT_MAX_FRAME_BYTES;

    @Option(names = "--max-connections", description = "Concurrent connections each listener (executor socket, "
            + "framework socket, each TCP port) accepts; more are refused with an error frame and closed "
            + "(default: ${DEFAULT-VALUE}).")
    int maxConnections = ShimConfig.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--offer-ttl", description = "How long an offer lives, e.g. 30s (default: ${DEFAULT-VALUE}).")
    String offerTtl = "30s";

    @Option(names = "--idle-timeout", description = "Close connections silent this long (default: ${DEFAULT-VALUE}).")
    String idleTimeout = "30s";

    @Option(names = "--recovery-timeout", description = "How long a disconnected executor keeps its tasks "
            + "(default: ${DEFAULT-VALUE}).")
    String recoveryTimeout = "15m";

    @Option(names = "--memory-shrink-deadline", description = "How long to wait for usage to fall before a lower "
            + "memory hard limit is given up (default: ${DEFAULT-VALUE}).")
    String shrinkDeadline = "30s";

    @Override
    public Integer call() throws Exception {
        Resources total = Resources.parse(resources);
        ShimConfig config = ShimConfig.defaults(workDir.toAbsolutePath(), total, isolator)
                .withTcpPort(port)
                .withExecutorPort(executorPort)
                .withMetricsPort(metricsPort)
                .withTimeouts(maxFrame, Durations.millis("--offer-ttl", offerTtl),
                        Durations.millis("--idle-timeout", idleTimeout),
                        Durations.millis("--recovery-timeout", recoveryTimeout))
                .withNode(node, bind, cgroupParent)
                .withMemoryShrink(Durations.millis("--memory-shrink-deadline", shrinkDeadline), 250)
                .withMaxConnections(maxConnections);
        if (tokenFile != null) {
            config = config.withTokenFile(tokenFile.toAbsolutePath());
        }
        WorkDir.prepare(config.workDir()); // before the token is written into it
        String token = Tokens.loadOrCreate(config.tokenFile(), tokenFile == null);
        Isolator iso = Isolators.create(isolator, cgroupParent);
        CountDownLatch stopped = new CountDownLatch(1);
        ShimServer server = new ShimServer(config, iso, token).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // sockets removed, lock released, before the JVM goes
            stopped.countDown();
        }, "shim-shutdown"));
        System.out.println("baton shim ready: executors -> " + config.executorSocket() + ", frameworks -> "
                + config.frameworkSocket() + (port > 0 ? " and tcp " + bind + ":" + port : "")
                + ", token file " + config.tokenFile());
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        ConsoleText.install(); // a console without UTF-8 (no locale set) gets "-" for "—", not "?"
        System.exit(run(args));
    }

    /** Runs the command; errors print one line (what, why, what to do) and give exit code 2. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new ShimMain());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            line.getErr().println("baton shim: " + ex.getMessage());
            return 2;
        });
        return ConsoleText.writersFor(cl).execute(args);
    }
}
