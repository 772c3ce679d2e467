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
            "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-XX:TieredStopAtLevel=1", "-Dbaton.cds.train=true");

    @Test
    void theTrainingJvmIsThisOneWithoutTheDumpPropertyAndWithTheTrainingFlagsJustBeforeTheMainClass() {
        List<String> args = List.of("-Xmx256m", "-Dbaton.cds.dump=/app/baton-x.jsa", "-Xlog:cds=off", "-cp",
                "baton.jar:.", "io.baton.samples.worker.WorkerExecutor", "--id", "w1", "--work-dir", "/c/journal");
        List<String> expected = new java.util.ArrayList<>(List.of("/usr/bin/nice", "-n", "10", "/jdk/bin/java",
                "-Xmx256m", "-Xlog:cds=off", "-cp", "baton.jar:."));
        expected.addAll(TRAINING);
        expected.addAll(List.of("io.baton.samples.worker.WorkerExecutor", "--id", "w1", "--work-dir", "/c/journal"));
        assertThat(ClassDataArchive.trainingCommand("/jdk/bin/java", args, "io.baton.samples.worker.WorkerExecutor",
                ASIDE, Optional.of(Path.of("/usr/bin/nice")))).containsExactlyElementsOf(expected);
    }

    @Test
    void aMainClassNamedAsAClassPathIsNotTakenForTheMainAndAJarLaunchKeepsItsJarOption() {
        assertThat(ClassDataArchive.trainingCommand("java", List.of("-cp", "Main", "Main", "a"), "Main", ASIDE,
                Optional.empty())).containsSubsequence("-cp", "Main", "-Dbaton.cds.train=true", "Main", "a")
                .startsWith("java", "-cp", "Main", "-XX:ArchiveClassesAtExit=" + ASIDE);
        assertThat(ClassDataArchive.trainingCommand("java", List.of("-Xmx1g", "-jar", "baton.jar", "executor"),
                "baton.jar", ASIDE, Optional.empty())).endsWith("-Dbaton.cds.train=true", "-jar", "baton.jar", "executor")
                .startsWith("java", "-Xmx1g");
        assertThatThrownBy(() -> ClassDataArchive.trainingCommand("java", List.of("-cp", "x.jar", "Other"), "Main",
                ASIDE, Optional.empty())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the main class Main is not in this JVM's command [-cp, x.jar, Other]");
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
}
