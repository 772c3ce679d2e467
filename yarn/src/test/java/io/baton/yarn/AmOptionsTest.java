package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.resources.Resources;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The AM's options: the tracking URL is the live view when a web port is given, and bad ports are named. */
class AmOptionsTest {
    private static AmOptions options(int web) {
        return new AmOptions(Path.of("/tmp/am"), "file:///tmp/staging", Resources.parse("cpus:1;mem:64"), "0.0.0.0",
                "am.example", 7001, 7002, 100, 5_000, web);
    }

    @Test
    void theTrackingUrlIsTheLiveViewOrNone() {
        assertThat(options(7003).trackingUrl()).isEqualTo("http://am.example:7003/");
        assertThat(options(0).trackingUrl()).isEmpty();
        assertThat(options(0).withWebPort(8088).trackingUrl()).isEqualTo("http://am.example:8088/");
    }

    @Test
    void aWebPortThatIsTakenOrOutOfRangeIsRefusedWithTheNumbers() {
        assertThatThrownBy(() -> options(7001)).hasMessage("the web port must differ from the framework and executor "
                + "ports (7001, 7002), got 7001");
        assertThatThrownBy(() -> options(70_000)).hasMessage("the AM's web port must be 1-65535, got 70000");
    }
}
