package io.baton.shim.isolator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcCgroupsTest {

    /** Captured on the development VM (v1 hierarchies plus an empty unified one). */
    private static final String MOUNTINFO = """
            31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
            32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
            33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
            35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
            40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
            41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """;
    private static final String SELF = """
            9:name=systemd:/
            4:memory:/process_api/eee72b34694340fb5330c981d27fa65a
            2:cpuacct:/
            1:cpu:/
            0::/
            """;

    @Test
    void findsOwnCgroupDirectoriesOnThisMachineLayout() {
        List<ProcCgroups.Mount> mounts = ProcCgroups.parseMountinfo(MOUNTINFO);
        Map<String, String> self = ProcCgroups.parseSelfCgroup(SELF);

        assertThat(mounts).hasSize(5);
        assertThat(ProcCgroups.ownV1Dir(mounts, self, "cpu")).contains(Path.of("/sys/fs/cgroup/cpu"));
        assertThat(ProcCgroups.ownV1Dir(mounts, self, "memory"))
                .contains(Path.of("/sys/fs/cgroup/memory/process_api/eee72b34694340fb5330c981d27fa65a"));
        assertThat(ProcCgroups.ownV1Dir(mounts, self, "pids")).isEmpty();
        assertThat(ProcCgroups.ownV2Dir(mounts, self)).contains(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void coMountedControllersAndMountRootsInsideContainers() {
        String mountinfo = "1061 1060 0:30 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid - cgroup cgroup "
                + "rw,cpu,cpuacct\n";
        Map<String, String> self = ProcCgroups.parseSelfCgroup("3:cpu,cpuacct:/docker/abc/inner\n");

        assertThat(ProcCgroups.ownV1Dir(ProcCgroups.parseMountinfo(mountinfo), self, "cpu"))
                .contains(Path.of("/sys/fs/cgroup/cpu,cpuacct/inner"));
    }

    @Test
    void ownPathOutsideTheMountRootFallsBackToTheMountPoint() {
        String mountinfo = "30 23 0:26 /kubepods /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";

        assertThat(ProcCgroups.ownV2Dir(ProcCgroups.parseMountinfo(mountinfo),
                ProcCgroups.parseSelfCgroup("0::/../elsewhere\n"))).contains(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void mountPointsWithEscapedSpaces() {
        String mountinfo = "30 23 0:26 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n";

        assertThat(ProcCgroups.parseMountinfo(mountinfo).get(0).mountPoint()).isEqualTo(Path.of("/mnt/my cgroups"));
    }
}
