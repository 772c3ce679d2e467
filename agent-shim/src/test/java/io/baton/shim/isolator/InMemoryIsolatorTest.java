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
    void aPidIsInOneContainerAtATime() throws Exception {
        isolator.prepare("exec-1");
        isolator.prepare("exec-2");
        isolator.attach("exec-1", 42);
        isolator.attach("exec-1", 43);
        isolator.attach("exec-2", 42); // moved: out of exec-1

        assertThat(isolator.pids("exec-1")).containsExactly(43L);
        assertThat(isolator.pids("exec-2")).containsExactly(42L);

        isolator.destroy("exec-2");
        isolator.prepare("exec-3");
        isolator.attach("exec-3", 42); // its old container is gone: nothing else changes
        isolator.attach("exec-3", 43);
        assertThat(isolator.pids("exec-1")).isEmpty();
        assertThat(isolator.pids("exec-3")).containsExactlyInAnyOrder(42L, 43L);
    }

    @Test
    void remembersOnlyTheLatestCalls() throws Exception {
        isolator.prepare("exec-1");
        for (int i = 1; i <= InMemoryIsolator.RECORDED_CALLS + 5; i++) {
            isolator.applyCpu("exec-1", i);
        }

        assertThat(isolator.calls()).hasSize(InMemoryIsolator.RECORDED_CALLS)
                .startsWith("applyCpu exec-1 6").endsWith("applyCpu exec-1 " + (InMemoryIsolator.RECORDED_CALLS + 5));
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
