package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The annotation processor ran: JMH's benchmark list names every benchmark class. */
class BenchmarkListTest {
    @Test
    void everyBenchmarkIsGenerated() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
            assertThat(in).as("META-INF/BenchmarkList on the class path").isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(list).contains("io.baton.bench.jmh.ResourcesBench", "io.baton.bench.jmh.EngineBench",
                    "io.baton.bench.jmh.JournalBench", "io.baton.bench.jmh.FrameBench");
            assertThat(list).contains("contains", "plus", "minus", "replacementStep", "append", "encodeReplace",
                    "decodeReplace");
        }
    }
}
