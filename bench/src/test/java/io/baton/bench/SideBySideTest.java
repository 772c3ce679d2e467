package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ReplaceStrategy;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The HTTP section's side-by-side runs: the orders of their three legs, and each leg found by its name. */
class SideBySideTest {
    private static final String STS = ReplaceStrategy.STOP_THEN_START.name();

    @Test
    void sixRunsTakeEveryOrderOnceAndEachPairIsBalancedEarly() {
        Set<List<String>> seen = new HashSet<>();
        for (int run = 1; run <= 6; run++) {
            List<String> order = HttpDowntime.order(run);
            assertThat(order).containsExactlyInAnyOrder(STS, HttpDowntime.KILL_RELAUNCH, HttpDowntime.STS_PROCESS);
            seen.add(order);
        }
        assertThat(seen).hasSize(6);
        assertThat(HttpDowntime.order(7)).isEqualTo(HttpDowntime.order(1));
        for (int runs : new int[] {2, 3, 5, 6}) {
            for (String replaced : List.of(STS, HttpDowntime.STS_PROCESS)) {
                int before = 0;
                for (int run = 1; run <= runs; run++) {
                    List<String> order = HttpDowntime.order(run);
                    before += order.indexOf(replaced) < order.indexOf(HttpDowntime.KILL_RELAUNCH) ? 1 : 0;
                }
                assertThat(before).as(replaced + " before kill-then-relaunch in the first " + runs + " runs")
                        .isBetween(runs / 2, (runs + 1) / 2);
            }
        }
    }

    @Test
    void aRunListsItsScenariosInTheOrderTheyRan() {
        HttpDowntime.Scenario s = scenario(STS);
        HttpDowntime.Scenario k = scenario(HttpDowntime.KILL_RELAUNCH);
        HttpDowntime.Scenario p = scenario(HttpDowntime.STS_PROCESS);
        for (int run = 1; run <= 6; run++) {
            SideBySide.Run r = new SideBySide.Run(run, HttpDowntime.order(run), s, k, p);
            assertThat(r.inOrder().stream().map(HttpDowntime.Scenario::name).toList()).isEqualTo(HttpDowntime.order(run));
            assertThat(r.orderText()).isEqualTo(String.join(" → ", HttpDowntime.order(run)));
        }
    }

    private static HttpDowntime.Scenario scenario(String name) {
        return new HttpDowntime.Scenario(name, "COMMITTED", null, 0, 1, List.of(), List.of(), "v1", "v2", List.of(),
                null);
    }
}
