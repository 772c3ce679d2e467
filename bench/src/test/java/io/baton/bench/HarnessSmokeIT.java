package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness runs end to end in smoke mode and reports every row; the figures themselves are not judged. */
class HarnessSmokeIT {
    @Test
    @Timeout(180)
    void smokeRunProducesTheTable() throws Exception {
        String report = Harness.run(true);
        System.out.println(report);
        assertThat(report).contains("| cores | ", "| memory | ", "| date | ");
        for (String d : new String[] {"PROCESS", "SYNC"}) {
            assertThat(report).contains("| total (timings.total_us) | " + d + " |",
                    "| drain (task's own stop) | " + d + " |",
                    "| launch (task's own start) | " + d + " |",
                    "| SDK overhead (total − drain − launch) | " + d + " |");
        }
        assertThat(report).contains("| shim round trip (framework STATE) |", "journal appends (PROCESS) |",
                "fsyncs (SYNC) |", "| overhead/floor ratio, PROCESS", "| fsyncs per replacement, SYNC |",
                "| throughput, one executor", "| heap per live task at 500 live tasks");
        assertThat(report).doesNotContain("| -1 |");
    }
}
