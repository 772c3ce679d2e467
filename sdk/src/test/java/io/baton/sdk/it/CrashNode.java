package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorState;
import io.baton.proto.NodeState;
import io.baton.resources.Resources;
import io.baton.shim.ShimMain;
import io.baton.shim.isolator.CgroupV1Isolator;
import io.baton.shim.testing.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One node of the crash matrix, all real processes: the shim ({@link ShimMain}, with the cgroup v1
 * isolator where this machine lets the test write cgroups, else the in-memory one — the reason is
 * printed), one {@link ProcessExecutor} child as executor {@code e1}, and that executor's task
 * processes. Either process can be SIGKILLed and started again on the same work directories.
 * {@link #close} kills every process and removes every cgroup it made, also after a failure.
 */
final class CrashNode implements AutoCloseable {
    static final String TOTAL = "cpus:4;mem:4096";
    /** A JVM executor needs more than the default 32 MiB once a real memory cgroup holds it. */
    static final Resources OVERHEAD = Resources.parse("cpus:0.1;mem:384");
    static final long MIB = 1024 * 1024;
    /** Child JVMs start faster with C1 only and the serial collector; 30 of them start per matrix run. */
    static final List<String> FAST_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    final Path shimDir;
    final Path execDir;
    final String cgroupParent = "baton-cm-" + UUID.randomUUID().toString().substring(0, 8);
    final CgroupV1Isolator cgroups; // null: the in-memory isolator
    JavaProcess shim;
    JavaProcess executor;
    private final List<JavaProcess> started = new ArrayList<>();

    CrashNode(Path dir) throws Exception {
        this.shimDir = dir.resolve("shim");
        this.execDir = Files.createDirectories(dir.resolve("exec"));
        this.cgroups = CgroupV1Isolator.detect(cgroupParent).orElse(null);
        if (cgroups == null) {
            System.out.println("CrashMatrixIT: cgroup limits NOT checked (in-memory isolator): no writable cgroup v1 "
                    + "cpu and memory hierarchies for this process (needs root and cgroup v1 under /sys/fs/cgroup)");
        }
    }

    boolean realCgroups() {
        return cgroups != null;
    }

    // ------------------------------------------------------------------ the shim

    void startShim(String failpoint) throws Exception {
        startShim(failpoint, List.of());
    }

    void startShim(String failpoint, List<String> properties) throws Exception {
        List<String> jvm = new ArrayList<>(FAST_JVM);
        jvm.addAll(properties);
        if (failpoint != null) {
            jvm.add("-Dbaton.shim.failpoint=" + failpoint);
        }
        shim = track(JavaProcess.start(jvm, ShimMain.class.getName(), "--work-dir", shimDir.toString(),
                "--isolator", realCgroups() ? "cgroup-v1" : "none", "--cgroup-parent", cgroupParent,
                "--resources", TOTAL, "--node", "n1"));
        shim.awaitLine("baton shim ready");
    }

    void killShim() throws InterruptedException {
        shim.kill9();
    }

    /** Waits for the shim to die at its failpoint. */
    void awaitShimDeath() throws InterruptedException {
        awaitDeath(shim, "shim");
    }

    String token() throws Exception {
        return Files.readString(shimDir.resolve("framework.token")).trim();
    }

    Path frameworkSocket() {
        return shimDir.resolve("framework.sock");
    }

    // ------------------------------------------------------------------ the executor

    /** Starts the executor; with {@code subscribed}, waits until the shim shows it connected. */
    void startExecutor(String failpoint, CrashFramework fw, boolean subscribed) throws Exception {
        List<String> jvm = new ArrayList<>(FAST_JVM);
        jvm.add("-Dbaton.executor.overhead=" + OVERHEAD);
        if (failpoint != null) {
            jvm.add("-Dbaton.failpoint=" + failpoint);
        }
        executor = track(JavaProcess.start(jvm, ProcessExecutor.class.getName(), "--id", "e1", "--work-dir",
                execDir.toString(), "--shim", shimDir.resolve("executor.sock").toString()));
        if (subscribed) {
            awaitSubscribed(fw);
        }
    }

    void awaitSubscribed(CrashFramework fw) {
        JavaProcess e = executor;
        try {
            await().atMost(Duration.ofSeconds(20)).failFast(() -> !e.process.isAlive()).until(() -> {
                NodeState s = fw.state();
                return s.getExecutorsCount() == 1 && s.getExecutors(0).getConnected()
                        && s.getExecutors(0).getPid() == e.pid();
            });
        } catch (RuntimeException ex) {
            throw new AssertionError("executor did not subscribe; its output:\n" + e.output(), ex);
        }
    }

    /** SIGKILL, and wait until the shim has seen the executor's connection go (so a REPLACE is queued). */
    void killExecutor(CrashFramework fw) throws InterruptedException {
        executor.kill9();
        await().atMost(Duration.ofSeconds(10)).until(() -> !fw.state().getExecutors(0).getConnected());
    }

    void awaitExecutorDeath() throws InterruptedException {
        awaitDeath(executor, "executor");
    }

    /** Makes the next executor wait inside its recover hook (see {@link ProcessExecutor}). */
    void holdRecovery() throws Exception {
        Files.writeString(execDir.resolve("hold-recovery"), "");
    }

    void releaseRecovery() throws Exception {
        Files.deleteIfExists(execDir.resolve("hold-recovery"));
        Files.deleteIfExists(execDir.resolve("recovering"));
    }

    void awaitRecovering() {
        JavaProcess e = executor;
        await().atMost(Duration.ofSeconds(20)).failFast(() -> !e.process.isAlive())
                .until(() -> Files.exists(execDir.resolve("recovering")));
    }

    // ------------------------------------------------------------------ what runs, and the container

    /** The task's process runs: the pid its launch recorded is alive with the same start time. */
    boolean alive(String task) throws Exception {
        Path pid = execDir.resolve(task + ".pid");
        if (!Files.exists(pid)) {
            return false;
        }
        String[] parts = Files.readString(pid).trim().split(" ");
        long p = Long.parseLong(parts[0]);
        return ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)
                && ProcessExecutor.startTime(p).equals(parts[1]);
    }

    /**
     * The ledger balances and the container matches it: no reservation or offer left, sums recomputed
     * from the snapshot within the total, the executor holding its overhead plus {@code task} and
     * sized for exactly that — in the snapshot and, with real cgroups, in cgroupfs.
     */
    void assertBalanced(NodeState s, Resources task) throws Exception {
        Resources total = Resources.fromProto(s.getTotalList());
        Resources allocated = Resources.fromProto(s.getAllocatedList());
        Resources used = allocated.plus(Resources.fromProto(s.getReservedList()))
                .plus(Resources.fromProto(s.getOfferedList()));
        assertThat(s.getReservationsList()).as("no reservation left").isEmpty();
        assertThat(Resources.fromProto(s.getReservedList()).isEmpty()).as("nothing reserved").isTrue();
        assertThat(total.contains(used)).as("allocated + reserved + offered %s within total %s", used, total).isTrue();
        assertThat(Resources.fromProto(s.getFreeList())).as("free = total - used").isEqualTo(total.minus(used));
        ExecutorState e = s.getExecutors(0);
        Resources expected = OVERHEAD.plus(task);
        assertThat(Resources.fromProto(e.getAllocationList())).as("allocation").isEqualTo(expected);
        assertThat(allocated).as("node allocated = the one executor's allocation").isEqualTo(expected);
        assertThat(Resources.fromProto(e.getLimitsList())).as("container limits = allocation").isEqualTo(expected);
        if (realCgroups()) {
            assertCgroup(expected);
        }
    }

    private void assertCgroup(Resources r) throws Exception {
        long millis = r.cpusMillis();
        long mem = r.memBytes();
        Path cpu = cgroups.cpuDir("e1");
        Path memory = cgroups.memoryDir("e1");
        assertThat(read(cpu.resolve("cpu.shares"))).as("cpu.shares").isEqualTo(Math.max(millis * 1024 / 1000, 2));
        assertThat(read(cpu.resolve("cpu.cfs_period_us"))).as("cpu.cfs_period_us").isEqualTo(100_000);
        assertThat(read(cpu.resolve("cpu.cfs_quota_us"))).as("cpu.cfs_quota_us")
                .isEqualTo(Math.max(millis * 100, 1_000));
        assertThat(read(memory.resolve("memory.limit_in_bytes"))).as("memory.limit_in_bytes").isEqualTo(mem);
        assertThat(Files.readAllLines(memory.resolve("cgroup.procs"))).as("the executor is in its memory cgroup")
                .contains(Long.toString(executor.pid()));
        assertThat(Files.readAllLines(cpu.resolve("cgroup.procs"))).as("the executor is in its cpu cgroup")
                .contains(Long.toString(executor.pid()));
    }

    /** What the test checked the container against, for the log. */
    String describeContainer() throws Exception {
        if (!realCgroups()) {
            return "cgroup not checked (in-memory isolator)";
        }
        Path cpu = cgroups.cpuDir("e1");
        return "cgroup " + cgroups.memoryDir("e1") + ": cpu.shares=" + read(cpu.resolve("cpu.shares"))
                + " cpu.cfs_quota_us=" + read(cpu.resolve("cpu.cfs_quota_us")) + " memory.limit_in_bytes="
                + read(cgroups.memoryDir("e1").resolve("memory.limit_in_bytes"));
    }

    private static long read(Path file) throws Exception {
        return Long.parseLong(Files.readString(file).trim());
    }

    // ------------------------------------------------------------------ cleanup

    private JavaProcess track(JavaProcess p) {
        started.add(p);
        return p;
    }

    private static void awaitDeath(JavaProcess p, String what) {
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !p.process.isAlive());
        } catch (RuntimeException e) {
            throw new AssertionError(what + " did not die at its failpoint; its output:\n" + p.output(), e);
        }
    }

    String outputs() {
        return "--- shim:\n" + (shim == null ? "" : shim.output()) + "\n--- executor:\n"
                + (executor == null ? "" : executor.output());
    }

    @Override
    public void close() throws Exception {
        for (JavaProcess p : started) {
            p.close();
        }
        try (var pids = Files.newDirectoryStream(execDir, "*.pid")) {
            for (Path pid : pids) {
                killTree(Long.parseLong(Files.readString(pid).trim().split(" ")[0]));
            }
        }
        if (cgroups != null) {
            if (Files.exists(cgroups.memoryDir("e1"))) {
                for (long pid : cgroups.pids("e1")) {
                    killTree(pid); // anything else left in the container
                }
            }
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
                cgroups.destroy("e1");
                Files.deleteIfExists(cgroups.cpuParent());
                Files.deleteIfExists(cgroups.memoryParent());
            });
        }
    }

    private static void killTree(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
            h.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
        });
    }
}
