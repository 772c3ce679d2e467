package io.baton.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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

    @Test
    void theWarmUpJournalsIntoAScratchChronicleJournalAndRemovesIt() throws IOException {
        Set<Path> before = scratchDirs();
        assertThat(ExecutorBootstrap.warmUp(40, () -> true)).as("synthetic replacements committed").isEqualTo(40);
        // none left behind (leftovers of killed executors may have gone: the warm-up sweeps them)
        assertThat(scratchDirs()).as("the scratch journals in " + System.getProperty("java.io.tmpdir"))
                .isSubsetOf(before);
    }

    private static Set<Path> scratchDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("baton-warm-up-")).collect(Collectors.toSet());
        }
    }
}
