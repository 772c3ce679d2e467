package io.baton.yarn.demo;

import io.baton.cli.demo.Demo;
import io.baton.cli.demo.DemoSite;
import io.baton.proto.ExecutorState;
import io.baton.resources.Resources;
import io.baton.sdk.client.ClientOptions;
import io.baton.yarn.AmOptions;
import io.baton.yarn.BatonApplicationMaster;
import io.baton.yarn.ExecutorLaunch;
import io.baton.yarn.LocalYarn;
import io.baton.yarn.UnmanagedAttempt;
import io.baton.yarn.YarnResources;
import io.baton.yarn.YarnSize;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * {@code bin/baton demo --on yarn}: the demo's story on a YARN cluster inside this JVM ({@link LocalYarn}: one
 * ResourceManager, two NodeManagers, the CapacityScheduler with the DominantResourceCalculator), with Baton's
 * ApplicationMaster as the application's unmanaged AM in this JVM (the framework reaches it over TCP with the
 * application's token) and each sample executor in a YARN container of its own, which the AM grows and shrinks
 * as the replacements need. A SIGKILLed executor is brought back by its NodeManager (the container's retry
 * policy), not by the demo. Used from the demo's thread only.
 */
public final class LocalYarnSite implements DemoSite {
    /** The AM's ledger total, as the local demo's node. */
    static final String TOTAL = "cpus:8;mem:8192";
    /** Each NodeManager's vcores here: room for all three executors on one node, wherever YARN puts them. */
    static final int NODE_VCORES = 8;
    /** An executor's own share (its JVM), which its container holds with no task: 1 vcore, 512 MB in YARN. */
    static final String OVERHEAD = "cpus:0.1;mem:512";
    static final YarnSize EXECUTOR_SIZE = new YarnSize(512, 1);

    private final Path dir;
    private final LocalYarn yarn;
    private final YarnClient client;
    private final UnmanagedAttempt attempt;
    private final BatonApplicationMaster am;
    private final String token;
    private final int frameworkPort;
    private final long startMs;
    private final Map<String, String> mains = new HashMap<>();

    private LocalYarnSite(Path dir, LocalYarn yarn, YarnClient client, UnmanagedAttempt attempt,
            BatonApplicationMaster am, String token, int frameworkPort, long startMs) {
        this.dir = dir;
        this.yarn = yarn;
        this.client = client;
        this.attempt = attempt;
        this.am = am;
        this.token = token;
        this.frameworkPort = frameworkPort;
        this.startMs = startMs;
    }

    /** What {@code baton demo --on yarn} calls (by name: the plain CLI does not have this class). */
    public static Demo.SiteOpener opener(Path dir) {
        return out -> open(dir, out);
    }

    static LocalYarnSite open(Path dir, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        out.println("Work directory: " + dir + "   cluster: YARN in this JVM (1 ResourceManager, " + LocalYarn.NODES
                + " NodeManagers), starting (about 20 s)…");
        out.flush();
        if (System.getenv("BATON_LOG_LEVEL") == null) {
            // the cluster's web layer (Jersey, Guice) logs through java.util.logging; Baton's CLI keeps stderr quiet
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
            for (var h : java.util.logging.Logger.getLogger("").getHandlers()) {
                h.setLevel(java.util.logging.Level.OFF);
            }
        }
        // MiniYARNCluster puts its directories under Hadoop's test data dir: the demo's work directory, not the cwd
        System.setProperty("test.build.data", dir.resolve("yarn").toString());
        LocalYarn yarn = LocalYarn.start("baton-demo", conf -> {
            conf.setInt(YarnConfiguration.NM_VCORES, NODE_VCORES);
            conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_VCORES, NODE_VCORES);
        });
        YarnClient client = null;
        BatonApplicationMaster am = null;
        try {
            client = yarn.newClient();
            UnmanagedAttempt attempt = UnmanagedAttempt.submit(client, "baton-demo", Duration.ofSeconds(60));
            int[] ports = freePorts(3);
            AmOptions options = new AmOptions(dir.resolve("am"), dir.resolve("staging").toUri().toString(),
                    Resources.parse(TOTAL), "127.0.0.1", "127.0.0.1", ports[0], ports[1], LocalYarn.AM_HEARTBEAT_MS,
                    AmOptions.DEFAULT_RESERVE_TIMEOUT_MS, ports[2]);
            am = new BatonApplicationMaster(yarn.config(), options, attempt.user()).start();
            String token = Files.readString(dir.resolve("am/baton.token"), StandardCharsets.UTF_8).trim();
            return new LocalYarnSite(dir, yarn, client, attempt, am, token, ports[0], (System.nanoTime() - t0) / 1_000_000);
        } catch (Exception | Error e) {
            if (am != null) {
                am.close();
            }
            if (client != null) {
                client.close();
            }
            yarn.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return "YARN up after " + startMs / 1000 + " s; Baton's ApplicationMaster registered as " + attempt.application()
                + ", serving frameworks on 127.0.0.1:" + frameworkPort;
    }

    @Override
    public String ready() {
        return "AM up: ledger total " + TOTAL + ", each NodeManager " + NODE_VCORES + " vcores / 4096 MB; starting the "
                + "sample executors, each in a YARN container of its own (" + EXECUTOR_SIZE.memoryMb() + " MB, "
                + EXECUTOR_SIZE.vcores() + " vcore, grown and shrunk in place as tasks come and go)…";
    }

    @Override
    public ClientOptions framework(String name) {
        return ClientOptions.tcp("127.0.0.1", frameworkPort).token(token).name(name).progress(true).build(); // shown live
    }

    @Override
    public void startExecutor(String id, String mainClass) throws Exception {
        List<String> flags = new ArrayList<>(EXECUTOR_JVM_FLAGS);
        flags.add("-Xmx96m");
        flags.add("-Dbaton.executor.overhead=" + OVERHEAD);
        // bin/baton points executors at the CLI's own jar: the containers never get the minicluster's class path
        String classpath = System.getProperty("baton.demo.executor.classpath", System.getProperty("java.class.path"));
        String java = ProcessHandle.current().info().command().orElse("java");
        mains.put(id, mainClass);
        am.launch(new ExecutorLaunch(id, EXECUTOR_SIZE, java, flags, classpath, mainClass)).get(60, TimeUnit.SECONDS);
    }

    @Override
    public boolean alive(String id) {
        return am.runningExecutors().containsValue(id);
    }

    @Override
    public String log(String id) {
        return "executor.out / executor.err of its container under " + yarn.cluster().getTestWorkDir()
                + " (pass --keep to look)";
    }

    @Override
    public long kill9(String id) throws Exception {
        ProcessHandle jvm = jvm(id).orElseThrow(() -> new IllegalStateException("no JVM of executor " + id + " found"));
        jvm.destroyForcibly();
        jvm.onExit().get(10, TimeUnit.SECONDS);
        return jvm.pid();
    }

    /** The NodeManager relaunches the container's process (its retry policy, the wrapper's exit 75): waits for it. */
    @Override
    public long restart(String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> jvm = jvm(id);
            if (jvm.isPresent()) {
                return jvm.get().pid();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the NodeManager did not relaunch executor " + id + " within 60 s; see "
                + log(id));
    }

    /**
     * The ResourceManager's size of each executor's container, and whether it equals Baton's ledger (the executor's
     * allocation, overhead + tasks, mapped by {@link YarnResources}: between steps no reservation is live); the
     * container follows a commit's decrease within a heartbeat or two, so this waits up to 5 s for them to agree
     * before it says they do not.
     */
    @Override
    public String view() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Map<String, YarnSize> ledger = new java.util.TreeMap<>();
            for (ExecutorState e : am.shim().state().getExecutorsList()) {
                ledger.put(e.getExecutorId().getValue(), YarnResources.size(Resources.fromProto(e.getAllocationList())));
            }
            Map<String, YarnSize> rm = new java.util.TreeMap<>();
            for (var e : am.runningExecutors().entrySet()) {
                rm.put(e.getValue(), YarnResources.size(client.getContainerReport(e.getKey()).getAllocatedResource()));
            }
            if (rm.equals(ledger) || System.nanoTime() > deadline) {
                StringBuilder line = new StringBuilder("YARN's containers:");
                rm.forEach((id, size) -> line.append(' ').append(id).append(' ').append(size.memoryMb()).append(" MB/")
                        .append(size.vcores()).append(size.vcores() == 1 ? " vcore," : " vcores,"));
                line.setLength(line.length() - 1);
                return line + (rm.equals(ledger) ? " (the ResourceManager's sizes = Baton's ledger)"
                        : " — NOT Baton's ledger: " + ledger);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public String verifyLedger() throws Exception {
        return am.shim().verifyLedger();
    }

    @Override
    public void close() {
        try {
            am.close();
        } finally {
            try {
                client.close();
            } catch (IOException e) {
                // the cluster stops next anyway
            } finally {
                yarn.close();
            }
        }
    }

    /** Executor {@code id}'s live JVM on this machine: its command line names its main class and {@code --id id}. */
    private Optional<ProcessHandle> jvm(String id) {
        String main = mains.get(id);
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).filter(p -> {
            List<String> args = cmdline(p.pid());
            int i = args.indexOf("--id");
            return args.contains(main) && i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(id)
                    && args.get(0).endsWith("java");
        }).findFirst();
    }

    /** From /proc: {@code ProcessHandle.Info.arguments()} is empty for command lines this long. */
    private static List<String> cmdline(long pid) {
        try {
            return List.of(new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static int[] freePorts(int n) throws IOException {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }
}
