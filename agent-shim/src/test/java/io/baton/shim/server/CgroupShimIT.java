package io.baton.shim.server;

import static io.baton.shim.server.ShimHarness.launch;
import static io.baton.shim.server.ShimHarness.offer;
import static io.baton.shim.server.ShimHarness.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.FrameworkCall;
import io.baton.proto.Kill;
import io.baton.proto.ShimToFramework;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.shim.isolator.CgroupV1Isolator;
import io.baton.shim.testing.ExecutorProcess;
import io.baton.shim.testing.JavaProcess;
import io.baton.shim.testing.TestFramework;
import io.baton.shim.testing.WireClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim with the real cgroup v1 isolator: a child-process executor is moved into its own cgroup
 * at SUBSCRIBE and the cgroup's limits follow its allocation as tasks launch and end.
 */
class CgroupShimIT {
    static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;
    CgroupV1Isolator isolator;
    ShimServer server;
    JavaProcess executor;

    @AfterEach
    void cleanUp() throws Exception {
        if (executor != null) {
            executor.kill9();
        }
        if (server != null) {
            server.close();
        }
        if (isolator != null) {
            isolator.destroy("e1");
            Files.deleteIfExists(isolator.cpuParent());
            Files.deleteIfExists(isolator.memoryParent());
        }
    }

    private static long read(Path file) throws Exception {
        return Long.parseLong(Files.readString(file).trim());
    }

    @Test
    void limitsFollowTheAllocationInTheRealCgroup() throws Exception {
        String parent = "baton-it-" + UUID.randomUUID().toString().substring(0, 8);
        var detected = CgroupV1Isolator.detect(parent);
        if (detected.isEmpty()) {
            System.out.println("CgroupShimIT skipped: no writable cgroup v1 cpu and memory hierarchies here");
        }
        Assumptions.assumeTrue(detected.isPresent(), "no writable cgroup v1 cpu and memory hierarchies");
        isolator = detected.get();
        ShimConfig config = ShimConfig.defaults(dir, Resources.parse("cpus:2;mem:2048"), "cgroup-v1");
        server = new ShimServer(config, isolator, ShimHarness.TOKEN).start();

        executor = JavaProcess.start(dir.resolve("exec.log"), ExecutorProcess.class.getName(),
                config.executorSocket().toString(), "e1", "cpus:0.5;mem:512");
        assertThat(executor.awaitLine("SUBSCRIBED")).contains("cgroup-v1");
        Path cpu = isolator.cpuDir("e1");
        Path mem = isolator.memoryDir("e1");
        assertThat(Files.readAllLines(cpu.resolve("cgroup.procs"))).contains(Long.toString(executor.pid()));
        assertThat(Files.readAllLines(mem.resolve("cgroup.procs"))).contains(Long.toString(executor.pid()));
        assertThat(read(cpu.resolve("cpu.shares"))).isEqualTo(512);
        assertThat(read(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo(50_000);
        assertThat(read(mem.resolve("memory.limit_in_bytes"))).isEqualTo(512 * MIB);

        try (TestFramework fw = new TestFramework(WireClient.unix(config.frameworkSocket(),
                ShimToFramework.getDefaultInstance()))) {
            fw.subscribe(ShimHarness.TOKEN, true);
            launch(fw, "e1", task("a", "cpus:1;mem:256"), offer(fw, "cpus:1;mem:256"));
            assertThat(read(cpu.resolve("cpu.shares"))).as("raised before the task was forwarded").isEqualTo(1536);
            assertThat(read(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo(150_000);
            assertThat(read(mem.resolve("memory.limit_in_bytes"))).isEqualTo(768 * MIB);
            fw.awaitUpdate("a", TaskState.TASK_RUNNING);

            fw.call(FrameworkCall.newBuilder().setKill(Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue("a"))));
            fw.awaitUpdate("a", TaskState.TASK_KILLED);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(read(cpu.resolve("cpu.shares"))).isEqualTo(512);
                assertThat(read(mem.resolve("memory.limit_in_bytes"))).isEqualTo(512 * MIB);
                assertThat(read(mem.resolve("memory.soft_limit_in_bytes"))).isEqualTo(512 * MIB);
            });
        }
        assertThat(server.verifyLedger()).isNull();
    }
}
