package io.baton.shim.isolator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CgroupV2IsolatorTest {

    @TempDir
    Path tmp;

    private Path root;
    private FakeCgroupFs fs;
    private CgroupV2Isolator isolator;

    @BeforeEach
    void setUp() {
        root = tmp.resolve("unified");
        fs = new FakeCgroupFs(tmp).hierarchy(root, FakeCgroupFs.v2Files("cpu io memory pids"));
        isolator = new CgroupV2Isolator(root, "baton", fs);
    }

    @Test
    void prepareDelegatesCpuAndMemoryDownToTheParentThenCreatesTheContainer() throws Exception {
        fs.kernelSets(root.resolve("cgroup.subtree_control"), "cpu");

        String description = isolator.prepare("exec-1");

        assertThat(description).startsWith("cgroup-v2:/baton/exec-1");
        assertThat(fs.writes()).containsExactly(
                "unified/cgroup.subtree_control=+memory",
                "unified/baton/cgroup.subtree_control=+cpu +memory");
        assertThat(fs.value(root.resolve("baton/cgroup.subtree_control"))).isEqualTo("cpu memory\n");
        assertThat(root.resolve("baton/exec-1/cpu.max")).exists();

        fs.clearWrites();
        isolator.prepare("exec-1");
        assertThat(fs.writes()).as("already delegated, already created").isEmpty();
    }

    @ParameterizedTest(name = "{0} milli-cpus -> cpu.weight {1}, cpu.max \"{2}\"")
    @CsvSource({
        "0,       1,     1000 100000",
        "1,       1,     1000 100000",
        "10,      1,     1000 100000",
        "250,     10,    25000 100000",
        "1000,    39,    100000 100000",
        "1500,    59,    150000 100000",
        "2000,    79,    200000 100000",
        "4000,    157,   400000 100000",
        "256000,  10000, 25600000 100000",
        "1000000, 10000, 100000000 100000",
    })
    void cpuWeightUsesTheSharesConversionAndCpuMaxIsQuotaOverPeriod(long millis, String weight, String max)
            throws Exception {
        isolator.prepare("exec-1");

        isolator.applyCpu("exec-1", millis);

        Path dir = root.resolve("baton/exec-1");
        assertThat(fs.value(dir.resolve("cpu.weight"))).isEqualTo(weight + "\n");
        assertThat(fs.value(dir.resolve("cpu.max"))).isEqualTo(max + "\n");
    }

    @Test
    void applySetsMemoryMaxAndLowAndReadsBack() throws Exception {
        isolator.prepare("exec-1");

        isolator.apply("exec-1", new Limits(1500, 512L << 20));

        Path dir = root.resolve("baton/exec-1");
        assertThat(fs.value(dir.resolve("memory.max"))).isEqualTo("536870912\n");
        assertThat(fs.value(dir.resolve("memory.low"))).isEqualTo("536870912\n");
        assertThat(isolator.read("exec-1")).isEqualTo(new Limits(1500, 512L << 20));

        isolator.applyMemorySoft("exec-1", 100L << 20);
        isolator.applyMemoryHard("exec-1", 300L << 20);
        assertThat(fs.value(dir.resolve("memory.low"))).isEqualTo("104857600\n");
        assertThat(fs.value(dir.resolve("memory.max"))).isEqualTo("314572800\n");
        assertThat(isolator.read("exec-1")).isEqualTo(new Limits(1500, 300L << 20));
    }

    @Test
    void readOfAFreshContainerMapsMaxToUnlimited() throws Exception {
        isolator.prepare("exec-1");

        // cpu.weight 100 without a quota reads back as the shares it stands for.
        assertThat(isolator.read("exec-1")).isEqualTo(new Limits(2538, Long.MAX_VALUE));
    }

    @Test
    void smallCpuValuesRoundTripThroughWeightOnlyApproximately() throws Exception {
        isolator.prepare("exec-1");
        isolator.applyCpu("exec-1", 5);

        assertThat(isolator.read("exec-1").cpuMillis()).isZero();
    }

    @Test
    void usageComesFromMemoryCurrentAndAttachWritesTheProcsFile() throws Exception {
        isolator.prepare("exec-1");
        Path dir = root.resolve("baton/exec-1");
        fs.kernelSets(dir.resolve("memory.current"), "123456\n");

        isolator.attach("exec-1", 4242);

        assertThat(isolator.memoryUsage("exec-1")).isEqualTo(123456);
        assertThat(fs.value(dir.resolve("cgroup.procs"))).isEqualTo("4242\n");
    }

    @Test
    void destroyRefusesWhileProcessesRemainAndIsIdempotent() throws Exception {
        isolator.prepare("exec-1");
        isolator.attach("exec-1", 4242);

        assertThatThrownBy(() -> isolator.destroy("exec-1"))
                .isInstanceOf(IsolatorException.class)
                .hasMessageContaining("[4242]").hasMessageContaining("kill them first");

        fs.kernelSets(root.resolve("baton/exec-1/cgroup.procs"), "");
        isolator.destroy("exec-1");
        isolator.destroy("exec-1");
        assertThat(root.resolve("baton/exec-1")).doesNotExist();
        assertThat(root.resolve("baton")).exists();
    }

    @Test
    void operationsOnAnUnpreparedContainerNameTheMissingPath() {
        assertThatThrownBy(() -> isolator.applyMemoryHard("exec-9", 1))
                .isInstanceOf(IsolatorException.class)
                .hasMessageContaining("exec-9").hasMessageContaining(root.resolve("baton/exec-9").toString())
                .hasMessageContaining("prepare it first");
    }

    @Test
    void refusedWritesCarryPathValueAndOsMessage() throws Exception {
        isolator.prepare("exec-1");
        fs.refuseWrites((file, value) -> file.endsWith("memory.max") ? "Device or resource busy" : null);

        assertThatThrownBy(() -> isolator.applyMemoryHard("exec-1", 4096))
                .isInstanceOf(IsolatorException.class)
                .hasMessageContaining("'4096'").hasMessageContaining("memory.max")
                .hasMessageContaining("Device or resource busy");
    }

    @Test
    void idsThatWouldEscapeTheRootAreRejected() {
        assertThatThrownBy(() -> isolator.prepare("../../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CgroupV2Isolator(root, "../x", fs)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void detectionNeedsCpuAndMemoryControllers() {
        Path unified = tmp.resolve("other");
        new FakeCgroupFs(tmp).hierarchy(unified, FakeCgroupFs.v2Files("hugetlb"));
        String mountinfo = "41 31 0:38 / " + unified + " rw,relatime - cgroup2 cgroup2 rw\n";

        Detection<CgroupV2Isolator> none = CgroupV2Isolator.probe("baton", mountinfo, "0::/\n", fs);

        assertThat(none.isolator()).isEmpty();
        assertThat(none.reason()).contains("no cpu,memory controllers").contains("'hugetlb'");
    }

    @Test
    void detectionUsesTheProcessOwnV2Cgroup() throws Exception {
        Path own = root.resolve("system.slice/baton.service");
        fs.mkdir(own);
        String mountinfo = "30 23 0:26 / " + root + " rw - cgroup2 cgroup2 rw,nsdelegate\n";

        Detection<CgroupV2Isolator> found =
                CgroupV2Isolator.probe("baton", mountinfo, "0::/system.slice/baton.service\n", fs);

        assertThat(found.isolator()).isPresent();
        assertThat(found.isolator().get().parentDir()).isEqualTo(own.resolve("baton"));
    }

    @Test
    void detectionWithoutAV2MountSaysSo() {
        Detection<CgroupV2Isolator> none = CgroupV2Isolator.probe("baton", "", "", fs);

        assertThat(none.isolator()).isEmpty();
        assertThat(none.reason()).contains("no cgroup v2 hierarchy mounted");
    }
}
