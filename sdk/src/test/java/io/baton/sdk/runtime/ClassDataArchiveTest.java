package io.baton.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
    @TempDir
    Path dir;

    private static final Path ASIDE = Path.of("/app/baton-x.jsa.7.tmp");
    private static final List<String> TRAINING = List.of("-XX:ArchiveClassesAtExit=" + ASIDE, "-Xshare:auto",
            "-Xlog:disable", "-Xlog:all=error:stderr", "-XX:TieredStopAtLevel=1", "-XX:-AlwaysPreTouch", "-Xms8m");

    @Test
    void theTrainingJvmHasThisOnesFlagsLessFilesPortsAndAgentsThenItsOwnThenTheTrainingMainBeforeTheExecutorsMain() {
        List<String> args = List.of("-Xmx256m", "-Dbaton.cds.dump=/app/baton-x.jsa", "-Xlog:gc:file=/logs/gc.log",
                "-XX:StartFlightRecording=filename=/logs/x.jfr", "-javaagent:/a.jar",
                "-agentlib:jdwp=transport=dt_socket,address=5005", "-Dcom.sun.management.jmxremote.port=9010",
                "-Dbaton.executor.overhead=cpus:1;mem:512", "-cp", "baton.jar:.", "io.baton.samples.worker.WorkerExecutor",
                "--id", "w1", "--work-dir", "/c/journal");
        List<String> expected = new java.util.ArrayList<>(List.of("/usr/bin/nice", "-n", "10", "/jdk/bin/java",
                "-Xmx256m", "-Dbaton.executor.overhead=cpus:1;mem:512", "-cp", "baton.jar:."));
        expected.addAll(TRAINING);
        expected.addAll(List.of("-Xmx128m", ClassDataTraining.class.getName(), "io.baton.samples.worker.WorkerExecutor",
                "--id", "w1", "--work-dir", "/c/journal"));
        assertThat(ClassDataArchive.trainingCommand("/jdk/bin/java", args, "io.baton.samples.worker.WorkerExecutor",
                ASIDE, Optional.of(Path.of("/usr/bin/nice")), true)).containsExactlyElementsOf(expected);
    }

    @Test
    void aMainClassNamedAsAClassPathIsNotTakenForTheMainABigHeapIsKeptAndAJarStartIsRefused() {
        assertThat(ClassDataArchive.trainingCommand("java", List.of("-cp", "Main", "Main", "a"), "Main", ASIDE,
                Optional.empty(), false)).endsWith("-Xms8m", ClassDataTraining.class.getName(), "Main", "a")
                .startsWith("java", "-cp", "Main", "-XX:ArchiveClassesAtExit=" + ASIDE).doesNotContain("-Xmx128m");
        assertThatThrownBy(() -> ClassDataArchive.trainingCommand("java", List.of("-Xmx1g", "-jar", "baton.jar"),
                "baton.jar", ASIDE, Optional.empty(), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-jar");
        assertThatThrownBy(() -> ClassDataArchive.trainingCommand("java", List.of("-cp", "x.jar", "Other"), "Main",
                ASIDE, Optional.empty(), true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the main class Main is not in this JVM's command [-cp, x.jar, Other]");
    }

    @Test
    void theOwnCommandLineKeepsEmptyArgumentsAndDropsJavaAndTheLastNul() {
        byte[] raw = "java\0-cp\0a.jar\0Main\0\0x\0\0".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(ClassDataArchive.ownArguments(raw)).containsExactly("-cp", "a.jar", "Main", "", "x", "");
    }

    @Test
    void theTrainingTalksTcpWhenTheExecutorsArgumentsDo() {
        assertThat(ClassDataTraining.overTcp(List.of("--id", "w", "--shim-file", "a", "--token-file", "t"))).isTrue();
        assertThat(ClassDataTraining.overTcp(List.of("--id", "w", "--shim", "tcp://h:1", "--token-file", "t"))).isTrue();
        assertThat(ClassDataTraining.overTcp(List.of("--id", "w", "--shim", "/run/x.sock"))).isFalse();
        assertThat(ClassDataTraining.overTcp(List.of("--id", "w"))).isFalse();
    }

    @Test
    void onlyADirectoryWithClassFilesOnTheClassPathStopsTheArchive() throws Exception {
        Path jar = Files.writeString(dir.resolve("baton.jar"), "not read");
        Path plain = Files.createDirectories(dir.resolve("container/journal"));
        Files.writeString(plain.resolve("journal.cq4"), "x");
        Path classes = Files.createDirectories(dir.resolve("classes/io/baton"));
        Files.writeString(classes.resolve("X.class"), "x");
        String sep = java.io.File.pathSeparator;
        assertThat(ClassDataArchive.classDirectoryIn(jar + sep + dir.resolve("container") + sep + dir.resolve("gone")))
                .isEmpty();
        assertThat(ClassDataArchive.classDirectoryIn(jar + sep + dir.resolve("classes")))
                .contains(dir.resolve("classes").toString());
        // the JVM refuses an archive when a non-empty directory comes before a jar it loaded from
        assertThat(ClassDataArchive.classDirectoryIn(dir.resolve("container") + sep + jar))
                .contains(dir.resolve("container").toString());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(ClassDataArchive.classDirectoryIn(empty + sep + jar)).isEmpty();
    }

    @Test
    void residentMemoryIsReadFromProcAndAProcessThatIsGoneHoldsNone() throws Exception {
        assertThat(ClassDataArchive.residentMb(ProcessHandle.current())).isPositive()
                .isLessThanOrEqualTo(Runtime.getRuntime().maxMemory() >> 20 << 2);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertThat(ClassDataArchive.residentMb(gone.toHandle())).isZero();
    }

    @Test
    void anArchiveIsMappedWhenTheProcessMapsListItsRealPath() throws Exception {
        Path archive = Files.writeString(dir.resolve("a.jsa"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link.jsa"), archive);
        Path maps = Files.writeString(dir.resolve("maps"), "7f0000000000-7f0000100000 r--p 00000000 08:01 42    "
                + archive.toRealPath() + "\n7f0000100000-7f0000200000 r-xp 00000000 08:01 43    /usr/lib/libc.so.6\n");
        assertThat(ClassDataArchive.mapped(link, maps)).isTrue();
        assertThat(ClassDataArchive.mapped(Files.writeString(dir.resolve("b.jsa"), "y"), maps)).isFalse();
    }

    @Test
    void theJdksOwnArchiveNamesThisJvm() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jdk), "no JDK archive at " + jdk);
        ClassDataArchive.Jvm me = ClassDataArchive.Jvm.current();

        assertThat(ClassDataArchive.madeBy(jdk, me)).isTrue();
        assertThat(ClassDataArchive.madeBy(jdk, new ClassDataArchive.Jvm(me.name(), "9" + me.version(), me.library())))
                .isFalse();
        assertThat(ClassDataArchive.deleteIfStale(jdk, me)).as("this JVM's own: never").isNull();
    }

    @Test
    void anArchiveAnotherJvmMadeBeforeThisOneWasInstalledIsDeleted() throws Exception {
        Path library = Files.writeString(dir.resolve("libjvm.so"), "installed now"); // its change time: now
        ClassDataArchive.Jvm me = new ClassDataArchive.Jvm("OpenJDK 64-Bit Server VM", "17.0.16+8", library);
        byte[] body = new byte[64 << 10];
        FileTime before = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);

        Path mine = Files.write(dir.resolve("mine.jsa"), header("OpenJDK 64-Bit Server VM (17.0.16+8)", body));
        Path debug = Files.write(dir.resolve("debug.jsa"), header("OpenJDK 64-Bit Server VM (fastdebug 17.0.16+8)", body));
        Path old = Files.write(dir.resolve("old.jsa"), header("OpenJDK 64-Bit Server VM (17.0.15+6)", body));
        Path newer = Files.write(dir.resolve("newer.jsa"), header("OpenJDK 64-Bit Server VM (25.0.3+9)", body));
        for (Path p : List.of(mine, debug, old)) {
            Files.setLastModifiedTime(p, before);
        }
        // newer: another JDK's archive made after this one was installed (two JDKs sharing it): left alone
        Files.setLastModifiedTime(newer, FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));

        assertThat(ClassDataArchive.madeBy(mine, me)).isTrue();
        assertThat(ClassDataArchive.madeBy(debug, me)).as("a debug build's ident").isTrue();
        assertThat(ClassDataArchive.madeBy(old, me)).isFalse();
        Path vmOnly = Files.write(dir.resolve("vm-only.jsa"), header("OpenJDK 64-Bit Server VM (17.0.15+6)", body,
                "17.0.16+8"));
        assertThat(ClassDataArchive.madeBy(vmOnly, me)).as("the VM's version decides, not the JRE's after it").isFalse();
        assertThat(ClassDataArchive.deleteIfStale(mine, me)).isNull();
        assertThat(ClassDataArchive.deleteIfStale(debug, me)).isNull();
        assertThat(ClassDataArchive.deleteIfStale(newer, me)).isNull();
        assertThat(ClassDataArchive.deleteIfStale(old, me)).isTrue();
        assertThat(List.of(mine, debug, newer)).allMatch(Files::exists);
        assertThat(old).doesNotExist();
        assertThat(ClassDataArchive.deleteIfStale(old, me)).as("none there").isNull();
    }

    /** What HotSpot writes near an archive's start: magic and numbers, then its identification, then the rest. */
    private static byte[] header(String vmIdent, byte[] rest) {
        return header(vmIdent, rest, vmIdent.substring(vmIdent.lastIndexOf(' ') + 1, vmIdent.length() - 1));
    }

    private static byte[] header(String vmIdent, byte[] rest, String jre) {
        byte[] ident = (vmIdent + " for linux-amd64 JRE (" + jre + "), built on May  1 2025").getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] out = new byte[617 + ident.length + rest.length];
        out[0] = (byte) 0xf0;
        System.arraycopy(ident, 0, out, 617, ident.length);
        System.arraycopy(rest, 0, out, 617 + ident.length, rest.length);
        return out;
    }
}
