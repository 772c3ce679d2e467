package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, run as a newcomer runs it: `bin/baton demo` must show every step as stated. */
class DemoIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void binBatonDemoBehavesAsStated() throws Exception {
        Path out = dir.resolve("demo.out");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/baton").toString(), "demo", "--work-dir",
                dir.resolve("work").toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("BATON_SKIP_BUILD", "1"); // the build under test made cli/target/baton.jar already
        Process p = pb.start();
        boolean done = p.waitFor(180, TimeUnit.SECONDS);
        String text = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println(text);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("demo finished within 180 s").isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("Every step behaved as stated.", "0 failed of", "killed with SIGKILL while draining",
                "missing cpus:");
        assertThat(text.lines().filter(l -> l.contains("✘"))).isEmpty();
        // issue 11: the phase lines had two time columns, the second without a unit's meaning
        assertThat(text).contains("Live lines: seconds since the demo started")
                .containsPattern("(?m)^ +\\d+\\.\\d\\ds  \\S+ +DRAINING +\\+\\d+ ms since the request$");
    }
}
