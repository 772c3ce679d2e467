package io.baton.shim.isolator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InMemoryIsolatorTest {

    private final InMemoryIsolator isolator = new InMemoryIsolator();

    @Test
    void remembersLimitsPidsAndUsageAndRecordsCalls() throws Exception {
        isolator.prepare("exec-1");
        isolator.apply("exec-1", new Limits(1500, 1024));
        isolator.applyMemorySoft("exec-1", 512);
        isolator.attach("exec-1", 42);
        isolator.setUsage("exec-1", 700);

        assertThat(isolator.read("exec-1")).isEqualTo(new Limits(1500, 1024));
        assertThat(isolator.softLimit("exec-1")).contains(512L);
        assertThat(isolator.pids("exec-1")).containsExactly(42L);
        assertThat(isolator.memoryUsage("exec-1")).isEqualTo(700);
        assertThat(isolator.calls()).startsWith("prepare exec-1", "apply exec-1 cpus:1.500 mem:1024B",
                "applyMemorySoft exec-1 512", "attach exec-1 42");
    }

    @Test
    void failNextFailsOnlyTheNextCallOfThatOperation() throws Exception {
        isolator.prepare("exec-1");
        isolator.failNext("applyCpu");

        assertThatThrownBy(() -> isolator.applyCpu("exec-1", 1)).isInstanceOf(IsolatorException.class)
                .hasMessageContaining("injected failure: applyCpu exec-1 1");
        isolator.applyCpu("exec-1", 1);
        assertThat(isolator.read("exec-1").cpuMillis()).isEqualTo(1);
    }

    @Test
    void unpreparedContainersAndBadIdsAreRejected() throws Exception {
        assertThatThrownBy(() -> isolator.memoryUsage("exec-2")).isInstanceOf(IsolatorException.class);
        assertThatThrownBy(() -> isolator.prepare("..")).isInstanceOf(IllegalArgumentException.class);
        isolator.destroy("exec-2");
        assertThat(isolator.exists("exec-2")).isFalse();
    }
}
