package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "write your own executor" path, exactly as a newcomer follows it: the executor class is the
 * README's java block saved as {@code SleepExecutor.java}, and the README's bash block is fed, unchanged, to
 * one {@code bash} as if pasted into a shell, from a directory that looks like the repository's root (its
 * entries linked in), so the README's own paths ({@code bin/baton}, {@code cli/target/baton.jar},
 * {@code /tmp/baton}, {@code /tmp/sleepy}) are used as they are. Nothing is added to the commands: no waits,
 * no environment. The README's scratch directories under /tmp are removed before and after, and everything
 * the block started in the background is killed afterwards (the shell runs in a session of its own).
 */
class ReadmeQuickstartIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<Path> SCRATCH = List.of(Path.of("/tmp/baton"), Path.of("/tmp/sleepy"), Path.of("/tmp/sleepy-classes"));

    @TempDir
    Path tmp;
    Process shell;

    @BeforeEach
    void clean() throws IOException {
        for (Path p : SCRATCH) {
            deleteTree(p);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (shell != null) {
            new ProcessBuilder("pkill", "-KILL", "-s", Long.toString(shell.pid())).start().waitFor(10, TimeUnit.SECONDS);
            shell.destroyForcibly();
        }
        clean();
        try (Stream<Path> links = Files.list(tmp.resolve("repo"))) {
            for (Path l : links.filter(Files::isSymbolicLink).toList()) {
                Files.delete(l); // the links only: the repository stays
            }
        } catch (java.nio.file.NoSuchFileException notMade) {
            // the test failed before making them
        }
    }

    static String block(String readme, String lang, String mustContain) {
        int at = 0;
        while ((at = readme.indexOf("```" + lang + "\n", at)) >= 0) {
            int end = readme.indexOf("```", at + 4 + lang.length());
            String body = readme.substring(at + 4 + lang.length(), end);
            if (body.contains(mustContain)) {
                return body;
            }
            at = end + 3;
        }
        throw new AssertionError("README has no ```" + lang + " block containing " + mustContain);
    }

    @Test
    void theReadmeQuickstartRunsAsPasted() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        try (Stream<Path> entries = Files.list(ROOT)) {
            for (Path e : entries.toList()) {
                Files.createSymbolicLink(repo.resolve(e.getFileName()), e);
            }
        }
        Files.writeString(repo.resolve("SleepExecutor.java"), block(readme, "java", "class SleepExecutor"));
        String script = block(readme, "bash", "executor custom");
        Path out = tmp.resolve("pasted.out");
        // setsid: the shell and what it starts in the background form a session the test can kill as a whole
        shell = new ProcessBuilder("setsid", "bash", "-s").directory(repo.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        shell.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        shell.getOutputStream().close();
        assertThat(shell.waitFor(240, TimeUnit.SECONDS)).as("the pasted block finished").isTrue();
        String output = Files.readString(out, StandardCharsets.UTF_8);
        System.out.println("--- what the pasted block printed ---\n" + output);

        assertThat(shell.exitValue()).as("exit code of the last line (a ROLLED_BACK outcome); output:%n%s", output)
                .isEqualTo(1);
        assertThat(output).as("output of the pasted block").contains("baton 0.1.0").containsPattern("(?m)^s1$")
                .contains("outcome COMMITTED").contains("outcome ROLLED_BACK")
                .doesNotContain("refused by the shim").doesNotContain("cannot reach");
        assertThat(output.indexOf("outcome COMMITTED")).isLessThan(output.indexOf("outcome ROLLED_BACK"));

        Process status = new ProcessBuilder("bin/baton", "status", "--work-dir", "/tmp/baton").directory(repo.toFile())
                .redirectErrorStream(true).start();
        assertThat(status.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> taskRows = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.matches("^s\\d\\s.*")).toList();
        assertThat(taskRows).as("task rows of 'baton status'").singleElement().asString()
                .startsWith("s2").contains("TASK_ROLLED_BACK").contains("cpus:0.1;mem:16");
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
