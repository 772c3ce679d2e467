package io.baton.shim.isolator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class IsolatorsTest {

    private final Supplier<Detection<CgroupV2Isolator>> noV2 =
            () -> Detection.missing("cgroup v2 at /sys/fs/cgroup/unified has no cpu,memory controllers");
    private final Supplier<Detection<CgroupV1Isolator>> noV1 =
            () -> Detection.missing("cgroup v1 directory /sys/fs/cgroup/cpu is not writable");
    private final CgroupV1Isolator v1Isolator = new CgroupV1Isolator(Path.of("/c"), Path.of("/m"), "baton");
    private final Supplier<Detection<CgroupV1Isolator>> v1 = () -> Detection.found(v1Isolator, "writable");

    @Test
    void explicitlyRequestedButUnavailableSaysWhyAndWhatToUse() {
        assertThatThrownBy(() -> Isolators.create("cgroup-v2", "baton", noV2, v1))
                .isInstanceOf(IsolatorException.class)
                .hasMessage("cgroup-v2 requested but cgroup v2 at /sys/fs/cgroup/unified has no cpu,memory "
                        + "controllers; use --isolator=cgroup-v1 or none");
        assertThatThrownBy(() -> Isolators.create("cgroup-v1", "baton", noV2, noV1))
                .isInstanceOf(IsolatorException.class)
                .hasMessageContaining("cgroup-v1 requested but").hasMessageContaining("not writable")
                .hasMessageContaining("--isolator=cgroup-v2 or none");
    }

    @Test
    void autoPrefersV2ThenV1ThenNone() throws Exception {
        assertThat(Isolators.create("auto", "baton", noV2, v1)).isSameAs(v1Isolator);
        assertThat(Isolators.create("auto", "baton", noV2, noV1).kind()).isEqualTo("none");
        assertThat(Isolators.create("cgroup-v1", "baton", noV2, v1)).isSameAs(v1Isolator);
        assertThat(Isolators.create("none", "baton", noV2, v1)).isInstanceOf(InMemoryIsolator.class);
    }

    @Test
    void unknownModesAndBadParentsAreRejected() {
        assertThatThrownBy(() -> Isolators.create("cgroups", "baton", noV2, v1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cgroups'").hasMessageContaining("auto, cgroup-v1, cgroup-v2 or none");
        assertThatThrownBy(() -> Isolators.create("none", "../up", noV2, v1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
