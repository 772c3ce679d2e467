package io.baton.resources;

import static io.baton.resources.ResourcesGenerators.resources;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;

/**
 * Algebraic laws of the arithmetic, and agreement with the naive {@link ResourcesModel}: 1,000 random
 * cases per property (QuickTheories). A failure prints the smallest failing values and the seed; replay
 * it with {@code -Dtest=ResourcesPropertiesTest#name -DQT_SEED=<seed>}.
 */
class ResourcesPropertiesTest {
    static final int CASES = 1000;

    private static QuickTheory cases() {
        return qt().withExamples(CASES);
    }

    // ------------------------------------------------------------ against the reference model

    @Test
    void plusAgreesWithModel() {
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
            assertThat(ResourcesModel.of(a.plus(b))).isEqualTo(ResourcesModel.of(a).plus(ResourcesModel.of(b)));
        });
    }

    @Test
    void minusAgreesWithModel() {
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
            assertThat(ResourcesModel.of(a.minus(b))).isEqualTo(ResourcesModel.of(a).minus(ResourcesModel.of(b)));
        });
    }

    @Test
    void containsAgreesWithModel() {
        cases().forAll(resources(), resources(), resources()).checkAssert((a, x, y) -> {
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
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
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
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
            Resources disjoint = b.minus(a); // shares no range point or set item with a
            assertThat(a.plus(disjoint).minus(disjoint)).isEqualTo(a);
        });
    }

    @Test
    void plusThenMinusInGeneral() {
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
            Resources back = a.plus(b).minus(b);
            assertThat(back.contains(a.minus(b))).isTrue();
            assertThat(back.plus(b)).isEqualTo(a.plus(b));
            assertThat(a.minus(b).plus(b).contains(a)).isTrue();
        });
    }

    @Test
    void containsIsReflexive() {
        cases().forAll(resources()).checkAssert(a -> {
            assertThat(a.contains(a)).isTrue();
        });
    }

    @Test
    void containsIsTransitive() {
        cases().forAll(resources(), resources(), resources()).checkAssert((a, x, y) -> {
            Resources b = a.minus(x);
            Resources c = b.minus(y);
            assertThat(a.contains(b)).isTrue();
            assertThat(b.contains(c)).isTrue();
            assertThat(a.contains(c)).isTrue();
        });
    }

    @Test
    void sumContainsBothParts() {
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
            assertThat(a.plus(b).contains(a)).isTrue();
            assertThat(a.plus(b).contains(b)).isTrue();
        });
    }

    @Test
    void differenceIsContained() {
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
            assertThat(a.contains(a.minus(b))).isTrue();
        });
    }

    @Test
    void containsMeansMinusThenPlusRestores() {
        cases().forAll(resources(), resources()).checkAssert((a, x) -> {
            Resources b = a.minus(x);
            assertThat(a.minus(b).plus(b)).isEqualTo(a);
        });
    }

    @Test
    void plusIsCommutative() {
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
            assertThat(a.plus(b)).isEqualTo(b.plus(a));
        });
    }

    @Test
    void plusIsAssociative() {
        cases().forAll(resources(), resources(), resources()).checkAssert((a, b, c) -> {
            assertThat(a.plus(b).plus(c)).isEqualTo(a.plus(b.plus(c)));
        });
    }

    @Test
    void emptyIsIdentity() {
        cases().forAll(resources()).checkAssert(a -> {
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
        cases().forAll(resources()).checkAssert(a -> {
            assertThat(Resources.parse(a.toString())).isEqualTo(a);
        });
    }

    @Test
    void protoRoundTrips() {
        cases().forAll(resources()).checkAssert(a -> {
            assertThat(Resources.fromProto(a.toProto())).isEqualTo(a);
        });
    }

    @Test
    void scalarMillisSumsEveryRole() {
        cases().forAll(resources(), resources()).checkAssert((a, b) -> {
            for (String name : ResourcesGenerators.SCALAR_NAMES) {
                assertThat(a.plus(b).scalarMillis(name)).isEqualTo(a.scalarMillis(name) + b.scalarMillis(name));
            }
        });
    }
}
