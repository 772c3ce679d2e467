package io.baton.yarn.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * README's "Running on YARN" block, fed unchanged to one {@code bash} from the repository's root as if pasted: it
 * starts the local cluster, submits the AM with two executors, launches and replaces (bigger, with an offer, so the
 * container grows) through the AM's TCP address, shows the status, kills the application and stops the cluster.
 * Only {@code BATON_SKIP_BUILD=1} is added (the build under test made the jars). Its scratch directory is removed
 * before and after; whatever the block left running is killed afterwards (the shell runs in a session of its own).
 */
class ReadmeYarnIT {
    static final Path ROOT = Path.of(System.getProperty("baton.root", "..")).toAbsolutePath().normalize();
    static final Path SCRATCH = Path.of("/tmp/baton-yarn");

    Process shell;

    @BeforeEach
    void clean() throws IOException {
        deleteTree(SCRATCH);
    }

    @AfterEach
    void stop() throws Exception {
        if (shell != null) {
            new ProcessBuilder("pkill", "-KILL", "-s", Long.toString(shell.pid())).start().waitFor(10, TimeUnit.SECONDS);
            shell.destroyForcibly();
        }
        Path pid = SCRATCH.resolve("conf/cluster.pid"); // the cluster's process left its session (nohup keeps it)
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
        }
        clean();
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
    void theReadmeYarnBlockRunsAsPasted() throws Exception {
        String script = block(Files.readString(ROOT.resolve("README.md")), "bash", "bin/baton-yarn submit");
        Path out = Files.createTempFile("readme-yarn", ".out");
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "-s").directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile());
        pb.environment().put("BATON_SKIP_BUILD", "1");
        shell = pb.start();
        shell.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
        shell.getOutputStream().close();
        boolean done = shell.waitFor(300, TimeUnit.SECONDS);
        String output = Files.readString(out, StandardCharsets.UTF_8);
        Files.delete(out);
        System.out.println("--- what the pasted block printed ---\n" + output);
        assertThat(done).as("the pasted block finished within 300 s").isTrue();

        assertThat(shell.exitValue()).as("exit code of the last line (the cluster stopped); output:%n%s", output)
                .isZero();
        assertThat(output).contains("local YARN cluster up", "the AM serves frameworks at",
                "executors subscribed: workers, web", "outcome COMMITTED", "killed application_",
                "local cluster stopped").containsPattern("(?m)^api-v1$")
                .containsPattern("(?m)^api-v2 +workers +TASK_RUNNING +cpus:2;mem:384 ")
                .containsPattern("(?m)^workers +localhost:\\d+ +yes +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} +- +cpus:3;mem:896 +cpus:3;mem:896$")
                .doesNotContain("cannot reach").doesNotContain("refused");
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
