package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A refused subscription is retried every 5 s for as long as the shim refuses it: the executor logs each new reason
 * and the first three tries, then once a minute with how long it has lasted, not a line every 5 s for ever.
 */
class RefusedSubscriptionLogTest {
    private final DriverFixture f = new DriverFixture();

    private static List<String> refusals(List<Effect> out) {
        return out.stream().filter(Effect.Log.class::isInstance).map(Effect.Log.class::cast)
                .filter(l -> l.level() == Effect.Level.ERROR && l.message().contains("refused the subscription"))
                .map(Effect.Log::message).toList();
    }

    @Test
    void aRefusalThatGoesOnIsLoggedOnceAMinuteAndEachNewReasonAtOnce() {
        ExecutorDriver d = f.driver();
        d.step(new Input.Start(f.now));
        d.step(new Input.Connected(f.now));
        List<String> logged = new ArrayList<>();
        List<Integer> loggedAt = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            List<Effect> out = d.step(new Input.SubscribeRefused("OVER_TOTAL: too big", f.now));
            assertThat(out).as("every try is retried").anyMatch(e -> e instanceof Effect.Arm a
                    && a.key() instanceof TimerKey.Resubscribe);
            List<String> lines = refusals(out);
            if (!lines.isEmpty()) {
                logged.addAll(lines);
                loggedAt.add(i);
            }
            f.now += ExecutorDriver.RESUBSCRIBE_AFTER_US;
        }
        assertThat(loggedAt).containsExactly(1, 2, 3, 12, 24);
        assertThat(logged.get(0)).isEqualTo("executor e1: the shim refused the subscription: OVER_TOTAL: too big;"
                + " retrying in 5 s");
        assertThat(logged.get(1)).endsWith("retrying in 5 s (refused 2 times in a row over 5 s)");
        assertThat(logged.get(2)).endsWith("(refused 3 times in a row over 10 s; logged once a minute while it lasts)");
        assertThat(logged.get(4)).endsWith("(refused 24 times in a row over 115 s; logged once a minute while it lasts)");

        assertThat(refusals(d.step(new Input.SubscribeRefused("DUPLICATE_TASK: task t1 is reported twice", f.now))))
                .as("another reason, at once and counted from one").containsExactly("executor e1: the shim refused the"
                        + " subscription: DUPLICATE_TASK: task t1 is reported twice; retrying in 5 s");

        d.step(new Input.Subscribed("c1", f.now));
        d.step(new Input.Disconnected("the shim restarted", f.now));
        d.step(new Input.Connected(f.now));
        assertThat(refusals(d.step(new Input.SubscribeRefused("DUPLICATE_TASK: task t1 is reported twice", f.now))))
                .as("after a subscription, the same reason is a new refusal").singleElement().asString()
                .endsWith("retrying in 5 s");
    }
}
