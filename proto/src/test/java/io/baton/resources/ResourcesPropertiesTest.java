package io.baton.resources;

import static io.baton.resources.ResourcesGenerators.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.quicktheories.api.TriConsumer;

/**
 * Algebraic laws of the arithmetic, and agreement with the naive {@link ResourcesModel}: 1,000 random
 * cases per property (QuickTheories). A failure prints the smallest failing values and the seed; replay
 * it with {@code -Dtest=ResourcesPropertiesTest#name -DQT_SEED=<seed>}.
 */
class ResourcesPropertiesTest {
    static final int CASES = 1000;
    /** QuickTheories skips a generated case equal to one it already ran; the margin keeps CASES checked. */
    static final int EXAMPLES = CASES + CASES / 10;

    private String property;
    private int checked;

    @BeforeEach
    void name(TestInfo test) {
        property = test.getTestMethod().orElseThrow().getName();
    }

    private void forAll(Consumer<Resources> property) {
        qt().withExamples(EXAMPLES).forAll(resources()).checkAssert(a -> {
            property.accept(a);
            checked++;
        });
        checkedEnoughCases();
    }

    private void forAll(BiConsumer<Resources, Resources> property) {
        qt().withExamples(EXAMPLES).forAll(resources(), resources()).checkAssert((a, b) -> {
            property.accept(a, b);
            checked++;
        });
        checkedEnoughCases();
    }

    private void forAll(TriConsumer<Resources, Resources, Resources> property) {
        qt().withExamples(EXAMPLES).forAll(resources(), resources(), resources()).checkAssert((a, b, c) -> {
            property.accept(a, b, c);
            checked++;
        });
        checkedEnoughCases();
    }

    private void checkedEnoughCases() {
        System.out.println("ResourcesPropertiesTest." + property + ": " + checked + " cases");
        assertThat(checked).as("distinct cases checked").isGreaterThanOrEqualTo(CASES);
    }

    // ------------------------------------------------------------ against the reference model

    @Test
    void plusAgreesWithModel() {
        forAll((a, b) -> {
            assertThat(ResourcesModel.of(a.plus(b))).isEqualTo(ResourcesModel.of(a).plus(ResourcesModel.of(b)));
        });
    }

    @Test
    void minusAgreesWithModel() {
        forAll((a, b) -> {
            assertThat(ResourcesModel.of(a.minus(b))).isEqualTo(ResourcesModel.of(a).minus(ResourcesModel.of(b)));
        });
    }

    @Test
    void containsAgreesWithModel() {
        forAll((a, x, y) -> {
            // Random pairs are rarely contained; a.minus(x) always is, and small additions to it may not be.
            Resources part = a.minus(x);
            Resources[] requests = {part, part.plus(y), part.plus(Resources.scalar("cpus", 0.001)), y};
            for (Resources b : requests) {
                assertThat(a.contains(b)).isEqualTo(ResourcesModel.of(a).contains(ResourcesModel.of(b)));
            }
        });
    }

    @Test
    void resultsAreCanonical() {
        forAll((a, b) -> {
            for (Resources r : new Resources[] {a.plus(b), a.minus(b), b.minus(a)}) {
                Resources reparsed = Resources.parse(r.toString());
                assertThat(reparsed).isEqualTo(r).hasSameHashCodeAs(r);
                assertThat(reparsed.toString()).isEqualTo(r.toString());
            }
        });
    }

    // ------------------------------------------------------------ laws

    @Test
    void plusThenMinusRestoresAWhenDisjoint() {
        forAll((a, b) -> {
            Resources disjoint = b.minus(a); // shares no range point or set item with a
            assertThat(a.plus(disjoint).minus(disjoint)).isEqualTo(a);
        });
    }

    @Test
    void plusThenMinusInGeneral() {
        forAll((a, b) -> {
            Resources back = a.plus(b).minus(b);
            assertThat(back.contains(a.minus(b))).isTrue();
            assertThat(back.plus(b)).isEqualTo(a.plus(b));
            assertThat(a.minus(b).plus(b).contains(a)).isTrue();
        });
    }

    @Test
    void containsIsReflexive() {
        forAll(a -> {
            assertThat(a.contains(a)).isTrue();
        });
    }

    @Test
    void containsIsTransitive() {
        forAll((a, x, y) -> {
            Resources b = a.minus(x);
            Resources c = b.minus(y);
            assertThat(a.contains(b)).isTrue();
            assertThat(b.contains(c)).isTrue();
            assertThat(a.contains(c)).isTrue();
        });
    }

    @Test
    void sumContainsBothParts() {
        forAll((a, b) -> {
            assertThat(a.plus(b).contains(a)).isTrue();
            assertThat(a.plus(b).contains(b)).isTrue();
        });
    }

    @Test
    void differenceIsContained() {
        forAll((a, b) -> {
            assertThat(a.contains(a.minus(b))).isTrue();
        });
    }

    @Test
    void containsMeansMinusThenPlusRestores() {
        forAll((a, x) -> {
            Resources b = a.minus(x);
            assertThat(a.minus(b).plus(b)).isEqualTo(a);
        });
    }

    @Test
    void plusIsCommutative() {
        forAll((a, b) -> {
            assertThat(a.plus(b)).isEqualTo(b.plus(a));
        });
    }

    @Test
    void plusIsAssociative() {
        forAll((a, b, c) -> {
            assertThat(a.plus(b).plus(c)).isEqualTo(a.plus(b.plus(c)));
        });
    }

    @Test
    void emptyIsIdentity() {
        forAll(a -> {
            Resources empty = Resources.empty();
            assertThat(a.plus(empty)).isEqualTo(a);
            assertThat(empty.plus(a)).isEqualTo(a);
            assertThat(a.minus(empty)).isEqualTo(a);
            assertThat(a.minus(a)).isEqualTo(empty);
            assertThat(empty.minus(a)).isEqualTo(empty);
            assertThat(a.contains(empty)).isTrue();
            assertThat(empty.contains(a)).isEqualTo(a.isEmpty());
        });
    }

    // ------------------------------------------------------------ representations

    @Test
    void textRoundTrips() {
        forAll(a -> {
            assertThat(Resources.parse(a.toString())).isEqualTo(a);
        });
    }

    @Test
    void protoRoundTrips() {
        forAll(a -> {
            assertThat(Resources.fromProto(a.toProto())).isEqualTo(a);
        });
    }

    @Test
    void scalarMillisSumsEveryRole() {
        forAll((a, b) -> {
            for (String name : ResourcesGenerators.SCALAR_NAMES) {
                assertThat(a.plus(b).scalarMillis(name)).isEqualTo(a.scalarMillis(name) + b.scalarMillis(name));
            }
        });
    }
}
