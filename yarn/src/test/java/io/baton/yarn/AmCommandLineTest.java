package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.resources.Resources;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

class AmCommandLineTest {
    private static final IntSupplier NO_FREE_PORT = () -> {
        throw new AssertionError("no port was given as 'any'");
    };
    private static final List<String> REQUIRED = List.of("--staging-dir", "file:///tmp/s", "--total", "cpus:4;mem:2048",
            "--framework-port", "7070", "--executor-port", "7071");

    private static AmCommandLine parse(IntSupplier ports, List<String> more) {
        List<String> args = new java.util.ArrayList<>(REQUIRED);
        args.addAll(more);
        return AmCommandLine.parse(ports, args.toArray(String[]::new));
    }

    @Test
    void theOptionsAndTheExecutorsToRun() {
        AmCommandLine line = parse(NO_FREE_PORT, List.of("--work-dir", "/tmp/am", "--bind", "127.0.0.1", "--host",
                "am.example", "--heartbeat-ms", "100", "--reserve-timeout-ms", "3000", "--web-port", "7072",
                "--adopt-timeout-ms", "30000",
                "--hadoop-conf", "baton-hadoop.xml", "--executor", "w1:512:1", "--executor", "w2:1024:2",
                "--executor-java", "/usr/bin/java", "--executor-classpath", "/opt/baton.jar", "--executor-main", "M",
                "--executor-jvm-flag", "-Xmx128m", "--executor-jvm-flag", "-Dx=y"));
        AmOptions o = line.options();
        assertThat(o.stagingDir()).isEqualTo("file:///tmp/s");
        assertThat(o.total()).isEqualTo(Resources.parse("cpus:4;mem:2048"));
        assertThat(o.workDir()).hasToString("/tmp/am");
        assertThat(List.of(o.bindAddress(), o.advertisedHost())).containsExactly("127.0.0.1", "am.example");
        assertThat(List.of(o.frameworkPort(), o.executorPort(), o.webPort())).containsExactly(7070, 7071, 7072);
        assertThat(List.of(o.heartbeatMs(), o.reserveTimeoutMs(), o.adoptTimeoutMs())).containsExactly(100L, 3000L,
                30000L);
        assertThat(line.hadoopConf()).isEqualTo("baton-hadoop.xml");
        assertThat(line.executors()).containsExactly(
                new ExecutorLaunch("w1", new YarnSize(512, 1), "/usr/bin/java", List.of("-Xmx128m", "-Dx=y"),
                        "/opt/baton.jar", "M"),
                new ExecutorLaunch("w2", new YarnSize(1024, 2), "/usr/bin/java", List.of("-Xmx128m", "-Dx=y"),
                        "/opt/baton.jar", "M"));
    }

    @Test
    void anyPortIsTakenFromTheFreePorts() {
        int[] next = {40000};
        AmCommandLine line = AmCommandLine.parse(() -> next[0]++, "--staging-dir", "s", "--total", "cpus:1;mem:64",
                "--framework-port", "any", "--executor-port", "any", "--web-port", "any");
        assertThat(List.of(line.options().frameworkPort(), line.options().executorPort(), line.options().webPort()))
                .containsExactly(40000, 40001, 40002);
        assertThat(line.executors()).isEmpty();
        assertThat(line.options().heartbeatMs()).isEqualTo(1000);
        assertThat(line.options().adoptTimeoutMs()).isEqualTo(AmOptions.DEFAULT_ADOPT_TIMEOUT_MS);
    }

    @Test
    void badInputIsNamedWithItsValue() {
        assertThatThrownBy(() -> AmCommandLine.parse(NO_FREE_PORT, "--total", "cpus:1"))
                .hasMessageStartingWith("--staging-dir is required; usage: --staging-dir URI");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--framework-port")))
                .hasMessageStartingWith("option --framework-port has no value");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--frameworkport", "1")))
                .hasMessageStartingWith("unknown option --frameworkport; usage:");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--executor-port", "70000")))
                .hasMessage("--executor-port (or 'any') must be 1-65535, got 70000");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--heartbeat-ms", "fast")))
                .hasMessage("--heartbeat-ms must be a whole number 10-60000, got 'fast'");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--adopt-timeout-ms", "500")))
                .hasMessage("--adopt-timeout-ms must be 1000-3600000, got 500");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--total", "cpus:lots")))
                .hasMessageStartingWith("--total 'cpus:lots' is not a resource list");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--executor", "w1:512")))
                .hasMessageStartingWith("1 --executor given, but --executor-classpath and --executor-main are needed");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--executor", "w1:512", "--executor-classpath", "cp",
                "--executor-main", "M"))).hasMessage("--executor 'w1:512' must be ID:MEMORY_MB:VCORES, e.g. w1:512:1");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--executor", "w1:512:0", "--executor-classpath", "cp",
                "--executor-main", "M"))).hasMessage("--executor w1 vcores must be 1-2147483647, got 0");
        assertThatThrownBy(() -> parse(NO_FREE_PORT, List.of("--executor-port", "7070")))
                .hasMessage("the framework and executor ports must differ, both are 7070");
    }
}
