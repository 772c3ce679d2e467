package io.baton.sdk.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs last (surefire's alphabetical order, one JVM): every row of the transition table must have been
 * used by the scenario and property tests before it. An unexercised row is untested behaviour.
 */
class ZzTransitionCoverageTest {
    @Test
    void everyRowOfTheTableWasExercised() {
        long[] hits = Transitions.hits();
        List<String> unused = new ArrayList<>();
        for (Row r : Transitions.rows()) {
            if (hits[r.index()] == 0) {
                unused.add(r.from() + " on " + r.on().getSimpleName() + " (" + r.note() + ")");
            }
        }
        if (hits.length > 0 && java.util.Arrays.stream(hits).sum() == 0) {
            System.out.println("ZzTransitionCoverageTest: no other core test ran in this JVM; nothing to check");
            return;
        }
        assertThat(unused).as("transition rows no test exercised").isEmpty();
    }
}
