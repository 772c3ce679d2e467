package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command documents itself with an example; usage errors are one line with exit code 2. */
class HelpTest {
    static final List<String> COMMANDS = List.of("shim", "executor", "offers", "decline", "launch", "replace", "kill", "status",
            "watch", "journal");

    @Test
    void everyCommandsHelpHasAnExample() {
        CliNode.Run top = CliNode.run("--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).contains("Example").contains("Exit codes");
        for (String c : COMMANDS) {
            CliNode.Run r = CliNode.run(c, "--help");
            assertThat(r.exit()).as(c).isZero();
            assertThat(r.out()).as(c + " --help").contains("Example").contains("baton " + c);
        }
    }

    /** Issue 11: the top-level list shows a command's first description line only; demo's stopped mid-sentence. */
    @Test
    void theCommandListShowsEveryDescriptionToItsEnd() {
        picocli.CommandLine top = Baton.commandLine();
        for (var e : top.getSubcommands().entrySet()) {
            String[] d = e.getValue().getCommandSpec().usageMessage().description();
            assertThat(d).as(e.getKey()).isNotEmpty();
            assertThat(d[0].strip()).as("the line 'baton --help' lists for " + e.getKey()).endsWith(".");
        }
        String listed = CliNode.run("--help").out().replaceAll("\\s+", " ");
        assertThat(listed).contains("Exits 0 only if every step behaved as stated.");
    }

    @Test
    void aUsageErrorIsOneLineWithExitCodeTwo() {
        CliNode.Run r = CliNode.run("replace", "w1", "--resources", "cpus:1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
                .startsWith("baton replace: invalid arguments — ").contains("--task").contains("baton replace --help");
    }

    /** Issue 12: the demo runs locally or on a local YARN cluster; any other place is refused naming both. */
    @Test
    void demoOnAnUnknownPlaceNamesTheAcceptedOnes() {
        CliNode.Run r = CliNode.run("demo", "--on", "kubernetes");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("baton demo: --on 'kubernetes' is not a place")
                .contains("the accepted values are local, yarn");
        assertThat(r.out()).isEmpty();
    }

    /** Without bin/baton's YARN class path (the plain CLI, an installed baton.jar) `--on yarn` says where it runs. */
    @Test
    void demoOnYarnWithoutTheClusterSaysToUseTheSourceTree() {
        CliNode.Run r = CliNode.run("demo", "--on", "yarn");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no local YARN cluster on its class path")
                .contains("run 'bin/baton demo --on yarn' from a clone of the source tree");
        assertThat(CliNode.run("demo", "--on", "yarn", "--isolator", "auto").err())
                .contains("--isolator auto with --on yarn");
    }

    /** Issue 11: the wire enum's placeholders were accepted and listed ("Can't get the number of an unknown enum value"). */
    @Test
    void onlyTheFourRealStrategiesAreTakenAndListed() {
        for (String bad : List.of("UNRECOGNIZED", "STRATEGY_DEFAULT", "sideways")) {
            CliNode.Run r = CliNode.run("replace", "w1", "--task", "w2", "--resources", "cpus:1", "--strategy", bad);
            assertThat(r.exit()).as(bad).isEqualTo(2);
            assertThat(r.err()).as(bad).contains("'" + bad + "' is not a strategy: use STOP_THEN_START, START_THEN_STOP,"
                    + " FREEZE_THEN_START or RESIZE_IN_PLACE");
        }
        assertThat(new Strategies()).containsExactly("STOP_THEN_START", "START_THEN_STOP", "FREEZE_THEN_START",
                "RESIZE_IN_PLACE");
        assertThat(new Strategies().convert("start-then-stop")).isEqualTo(io.baton.proto.ReplaceStrategy.START_THEN_STOP);
    }

    @Test
    void aDurabilityOtherThanSyncOrProcessIsRefusedByName() {
        CliNode.Run r = CliNode.run("replace", "w1", "--task", "w2", "--resources", "cpus:1", "--durability", "fast");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("invalid --durability 'fast'").contains("it is neither sync nor process")
                .contains("use --durability sync or process");
    }

    @Test
    void noCommandIsAUsageError() {
        CliNode.Run r = CliNode.run();

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("baton: ");
    }
}
