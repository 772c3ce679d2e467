package io.baton.yarn.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's YARN try-out, run as a newcomer runs it: {@code bin/baton demo --on yarn} on the local YARN cluster
 * must show every step as stated, with the same summary table as the local demo.
 */
class YarnDemoIT {
    static final Path ROOT = Path.of(System.getProperty("baton.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void binBatonDemoOnYarnBehavesAsStated() throws Exception {
        Path out = dir.resolve("demo.out");
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("bin/baton").toString(), "demo", "--on", "yarn",
                "--work-dir", dir.resolve("work").toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("BATON_SKIP_BUILD", "1"); // the build under test made the jars and the class path file
        Process p = pb.start();
        boolean done = p.waitFor(240, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println(text);
        assertThat(done).as("demo finished within 240 s").isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("on a local YARN cluster", "Baton's ApplicationMaster registered as application_",
                "each in a YARN container of its own");
        for (String row : new String[] {"launch", "partial", "augmented", "rollback", "invalid", "http", "crash"}) {
            assertThat(text).containsPattern("(?m)^\\d  " + row + " +.* yes$");
        }
        assertThat(text).contains("Every step behaved as stated.", "0 failed of", "killed with SIGKILL while draining",
                "missing cpus:", "ledger balanced");
        assertThat(text.lines().filter(l -> l.contains("✘"))).isEmpty();
        // after every step the RM's container sizes equal Baton's ledger: the partial one shrank the worker's
        // container, the augmented one grew it by YARN increases
        assertThat(text.lines().filter(l -> l.contains("(the ResourceManager's sizes = Baton's ledger)"))).hasSize(7);
        assertThat(text).doesNotContain("NOT Baton's ledger").contains("workers 640 MB/1 vcore")
                .contains("workers 896 MB/2 vcores");
    }
}
