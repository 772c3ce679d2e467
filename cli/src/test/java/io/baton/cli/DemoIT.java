package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.cli.demo.Demo;
import io.baton.shim.isolator.InMemoryIsolator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo runs in CI: every step must behave as it says. */
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void everyStepOfTheDemoBehavesAsStated() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Demo.run(dir, new InMemoryIsolator(), new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertThat(code).as(out).isZero();
        assertThat(out).contains("Every step behaved as stated.", "0 failed of", "killed with SIGKILL while draining",
                "missing cpus:");
        assertThat(out.lines().filter(l -> l.contains("✘"))).isEmpty();
    }
}
