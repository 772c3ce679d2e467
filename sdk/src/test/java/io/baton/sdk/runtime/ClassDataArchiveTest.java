package io.baton.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void anArchiveAnotherJvmMadeIsDeletedOneThisJvmMadeStays() throws Exception {
        String me = ClassDataArchive.vmIdent();
        assertThat(me).isEqualTo(System.getProperty("java.vm.name") + " (" + System.getProperty("java.vm.version") + ")");
        byte[] body = new byte[64 << 10];
        Path mine = dir.resolve("mine.jsa");
        Files.write(mine, header(me, body));
        Path other = dir.resolve("other.jsa");
        Files.write(other, header("OpenJDK 64-Bit Server VM (99.0.1+1-other)", body));

        assertThat(ClassDataArchive.madeBy(mine, me)).isTrue();
        assertThat(ClassDataArchive.madeBy(other, me)).isFalse();
        assertThat(ClassDataArchive.deleteIfMadeByAnother(mine, me)).as("this JVM's: kept").isNull();
        assertThat(mine).exists();
        assertThat(ClassDataArchive.deleteIfMadeByAnother(other, me)).isTrue();
        assertThat(other).doesNotExist();
        assertThat(ClassDataArchive.deleteIfMadeByAnother(other, me)).as("none there").isNull();
    }

    /** What HotSpot writes near an archive's start: magic and numbers, then its identification, then the rest. */
    private static byte[] header(String vmIdent, byte[] rest) {
        byte[] ident = (vmIdent + " for linux-amd64 JRE (…), built on May  1 2025").getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] out = new byte[64 + ident.length + rest.length];
        out[0] = (byte) 0xf0;
        System.arraycopy(ident, 0, out, 64, ident.length);
        return out;
    }
}
