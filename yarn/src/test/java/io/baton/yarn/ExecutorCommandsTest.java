package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutorCommandsTest {

    private static final ExecutorLaunch LAUNCH = new ExecutorLaunch("w1", new YarnSize(512, 1), "/usr/bin/java",
            List.of("-Xmx128m"), "/opt/baton/baton.jar", "io.baton.samples.worker.WorkerExecutor");

    @Test
    void runsTheExecutorMainAgainstTheAmWithTheTokenFileAndTheJournalInTheWorkDir() {
        String name = ExecutorCommands.archiveName(LAUNCH);
        assertThat(ExecutorCommands.command(LAUNCH, "<LOG_DIR>")).isEqualTo(
                "set --; if [ -n \\\"\\$LOCAL_DIRS\\\" ]; then a=\\\"\\${LOCAL_DIRS%%,*}/" + name + "\\\"; "
                        + "if [ -f \\\"\\$a\\\" ]; then set -- \\\"-XX:SharedArchiveFile=\\$a\\\" -Xshare:auto "
                        + "\\\"-Dbaton.cds.archive=\\$a\\\"; else set -- "
                        + "\\\"-Dbaton.cds.dump=\\$a\\\" -Dbaton.cds.container-mb=512; fi; set -- \\\"\\$@\\\" -Xlog:cds=off -Xlog:cds+dynamic=off; fi; "
                        + "'/usr/bin/java' \\\"\\$@\\\" '-Xmx128m' -cp '/opt/baton/baton.jar' 'io.baton.samples.worker.WorkerExecutor' "
                        + "--id 'w1' --work-dir $PWD/journal --shim-file baton-am.address "
                        + "--token-file baton.token 1>><LOG_DIR>/executor.out 2>><LOG_DIR>/executor.err; "
                        + "rc=\\$?; if [ \\$rc -gt 128 ]; then exit 75; fi; exit \\$rc");
    }

    @Test
    void oneArchivePerJvmFlagsClassPathAndMainClassAndNoneWhenTheFlagsRunSharingTheirOwnWay() {
        assertThat(ExecutorCommands.archiveName(LAUNCH)).matches("baton-[0-9a-f]{12}\\.jsa")
                .isEqualTo(ExecutorCommands.archiveName(new ExecutorLaunch("w2", new YarnSize(1024, 2), "/usr/bin/java",
                        List.of("-Xmx128m"), "/opt/baton/baton.jar", "io.baton.samples.worker.WorkerExecutor")));
        assertThat(List.of(
                new ExecutorLaunch("w1", new YarnSize(512, 1), "/usr/bin/java", List.of("-Xmx256m"),
                        "/opt/baton/baton.jar", "io.baton.samples.worker.WorkerExecutor"),
                new ExecutorLaunch("w1", new YarnSize(512, 1), "/opt/jdk/bin/java", List.of("-Xmx128m"),
                        "/opt/baton/baton.jar", "io.baton.samples.worker.WorkerExecutor"),
                new ExecutorLaunch("w1", new YarnSize(512, 1), "/usr/bin/java", List.of("-Xmx128m"),
                        "baton.jar:.", "io.baton.samples.worker.WorkerExecutor"),
                new ExecutorLaunch("w1", new YarnSize(512, 1), "/usr/bin/java", List.of("-Xmx128m"),
                        "/opt/baton/baton.jar", "io.baton.samples.http.HttpServiceExecutor")))
                .extracting(ExecutorCommands::archiveName).doesNotContain(ExecutorCommands.archiveName(LAUNCH))
                .doesNotHaveDuplicates();
        for (String own : List.of("-Xshare:off", "-XX:SharedArchiveFile=/x.jsa", "-XX:ArchiveClassesAtExit=/x.jsa",
                "-XX:+RecordDynamicDumpInfo", "-XX:-UseSharedSpaces")) {
            assertThat(ExecutorCommands.command(new ExecutorLaunch("w1", new YarnSize(512, 1), "/usr/bin/java",
                    List.of(own), "baton.jar", "M"), "<LOG_DIR>")).as(own).startsWith("'/usr/bin/java' '" + own + "' -cp ");
        }
    }

    @Test
    void quotesForTheInnerBashThenEscapesForTheOuterDoubleQuotes() {
        assertThat(ExecutorCommands.quote("plain")).isEqualTo("'plain'");
        assertThat(ExecutorCommands.quote("it's")).isEqualTo("'it'\\\\''s'");
        assertThat(ExecutorCommands.quote("a\"b$c`d")).isEqualTo("'a\\\"b\\$c\\`d'");
    }

    @Test
    void refusesAnInvalidIdOrAnEmptyContainer() {
        assertThatThrownBy(() -> new ExecutorLaunch("W1", new YarnSize(512, 1), "java", List.of(), "cp", "M"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'W1'");
        assertThatThrownBy(() -> new ExecutorLaunch("w1", new YarnSize(512, 0), "java", List.of(), "cp", "M"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<memory:512 MB, vcores:0>");
    }
}
