package io.baton.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmUpOptionTest {
    @Test
    void defaultOffOrANumber() {
        assertThat(ExecutorBootstrap.warmUpReplacements(null)).isEqualTo(ExecutorBootstrap.DEFAULT_WARM_UP);
        assertThat(ExecutorBootstrap.warmUpReplacements(" ")).isEqualTo(ExecutorBootstrap.DEFAULT_WARM_UP);
        assertThat(ExecutorBootstrap.warmUpReplacements("0")).isZero();
        assertThat(ExecutorBootstrap.warmUpReplacements(" 50 ")).isEqualTo(50);
    }

    @Test
    void badValuesFallBackToTheDefault() {
        assertThat(ExecutorBootstrap.warmUpReplacements("-1")).isEqualTo(ExecutorBootstrap.DEFAULT_WARM_UP);
        assertThat(ExecutorBootstrap.warmUpReplacements("lots")).isEqualTo(ExecutorBootstrap.DEFAULT_WARM_UP);
        assertThat(ExecutorBootstrap.warmUpReplacements("100001")).isEqualTo(ExecutorBootstrap.DEFAULT_WARM_UP);
    }
}
