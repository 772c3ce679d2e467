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

    private static final long MS = 1_000_000;

    /**
     * A leg that began at 1 s: v1's kill hook entered {@code killAtMs} after it, v2 first answered at {@code v2AtMs}
     * (never when negative), with {@code failed} requests failed in between.
     */
    private static HttpDowntime.Scenario leg(String name, double killAtMs, double v2AtMs, int failed) {
        long start = 1_000 * MS;
        List<io.baton.samples.http.PacedLoad.Sample> samples = new java.util.ArrayList<>();
        samples.add(new io.baton.samples.http.PacedLoad.Sample(start - MS, MS / 2, false, true, "v1"));
        for (int i = 0; i < failed; i++) {
            samples.add(new io.baton.samples.http.PacedLoad.Sample(start + (long) (killAtMs * MS) + i, 1_000, true, false,
                    null));
        }
        if (v2AtMs >= 0) {
            samples.add(new io.baton.samples.http.PacedLoad.Sample(start + (long) (v2AtMs * MS) - MS / 2, MS / 2, false,
                    true, "v2"));
        }
        return new HttpDowntime.Scenario(name, "COMMITTED", null, start, start + 50 * MS, samples, List.of(), "v1", "v2",
                List.of(new TimedHttpExecutor.Mark("kill", "v1", start + (long) (killAtMs * MS), start + 20 * MS,
                        start + 19 * MS, List.of())), null);
    }

    @Test
    void betterIsFewerFailedAndAShorterGapFromV1sKillToV2sFirstAnswer() {
        HttpDowntime.Scenario killRelaunch = leg(HttpDowntime.KILL_RELAUNCH, 1, 14, 3);
        // its kill began 4 ms later (the replacement's work before it), v2 answered 1 ms later after the call, but
        // the gap is 10 ms against 13 and nothing failed
        HttpDowntime.Scenario handedOver = leg(STS, 5, 15, 0);
        assertThat(SideBySide.Gap.of(handedOver).gapNs()).isEqualTo(10 * MS);
        assertThat(SideBySide.Gap.of(killRelaunch).gapNs()).isEqualTo(13 * MS);
        assertThat(SideBySide.Run.better(handedOver, killRelaunch)).isTrue();
        assertThat(SideBySide.Run.verdict(handedOver, killRelaunch)).isEqualTo("yes");
        assertThat(SideBySide.Run.soonerAfterCall(handedOver, killRelaunch)).isFalse();
        assertThat(SideBySide.Gap.of(handedOver).outageNs()).as("nothing failed").isEqualTo(-1);

        assertThat(SideBySide.Run.verdict(leg(STS, 1, 15, 0), killRelaunch)).isEqualTo("no (fewer failed, longer gap)");
        assertThat(SideBySide.Run.verdict(leg(STS, 2, 14, 3), killRelaunch)).isEqualTo("no (not fewer failed, "
                + "shorter gap)");
        assertThat(SideBySide.Run.verdict(leg(STS, 2, -1, 0), killRelaunch)).isEqualTo("no (fewer failed, no answer "
                + "from v2)");
        assertThat(SideBySide.Run.better(leg(STS, 2, 15, 0), leg(HttpDowntime.KILL_RELAUNCH, 1, -1, 9)))
                .as("kill-then-relaunch's v2 never answered").isTrue();
    }

    private static HttpDowntime.Scenario scenario(String name) {
        return new HttpDowntime.Scenario(name, "COMMITTED", null, 0, 1, List.of(), List.of(), "v1", "v2", List.of(),
                null);
    }
}
