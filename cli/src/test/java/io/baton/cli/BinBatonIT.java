package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/baton} as a real process: the shaded jar built by this module's package phase. */
class BinBatonIT {
    static final Path BIN = Path.of(System.getProperty("baton.root", "..")).resolve("bin/baton").toAbsolutePath();

    @TempDir
    Path dir;
    CliNode node;

    @BeforeEach
    void start() throws Exception {
        node = new CliNode(dir);
    }

    @AfterEach
    void stop() {
        node.close();
    }

    record Result(int exit, String out, String err) {
    }

    static Result bin(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BIN.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("BATON_SKIP_BUILD", "1"); // verify's package phase just built cli/target/baton.jar
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/baton " + args[0] + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void helpListsTheCommandsAndExitCodes() throws Exception {
        Result r = bin("--help");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("shim").contains("replace").contains("journal").contains("Exit codes")
                .contains("Example");
    }

    @Test
    void statusAgainstARunningShim() throws Exception {
        Result r = bin("status", "--work-dir", node.shimDir.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("total      cpus:4;mem:4096").contains("EXECUTOR").contains("TASK");
        assertThat(r.err()).as("no log noise, no Chronicle analytics").isEmpty();
    }

    @Test
    void aConnectionErrorIsOneLineWithExitCodeTwo() throws Exception {
        Result r = bin("status", "--work-dir", dir.resolve("nowhere").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("baton status: cannot reach the shim");
    }
}
