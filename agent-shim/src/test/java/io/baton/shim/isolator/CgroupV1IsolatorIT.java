package io.baton.shim.isolator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the machine's real cgroup v1 hierarchies; skipped with the reason where they are not writable. */
class CgroupV1IsolatorIT {

    private static final long MIB = 1L << 20;

    private final String parent = "baton-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Process> children = new ArrayList<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private CgroupV1Isolator isolator;

    @BeforeEach
    void detect() {
        Detection<CgroupV1Isolator> detection = CgroupV1Isolator.probe(parent);
        if (detection.isolator().isEmpty()) {
            System.out.println("CgroupV1IsolatorIT skipped: " + detection.reason());
        }
        Assumptions.assumeTrue(detection.isolator().isPresent(), detection.reason());
        isolator = detection.isolator().get();
        System.out.println("CgroupV1IsolatorIT: " + detection.reason());
    }

    @AfterEach
    void cleanUp() throws Exception {
        scheduler.shutdownNow();
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        if (isolator != null) {
            removeTree(isolator.cpuParent());
            removeTree(isolator.memoryParent());
            assertThat(isolator.cpuParent()).doesNotExist();
            assertThat(isolator.memoryParent()).doesNotExist();
        }
    }

    @Test
    void appliesLimitsAttachesAProcessLowersMemoryAndDestroys() throws Exception {
        isolator.prepare("c1");
        isolator.apply("c1", new Limits(1500, 256 * MIB));

        Path cpu = isolator.cpuDir("c1");
        Path memory = isolator.memoryDir("c1");
        assertThat(file(cpu, "cpu.shares")).isEqualTo("1536");
        assertThat(file(cpu, "cpu.cfs_period_us")).isEqualTo("100000");
        assertThat(file(cpu, "cpu.cfs_quota_us")).isEqualTo("150000");
        assertThat(file(memory, "memory.limit_in_bytes")).isEqualTo(Long.toString(256 * MIB));
        assertThat(file(memory, "memory.soft_limit_in_bytes")).isEqualTo(Long.toString(256 * MIB));
        assertThat(isolator.read("c1")).isEqualTo(new Limits(1500, 256 * MIB));

        isolator.applyCpu("c1", 0);
        assertThat(file(cpu, "cpu.shares")).isEqualTo("2");
        assertThat(file(cpu, "cpu.cfs_quota_us")).isEqualTo("1000");
        isolator.applyCpu("c1", 2000);

        Process sleep = start(new ProcessBuilder("sleep", "30"));
        isolator.attach("c1", sleep.pid());
        assertThat(isolator.pids("c1")).contains(sleep.pid());
        assertThat(file(cpu, "cgroup.procs").lines()).contains(Long.toString(sleep.pid()));
        assertThat(isolator.memoryUsage("c1")).isBetween(0L, 256 * MIB);

        MemoryShrinker shrinker = shrinker(Duration.ofSeconds(5));
        shrinker.setMemory("c1", 64 * MIB);
        assertThat(isolator.read("c1")).isEqualTo(new Limits(2000, 64 * MIB));
        assertThat(isolator.readMemorySoft("c1")).isEqualTo(64 * MIB);
        assertThat(shrinker.pending("c1")).isFalse();
        shrinker.setMemory("c1", 128 * MIB);
        assertThat(isolator.read("c1").memoryBytes()).isEqualTo(128 * MIB);
        assertThat(events).isEmpty();

        sleep.destroyForcibly();
        assertThat(sleep.waitFor(10, TimeUnit.SECONDS)).isTrue();
        isolator.destroy("c1");
        isolator.destroy("c1");
        assertThat(cpu).doesNotExist();
        assertThat(memory).doesNotExist();
    }

    @Test
    void aMemoryHogIsNotShrunkBelowItsUsageAndTheFailureIsReported() throws Exception {
        isolator.prepare("hog");
        isolator.apply("hog", new Limits(1000, 256 * MIB));
        // The shell waits for a line, so it is in the cgroup before perl allocates (v1 charges on fault).
        Process hog = start(new ProcessBuilder("sh", "-c",
                "read go; exec perl -e '$x = \"a\" x (64 << 20); sleep 60'"));
        isolator.attach("hog", hog.pid());
        try (OutputStream stdin = hog.getOutputStream()) {
            stdin.write("go\n".getBytes(StandardCharsets.US_ASCII));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> isolator.memoryUsage("hog") >= 64 * MIB);
        long usage = isolator.memoryUsage("hog");

        MemoryShrinker shrinker = shrinker(Duration.ofSeconds(1));
        shrinker.setMemory("hog", 16 * MIB);

        assertThat(events).singleElement().asString().startsWith("requested hog target=" + 16 * MIB);
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
        assertThat(events.get(1)).startsWith("failed hog target=" + 16 * MIB + " usage=");
        assertThat(isolator.read("hog").memoryBytes()).isEqualTo(256 * MIB).isGreaterThan(usage);
        assertThat(isolator.readMemorySoft("hog")).isEqualTo(16 * MIB);
        assertThat(hog.isAlive()).isTrue();
        assertThat(isolator.memoryUsage("hog")).isGreaterThan(16 * MIB);
    }

    private MemoryShrinker shrinker(Duration deadline) {
        return new MemoryShrinker(isolator, scheduler, System::nanoTime, Duration.ofMillis(100), deadline,
                new MemoryShrinker.Listener() {
                    @Override
                    public void shrinkRequested(String id, long target, long usage, long deadlineNanos) {
                        events.add("requested " + id + " target=" + target + " usage=" + usage);
                    }

                    @Override
                    public void shrinkCompleted(String id, long target, Duration elapsed) {
                        events.add("completed " + id + " target=" + target);
                    }

                    @Override
                    public void shrinkFailed(String id, long target, long usage, Duration elapsed) {
                        events.add("failed " + id + " target=" + target + " usage=" + usage);
                        System.out.println(MemoryShrinker.failureMessage(id, target, usage, elapsed));
                    }

                    @Override
                    public void shrinkError(String id, long target, IsolatorException error) {
                        events.add("error " + id + " " + error.getMessage());
                    }
                });
    }

    private Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(process);
        return process;
    }

    private static String file(Path dir, String name) throws IOException {
        return Files.readString(dir.resolve(name)).trim();
    }

    /** rmdir every cgroup below and including {@code top}, deepest first (interface files go with their dir). */
    private static void removeTree(Path top) throws Exception {
        if (!Files.isDirectory(top)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(top)) {
            dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path dir : dirs) {
            KernelCgroupFs.INSTANCE.rmdir(dir);
        }
    }
}
