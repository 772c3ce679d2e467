package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "write your own executor" path, as a newcomer follows it: the executor class is taken
 * from the README's java block, and the README's bash lines are run as written (with /tmp/ moved into a
 * temporary directory), background lines in the background.
 */
class ReadmeQuickstartIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    final List<Process> background = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Process p : background) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
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

    private Process bash(String line, Path out) throws IOException {
        return new ProcessBuilder("bash", "-c", line).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
    }

    @Test
    void theMinimalExecutorFromTheReadmeIsReplacedAndRolledBack() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Files.writeString(tmp.resolve("SleepExecutor.java"), block(readme, "java", "class SleepExecutor"));
        String script = block(readme, "bash", "executor custom");
        int n = 0;
        for (String raw : script.strip().split("\n")) {
            // the README's /tmp/ first: the repository itself may live under /tmp (CI clones do)
            String line = raw.replace("/tmp/", tmp + "/")
                    .replace("bin/baton", ROOT.resolve("bin/baton").toString())
                    .replace("cli/target/baton.jar", ROOT.resolve("cli/target/baton.jar").toString());
            Path out = tmp.resolve("line-" + (++n) + ".out");
            if (line.endsWith("&")) {
                background.add(bash("BATON_SKIP_BUILD=1 exec " + line.substring(0, line.length() - 1), out));
                if (line.contains(" shim ")) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(tmp.resolve("baton/framework.sock")));
                } else {
                    await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(status()).contains("sleepy"));
                }
                continue;
            }
            Process p = bash("BATON_SKIP_BUILD=1 " + line, out);
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as(line).isTrue();
            String output = Files.readString(out, StandardCharsets.UTF_8);
            int expected = line.contains("'exit 1'") ? 1 : 0;
            assertThat(p.exitValue()).as("exit code of %s; output:%n%s", raw, output).isEqualTo(expected);
            if (line.contains("'exit 1'")) {
                assertThat(output).contains("ROLLED_BACK");
            } else if (line.contains(" replace ")) {
                assertThat(output).contains("COMMITTED");
            }
        }
        List<String> taskRows = Files.readAllLines(status()).stream().filter(l -> l.matches("^s\\d\\s.*")).toList();
        assertThat(taskRows).as("task rows of 'baton status'").singleElement().asString()
                .startsWith("s2").contains("TASK_ROLLED_BACK").contains("cpus:0.1;mem:16");
    }

    private Path status() throws Exception {
        Path out = tmp.resolve("status.out");
        bash("BATON_SKIP_BUILD=1 " + ROOT.resolve("bin/baton") + " status --work-dir " + tmp.resolve("baton"), out)
                .waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
