package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.samples.worker.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor asked for a class-data archive ({@code -Dbaton.cds.dump}, as a YARN container's command asks) as a real
 * process from the CLI's jar beside a real shim, over its Unix socket: once subscribed it has a training JVM make the
 * archive (the training never subscribes to the shim: the shim sees one subscription), and the next start with
 * {@code -XX:SharedArchiveFile} maps it and says so. Where the container has no room, or a training here failed
 * before ({@code .failed}), no training JVM runs and the executor says why.
 */
class ClassDataArchiveIT {
    private static final Path JAR = Path.of(System.getProperty("baton.root", "..")).resolve("cli/target/baton.jar")
            .toAbsolutePath();

    @TempDir
    Path dir;
    CliNode node;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        node = new CliNode(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        node.close();
    }

    /** The worker sample as {@code java FLAGS -cp baton.jar WorkerExecutor --id ID ...}, its output in {@code log}. */
    private Process executor(String id, Path log, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        for (String f : System.getProperty("baton.jvm.flags", "").trim().split("\\s+")) {
            if (!f.isEmpty()) {
                cmd.add(f);
            }
        }
        cmd.add("-Xmx128m");
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", JAR.toString(), WorkerExecutor.class.getName(), "--id", id, "--work-dir",
                dir.resolve(id).toString(), "--shim", node.config.executorSocket().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        started.add(p);
        return p;
    }

    private static void awaitLogged(Path log, String text) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(log) && Files.readString(log).contains(text));
    }

    @Test
    void theFirstStartHasATrainingJvmMakeTheArchiveAndTheNextStartMapsIt() throws Exception {
        Path archive = dir.resolve("apps/baton-test.jsa");
        Files.createDirectories(archive.getParent());
        Path log = dir.resolve("first.log");
        Process first = executor("w1", log, "-Dbaton.cds.dump=" + archive, "-Dbaton.cds.container-mb=1024");
        awaitLogged(log, "executor w1 made the class-data archive " + archive);
        assertThat(Files.size(archive)).isGreaterThan(1 << 20);
        try (var left = Files.list(archive.getParent())) { // the training's temporary files are gone
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("baton-test.jsa",
                    "baton-test.jsa.lock");
        }
        // the training rehearsed against a stand-in shim of its own: the node's shim saw w1 subscribe once, and
        // no other executor
        assertThat(node.shim.state().getExecutorsList()).extracting(e -> e.getExecutorId().getValue())
                .containsExactly("w1");

        first.destroyForcibly();
        first.waitFor(10, TimeUnit.SECONDS);
        Path log2 = dir.resolve("second.log");
        Process second = executor("w1", log2, "-XX:SharedArchiveFile=" + archive, "-Dbaton.cds.archive=" + archive);
        awaitLogged(log2, "executor w1 started with its class-data archive " + archive + " mapped");
        String real = archive.toRealPath().toString();
        assertThat(Files.readAllLines(Path.of("/proc", Long.toString(second.pid()), "maps")))
                .anyMatch(l -> l.endsWith(" " + real));
    }

    /**
     * After a JDK update an archive can never be mapped again, and neither bin/baton (which makes one when its jar
     * changes) nor a YARN container's command (when there is none) would make a new one: the executor deletes it. The
     * archive here is the JDK's own, copied with another version in its header, as another JVM's archive has, and
     * written before this JDK was installed.
     */
    @Test
    void anArchiveAnotherJvmMadeIsDeletedSoTheNextStartMakesOne() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jdk),
                "this JDK has no class-data archive of its own at " + jdk + ": nothing to copy");
        String version = System.getProperty("java.vm.version");
        byte[] bytes = Files.readAllBytes(jdk);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = text.indexOf(System.getProperty("java.vm.name") + " (" + version + ")");
        org.junit.jupiter.api.Assumptions.assumeTrue(at >= 0 && at < 8192,
                "this JDK's archive does not name its JVM as a release build's does (a debug build?)");
        at += System.getProperty("java.vm.name").length() + 2;
        bytes[at] = (byte) (bytes[at] == '9' ? '8' : '9'); // "17.0.15" -> "97.0.15": another JVM's
        Path other = dir.resolve("other.jsa");
        Files.write(other, bytes);
        // made before this JDK was installed, as an archive is that a JDK update left behind
        Path library = Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(library), "no " + library);
        var installed = (java.nio.file.attribute.FileTime) Files.getAttribute(library, "unix:ctime");
        Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.fromMillis(installed.toMillis() - 3_600_000));

        Path log = dir.resolve("other.log");
        executor("w3", log, "-XX:SharedArchiveFile=" + other, "-Xshare:auto", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-Dbaton.cds.archive=" + other);
        awaitLogged(log, "executor w3: its class-data archive " + other + " is not mapped: another JVM made it before");
        assertThat(Files.readString(log)).contains("the archive is deleted: the next start makes it again");
        assertThat(other).doesNotExist();
    }

    @Test
    void noTrainingWhereTheContainerHasNoRoomOrATrainingFailedBefore() throws Exception {
        Path archive = Files.createDirectories(dir.resolve("apps")).resolve("baton-test.jsa");
        Path log = dir.resolve("small.log");
        executor("w1", log, "-Dbaton.cds.dump=" + archive, "-Dbaton.cds.container-mb=200");
        awaitLogged(log, "executor w1: no class-data archive for later starts: its container has 200 MB, its processes "
                + "hold ");
        assertThat(Files.readString(log)).contains("and the training JVM needs about 256 MB more");

        Files.writeString(archive.resolveSibling("baton-test.jsa.failed"), "an earlier training failed\n");
        Path log2 = dir.resolve("failed.log");
        executor("w2", log2, "-Dbaton.cds.dump=" + archive, "-Dbaton.cds.container-mb=4096");
        awaitLogged(log2, "executor w2: no class-data archive for later starts: a training on this node failed before ("
                + archive.resolveSibling("baton-test.jsa.failed") + " says why; remove it to try again)");
        try (var left = Files.list(archive.getParent())) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactly("baton-test.jsa.failed");
        }
    }
}
