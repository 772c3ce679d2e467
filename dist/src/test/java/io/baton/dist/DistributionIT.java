package io.baton.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.dist.JavaOnlyNode.Result;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * baton-&lt;version&gt;.tar.gz as an operator gets it: what it holds, and that, unpacked on a node with only
 * a Java runtime (no Maven, no source tree), it runs a shim, the sample executors, an executor of one's
 * own and replacements.
 */
class DistributionIT {
    static final String TASK = "cpus:0.1;mem:16";

    @TempDir
    Path tmp;
    JavaOnlyNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void theTarballHoldsTheLauncherTheJarTheUnitTheReadmeAndTheNotices() throws Exception {
        List<Tarball.Entry> entries = Tarball.list();
        Map<String, String> files = entries.stream().filter(e -> !e.path().endsWith("/"))
                .collect(Collectors.toMap(e -> e.path().substring(Tarball.NAME.length() + 1), Tarball.Entry::mode));

        assertThat(entries).as("everything is under one top folder")
                .allMatch(e -> e.path().startsWith(Tarball.NAME + "/"));
        assertThat(files).containsOnlyKeys("bin/baton", "lib/baton.jar", "systemd/baton-shim.service", "README.md",
                "LICENSE", "NOTICE", "licenses/THIRD-PARTY.txt", "licenses/EPL-2.0.md", "licenses/logback-LICENSE.txt",
                "licenses/MIT-slf4j.txt", "licenses/MIT-jnr-x86asm.txt", "licenses/BSD-3-Clause-protobuf.txt",
                "licenses/BSD-3-Clause-asm.txt");
        assertThat(files.get("bin/baton")).isEqualTo("-rwxr-xr-x");
        assertThat(files).allSatisfy((path, mode) -> assertThat(mode).as(path).isIn("-rw-r--r--", "-rwxr-xr-x"));
        assertThat(Files.readString(Path.of("..", "README.md"))).as("README's install commands name this version")
                .contains("tar -xzf /tmp/" + Tarball.NAME + ".tar.gz -C /opt");
    }

    @Test
    void aNodeWithOnlyJavaRunsTheShimTheSamplesItsOwnExecutorAndReplacements() throws Exception {
        long t0 = System.nanoTime();
        node = new JavaOnlyNode(tmp);
        assertThat(node.shell("command -v mvn").exit()).as("mvn must not be findable on the node").isNotZero();
        assertThat(node.shell("command -v java").out().strip()).startsWith(System.getProperty("java.home"));
        Path shim = tmp.resolve("shim");
        String socket = shim.resolve("executor.sock").toString();

        node.start("shim", "shim", "--work-dir", shim.toString(), "--isolator", "none",
                "--resources", "cpus:4;mem:4096");
        Path classes = compileOwnExecutor();
        await().atMost(Duration.ofSeconds(30)).until(() -> node.log("shim").contains("baton shim ready"));
        System.out.printf("shim ready after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        for (String kind : List.of("command", "worker", "http-service")) {
            node.start(kind, "executor", kind, "--id", kind, "--work-dir", tmp.resolve(kind).toString(),
                    "--shim", socket);
        }
        node.start("mine", "executor", "custom", "--class", "example.HoldExecutor", "--classpath", classes.toString(),
                "--id", "mine", "--work-dir", tmp.resolve("mine").toString(), "--shim", socket);
        List<String> executors = List.of("command", "worker", "http-service", "mine");
        await().atMost(Duration.ofSeconds(40)).until(() -> executors.stream().allMatch(this::recovered));
        System.out.printf("executors recovered after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        // a launch before the executor has subscribed would be refused UNKNOWN_EXECUTOR: wait until status lists it
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            String status = node.baton("status", "--work-dir", shim.toString()).out();
            executors.forEach(id -> assertThat(status).containsPattern("(?m)^" + id + " +yes "));
        });

        ok(node.baton("launch", "--work-dir", shim.toString(), "--executor", "command", "--task", "c1",
                "--resources", TASK, "--spec", "sleep 600"));
        assertThat(ok(node.baton("replace", "c1", "--work-dir", shim.toString(), "--task", "c2", "--resources",
                "cpus:0.2;mem:32", "--offers-for", TASK, "--spec", "sleep 600", "--wait")).out()).contains("COMMITTED");
        ok(node.baton("launch", "--work-dir", shim.toString(), "--executor", "mine", "--task", "m1",
                "--resources", TASK));
        assertThat(ok(node.baton("replace", "m1", "--work-dir", shim.toString(), "--task", "m2", "--resources", TASK,
                "--wait")).out()).contains("COMMITTED");
    }

    /** The executor has replayed its journal and goes on to subscribe (its log says so; status confirms it). */
    private boolean recovered(String executor) {
        try {
            return node.log(executor).contains("executor " + executor + " recovered");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Result ok(Result r) {
        assertThat(r.exit()).as("exit code; output:%n%s", r.out()).isZero();
        return r;
    }

    /** An executor of one's own, compiled against the distribution's lib/baton.jar only. */
    private Path compileOwnExecutor() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/example")).resolve("HoldExecutor.java");
        Files.writeString(src, """
                package example;

                import io.baton.sdk.api.BatonExecutor;
                import io.baton.sdk.api.Task;
                import java.time.Duration;

                /** A task is a claim on resources and nothing else: it runs until it is killed. */
                public final class HoldExecutor extends BatonExecutor {
                    @Override
                    public void launch(Task task) {
                        task.running();
                    }

                    @Override
                    public void kill(Task task, Duration grace) {
                        task.killed("released");
                    }
                }
                """);
        Path classes = tmp.resolve("classes");
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit = ToolProvider.getSystemJavaCompiler().run(null, errors, errors, "-proc:none", "-cp",
                node.home.resolve("lib/baton.jar").toString(), "-d", classes.toString(), src.toString());
        assertThat(exit).as("javac against lib/baton.jar: %s", errors).isZero();
        return classes;
    }
}
