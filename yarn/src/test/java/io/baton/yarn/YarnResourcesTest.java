package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.resources.Resources;
import org.junit.jupiter.api.Test;

class YarnResourcesTest {

    private static YarnSize size(String text) {
        return YarnResources.size(Resources.parse(text));
    }

    @Test
    void wholeCpusAndMemMapOneToOne() {
        assertThat(size("cpus:2;mem:1024")).isEqualTo(new YarnSize(1024, 2));
    }

    @Test
    void aTenthOfACpuNeedsOneVcore() {
        assertThat(size("cpus:0.1;mem:32")).isEqualTo(new YarnSize(32, 1));
    }

    @Test
    void fractionsAreSummedBeforeRoundingUp() {
        Resources overhead = Resources.parse("cpus:0.1;mem:32");
        Resources a = Resources.parse("cpus:0.5;mem:100.25");
        Resources b = Resources.parse("cpus:0.4;mem:100.25");
        // 0.1 + 0.5 + 0.4 = 1.0 cpus -> 1 vcore (not 3); 32 + 200.5 = 232.5 MB -> 233 MB
        assertThat(YarnResources.size(overhead.plus(a).plus(b))).isEqualTo(new YarnSize(233, 1));
        // one thousandth more needs a whole vcore more
        assertThat(size("cpus:1.001;mem:1")).isEqualTo(new YarnSize(1, 2));
    }

    @Test
    void memRoundsUpToTheNextMegabyte() {
        assertThat(size("mem:0.001").memoryMb()).isEqualTo(1);
        assertThat(size("mem:100.5").memoryMb()).isEqualTo(101);
        assertThat(size("mem:100").memoryMb()).isEqualTo(100);
    }

    @Test
    void nothingOrOnlyPortsNeedsNothingFromYarn() {
        assertThat(YarnResources.size(Resources.empty())).isEqualTo(YarnSize.ZERO);
        assertThat(size("ports:[31000-31009]")).isEqualTo(YarnSize.ZERO);
    }

    @Test
    void reservedCpusCountLikeUnreserved() {
        assertThat(size("cpus:0.5;cpus(web):0.75;mem(web):10")).isEqualTo(new YarnSize(10, 2));
    }

    @Test
    void moreVcoresThanYarnCanAskForAreRefusedWithTheNumbers() {
        assertThatThrownBy(() -> size("cpus:3000000000.5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cpus 3.0000000005E9")
                .hasMessageContaining("3000000001 vcores")
                .hasMessageContaining("2147483647");
    }

    @Test
    void theLargestIntVcoreCountIsStillRepresentable() {
        assertThat(size("cpus:2147483647").vcores()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void portsSetsAndOtherScalarsStayWithTheLedger() {
        Resources r = Resources.parse("cpus:1;cpus(web):1;mem:64;gpus:1;ports:[31000-31001];disks:{sda}");
        assertThat(YarnResources.ledgerOnly(r)).isEqualTo(Resources.parse("gpus:1;ports:[31000-31001];disks:{sda}"));
        assertThat(YarnResources.onlyYarnManaged(r)).isFalse();
        assertThat(YarnResources.onlyYarnManaged(Resources.parse("cpus:1;mem:64"))).isTrue();
    }

    @Test
    void aYarnSizeReadsBackAsBatonResources() {
        assertThat(YarnResources.resources(new YarnSize(4096, 4))).isEqualTo(Resources.parse("cpus:4;mem:4096"));
        assertThat(YarnResources.resources(YarnSize.ZERO)).isEqualTo(Resources.empty());
    }

    @Test
    void moreMemoryThanBatonCanCountIsRefusedWithTheNumbers() {
        assertThatThrownBy(() -> YarnResources.resources(new YarnSize(2_000_000_000_000_000L, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2000000000000000 MB")
                .hasMessageContaining("1000000000000000");
    }

    @Test
    void negativeSizesAreRefusedWithTheNumbers() {
        assertThatThrownBy(() -> new YarnSize(-1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("memory -1 MB, 2 vcores");
    }

    @Test
    void missingAmountIsPerDimensionAndNeverNegative() {
        YarnSize have = new YarnSize(1024, 2);
        assertThat(have.missingFor(new YarnSize(1536, 1))).isEqualTo(new YarnSize(512, 0));
        assertThat(have.missingFor(new YarnSize(512, 3))).isEqualTo(new YarnSize(0, 1));
        assertThat(have.covers(new YarnSize(1024, 2))).isTrue();
        assertThat(have.covers(new YarnSize(1025, 1))).isFalse();
        assertThat(have.union(new YarnSize(512, 3))).isEqualTo(new YarnSize(1024, 3));
    }
}
