package io.baton.shim.isolator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The v1 adapter's arithmetic and ordering against a kernel-like fake; {@link CgroupV1IsolatorIT} uses the real one. */
class CgroupV1IsolatorTest {

    private static final String THIS_MACHINE_SELF_CGROUP = """
            9:name=systemd:/
            4:memory:/process_api/eee72b34694340fb5330c981d27fa65a
            2:cpuacct:/
            1:cpu:/
            0::/
            """;

    @TempDir
    Path tmp;

    private Path cpuRoot;
    private Path memoryRoot;
    private FakeCgroupFs fs;
    private CgroupV1Isolator isolator;

    @BeforeEach
    void setUp() throws Exception {
        cpuRoot = tmp.resolve("cpu");
        memoryRoot = tmp.resolve("memory");
        fs = new FakeCgroupFs(tmp).hierarchy(cpuRoot, FakeCgroupFs.v1CpuFiles())
                .hierarchy(memoryRoot, FakeCgroupFs.v1MemoryFiles(true));
        isolator = new CgroupV1Isolator(cpuRoot, memoryRoot, "baton", fs);
        isolator.prepare("exec-1");
        fs.clearWrites();
    }

    @ParameterizedTest(name = "{0} milli-cpus -> shares {1}, quota {2}")
    @CsvSource({
        "0,       2,      1000",
        "1,       2,      1000",
        "3,       3,      1000",
        "10,      10,     1000",
        "250,     256,    25000",
        "1000,    1024,   100000",
        "1500,    1536,   150000",
        "256000,  262144, 25600000",
        "1000000, 262144, 100000000",
    })
    void cpuFilesFollowTheDesignFormulas(long millis, long shares, long quota) throws Exception {
        isolator.applyCpu("exec-1", millis);

        assertThat(fs.writes()).containsExactly(
                "cpu/baton/exec-1/cpu.shares=" + shares,
                "cpu/baton/exec-1/cpu.cfs_period_us=100000",
                "cpu/baton/exec-1/cpu.cfs_quota_us=" + quota);
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "3, 3", "9, 9", "10, 10", "11, 11", "999, 999", "1000, 1000", "2750, 2750"})
    void cpuReadsBackWhatWasApplied(long applied, long read) throws Exception {
        isolator.apply("exec-1", new Limits(applied, 64L << 20));

        assertThat(isolator.read("exec-1")).isEqualTo(new Limits(read, 64L << 20));
    }

    @Test
    void memoryWritesHardAndSoftAndLeavesUnlimitedMemswAlone() throws Exception {
        isolator.apply("exec-1", new Limits(1000, 256L << 20));

        assertThat(fs.writes()).containsSubsequence(
                "memory/baton/exec-1/memory.limit_in_bytes=268435456",
                "memory/baton/exec-1/memory.soft_limit_in_bytes=268435456");
        assertThat(fs.writes()).noneMatch(w -> w.contains("memsw"));
    }

    @Test
    void raisingAboveALimitedMemswRaisesMemswFirst() throws Exception {
        Path dir = memoryRoot.resolve("baton/exec-1");
        fs.kernelSets(dir.resolve("memory.limit_in_bytes"), "134217728\n");
        fs.kernelSets(dir.resolve("memory.memsw.limit_in_bytes"), "134217728\n");
        fs.refuseWrites((file, value) -> file.endsWith("memory.limit_in_bytes")
                && Long.parseLong(value) > Long.parseLong(fs.value(dir.resolve("memory.memsw.limit_in_bytes")).trim())
                ? "Invalid argument" : null);

        isolator.applyMemoryHard("exec-1", 256L << 20);

        assertThat(fs.writes()).containsExactly(
                "memory/baton/exec-1/memory.memsw.limit_in_bytes=268435456",
                "memory/baton/exec-1/memory.limit_in_bytes=268435456");

        fs.clearWrites();
        isolator.applyMemoryHard("exec-1", 64L << 20);
        assertThat(fs.writes()).containsExactly("memory/baton/exec-1/memory.limit_in_bytes=67108864");
    }

    @Test
    void attachUsageAndDestroyMovingStragglersToTheParent() throws Exception {
        fs.kernelSets(memoryRoot.resolve("baton/exec-1/memory.usage_in_bytes"), "8192\n");

        isolator.attach("exec-1", 77);

        assertThat(isolator.pids("exec-1")).containsExactly(77L);
        assertThat(isolator.memoryUsage("exec-1")).isEqualTo(8192);
        isolator.destroy("exec-1");
        isolator.destroy("exec-1");

        assertThat(fs.writes()).contains("cpu/baton/cgroup.procs=77", "memory/baton/cgroup.procs=77");
        assertThat(cpuRoot.resolve("baton/exec-1")).doesNotExist();
        assertThat(memoryRoot.resolve("baton/exec-1")).doesNotExist();
    }

    @Test
    void invalidPidAndUnpreparedContainerAreRejected() {
        assertThatThrownBy(() -> isolator.attach("exec-1", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> isolator.memoryUsage("exec-2"))
                .isInstanceOf(IsolatorException.class).hasMessageContaining("exec-2").hasMessageContaining("prepare");
    }

    @Test
    void detectionPlacesMemoryUnderTheProcessOwnMemoryCgroup() throws Exception {
        Path ownMemory = memoryRoot.resolve("process_api/eee72b34694340fb5330c981d27fa65a");
        fs.mkdir(ownMemory);
        String mountinfo = "32 31 0:29 / " + cpuRoot + " rw,relatime - cgroup cgroup rw,cpu\n"
                + "35 31 0:32 / " + memoryRoot + " rw,relatime - cgroup cgroup rw,memory\n";

        Detection<CgroupV1Isolator> found =
                CgroupV1Isolator.probe("baton-x", mountinfo, THIS_MACHINE_SELF_CGROUP, tmp.resolve("none"), fs);

        CgroupV1Isolator detected = found.isolator().orElseThrow();
        assertThat(detected.cpuParent()).isEqualTo(cpuRoot.resolve("baton-x"));
        assertThat(detected.memoryParent()).isEqualTo(ownMemory.resolve("baton-x"));
        assertThat(found.reason()).contains(ownMemory.resolve("baton-x").toString());
    }

    @Test
    void detectionFallsBackToSysFsCgroupLayout() {
        Detection<CgroupV1Isolator> found =
                CgroupV1Isolator.probe("baton", "", "1:cpu:/\n4:memory:/\n", tmp, fs);

        assertThat(found.isolator().orElseThrow().memoryParent()).isEqualTo(memoryRoot.resolve("baton"));
    }

    @Test
    void detectionWithoutAMemoryHierarchySaysSo() {
        String mountinfo = "32 31 0:29 / " + cpuRoot + " rw,relatime - cgroup cgroup rw,cpu\n";

        Detection<CgroupV1Isolator> none =
                CgroupV1Isolator.probe("baton", mountinfo, THIS_MACHINE_SELF_CGROUP, tmp.resolve("none"), fs);

        assertThat(none.isolator()).isEmpty();
        assertThat(none.reason()).contains("no cgroup v1 memory hierarchy");
    }
}
