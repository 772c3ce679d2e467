package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@link ExecutorCommand#quick}: what it accepts it reads as picocli does; the rest goes to picocli. */
class ExecutorQuickParseTest {

    private static final List<List<String>> ACCEPTED = List.of(
            List.of("worker", "--id", "w", "--work-dir", "/tmp/w"),
            List.of("--id", "w", "worker", "--work-dir", "rel/dir", "--shim", "/tmp/s/executor.sock"),
            List.of("custom", "--class", "a.B", "--classpath", "/x:/y", "--id=w", "--work-dir=/tmp/w"),
            List.of("http-service", "--work-dir", "/tmp/w", "--id", "", "--shim=/s"),
            List.of("nonsense-kind", "--id", "w", "--work-dir", "/tmp/w"),
            List.of("worker", "--id", "a=b", "--work-dir", "/tmp/w"),
            List.of("worker", "--standby", "--id", "w", "--work-dir", "/tmp/w"),
            List.of("command", "--id", "w", "--work-dir", "/tmp/w", "--shim", "/s", "--standby"));

    private static final List<List<String>> LEFT_TO_PICOCLI = List.of(
            List.of("worker", "--id", "w"),
            List.of("worker", "--work-dir", "/tmp/w"),
            List.of("--id", "w", "--work-dir", "/tmp/w"),
            List.of("worker", "--id", "w", "--work-dir", "/tmp/w", "--id", "v"),
            List.of("worker", "--id", "w", "--work-dir", "/tmp/w", "extra"),
            List.of("worker", "--id", "w", "--work-dir", "/tmp/w", "--help"),
            List.of("worker", "-h", "--id", "w", "--work-dir", "/tmp/w"),
            List.of("worker", "--id", "w", "--work-dir", "/tmp/w", "--shim"),
            List.of("worker", "--id", "--work-dir", "/tmp/w"),
            List.of("worker", "--id", "w", "--work-dir", "/tmp/w", "--verbose", "x"),
            List.of("worker", "--id", "w", "--work-dir", "/tmp/w", "--", "x"),
            List.of("@args.txt"),
            List.of("worker", "--id", "@w", "--work-dir", "/tmp/w"),
            List.of("worker", "--id", "w", "--work-dir", "/tmp/w\0x"),
            List.of("worker", "--ID", "w", "--work-dir", "/tmp/w"),
            List.of("worker", "--i", "w", "--work-dir", "/tmp/w"),
            List.of("worker", "--standby", "--id", "w", "--work-dir", "/tmp/w", "--standby"),
            List.of("worker", "--standby=true", "--id", "w", "--work-dir", "/tmp/w"));

    @Test
    void readsWhatPicocliReads() {
        for (List<String> rest : ACCEPTED) {
            ExecutorCommand quick = ExecutorCommand.quick(args(rest));
            assertThat(quick).as("%s", rest).isNotNull();
            ExecutorCommand parsed = new ExecutorCommand();
            new CommandLine(parsed).parseArgs(rest.toArray(String[]::new));
            assertThat(quick.kind).as("%s", rest).isEqualTo(parsed.kind);
            assertThat(quick.id).as("%s", rest).isEqualTo(parsed.id);
            assertThat(quick.workDir).as("%s", rest).isEqualTo(parsed.workDir);
            assertThat(quick.shimSocket).as("%s", rest).isEqualTo(parsed.shimSocket);
            assertThat(quick.className).as("%s", rest).isEqualTo(parsed.className);
            assertThat(quick.classpath).as("%s", rest).isEqualTo(parsed.classpath);
            assertThat(quick.standby).as("%s", rest).isEqualTo(parsed.standby);
        }
    }

    @Test
    void leavesTheRestToPicocli() {
        for (List<String> rest : LEFT_TO_PICOCLI) {
            assertThat(ExecutorCommand.quick(args(rest))).as("%s", rest).isNull();
        }
        assertThat(ExecutorCommand.quick(new String[] {"status", "--id", "w", "--work-dir", "/tmp/w"})).isNull();
        assertThat(ExecutorCommand.quick(new String[] {"executor"})).isNull();
        assertThat(ExecutorCommand.quick(new String[0])).isNull();
    }

    private static String[] args(List<String> rest) {
        String[] a = new String[rest.size() + 1];
        a[0] = "executor";
        for (int i = 0; i < rest.size(); i++) {
            a[i + 1] = rest.get(i);
        }
        return a;
    }
}
