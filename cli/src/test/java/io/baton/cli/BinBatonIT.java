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
        return bin(java.util.Map.of(), args);
    }

    static Result bin(java.util.Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BIN.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("BATON_SKIP_BUILD", "1"); // verify's package phase just built cli/target/baton.jar
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // the JVM's "Picked up ..." line on stderr, and its options
        pb.environment().putAll(env);
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

    /**
     * Issue 13: bin/baton makes a class-data archive of the start-up classes once per jar and maps it at every
     * start. -Xshare:on (after bin/baton's own options) makes the JVM refuse to start unless it maps the archive.
     */
    @Test
    void startsMapTheClassDataArchiveMadeOncePerJar() throws Exception {
        Path jsa = BIN.getParent().getParent().resolve("cli/target/baton.jsa");
        Result first = bin("--version");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(jsa).as("the archive next to the jar").isNotEmptyFile();
        long made = java.nio.file.Files.getLastModifiedTime(jsa).toMillis();

        Result mapped = bin(java.util.Map.of("BATON_JAVA_OPTS", "-Xshare:on"), "--version");
        assertThat(mapped.exit()).as("a JVM that must map the archive starts; stderr: %s", mapped.err()).isZero();
        assertThat(mapped.out().strip()).isEqualTo("baton 0.1.0");
        assertThat(mapped.err()).isEmpty();
        assertThat(java.nio.file.Files.getLastModifiedTime(jsa).toMillis()).as("not made again").isEqualTo(made);

        Result without = bin(java.util.Map.of("BATON_NO_CDS", "1", "BATON_JAVA_OPTS", "-Xshare:on -Xlog:cds=off"),
                "--version");
        assertThat(without.exit()).as("BATON_NO_CDS=1 maps only the JDK's own archive").isZero();
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

    /**
     * Where no locale is set (LC_ALL=C: a container image, cron, {@code env -i}) Java 17 writes US-ASCII, and the dash
     * between an error's parts came out as '?'; it is written as '-' there, and as itself where the locale has UTF-8.
     */
    @Test
    void anErrorReadsTheSameWithoutAUtf8Locale() throws Exception {
        String nowhere = dir.resolve("nowhere").toString();
        Result c = bin(java.util.Map.of("LC_ALL", "C", "LANG", "C"), "status", "--work-dir", nowhere);
        Result utf8 = bin(java.util.Map.of("LC_ALL", "C.UTF-8", "LANG", "C.UTF-8"), "status", "--work-dir", nowhere);

        assertThat(c.exit()).isEqualTo(2);
        assertThat(c.err().strip()).startsWith("baton status: cannot reach the shim at unix:")
                .contains("framework.sock - no shim socket at").contains(") - start it with 'baton shim")
                .doesNotContain(" ? ").matches("\\p{ASCII}*");
        assertThat(utf8.err().strip()).startsWith("baton status: cannot reach the shim at unix:")
                .contains("framework.sock — no shim socket at").contains(") — start it with 'baton shim");

        Result usage = bin(java.util.Map.of("LC_ALL", "C", "LANG", "C"), "replace");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err().strip()).isEqualTo("baton replace: invalid arguments - Missing required parameter: "
                + "'OLD' - run 'baton replace --help' for the options and an example");

        Result help = bin(java.util.Map.of("LC_ALL", "C", "LANG", "C"), "replace", "--help");
        Result helpUtf8 = bin(java.util.Map.of("LC_ALL", "C.UTF-8", "LANG", "C.UTF-8"), "replace", "--help");
        assertThat(helpUtf8.out()).as("the help holds the dash").contains("—");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).matches("\\p{ASCII}*").doesNotContain(" ? ")
                .isEqualTo(helpUtf8.out().replace("—", "-").replace("→", "->").replace("µ", "u").replace("…", "..."));

        // `baton executor` starts without picocli (the restart's way): its error line folds too
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "");
        Result executor = bin(java.util.Map.of("LC_ALL", "C", "LANG", "C"), "executor", "worker", "--id", "x",
                "--work-dir", file.resolve("sub").toString(), "--shim", dir.resolve("nowhere.sock").toString());
        assertThat(executor.exit()).isEqualTo(1);
        assertThat(executor.err().strip()).startsWith("baton executor: executor x: its journal failed - journal ")
                .doesNotContain(" ? ").matches("\\p{ASCII}*");
    }
}
