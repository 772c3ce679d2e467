package io.baton.resources;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Algebraic laws of the arithmetic, and agreement with the naive {@link ResourcesModel}. */
class ResourcesPropertiesTest {

    @Provide
    Arbitrary<Resources> resources() {
        return ResourcesArbitraries.resources();
    }

    // ------------------------------------------------------------ against the reference model

    @Property
    void plusAgreesWithModel(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        assertThat(ResourcesModel.of(a.plus(b))).isEqualTo(ResourcesModel.of(a).plus(ResourcesModel.of(b)));
    }

    @Property
    void minusAgreesWithModel(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        assertThat(ResourcesModel.of(a.minus(b))).isEqualTo(ResourcesModel.of(a).minus(ResourcesModel.of(b)));
    }

    @Property
    void containsAgreesWithModel(@ForAll("resources") Resources a, @ForAll("resources") Resources x,
                                 @ForAll("resources") Resources y) {
        // Random pairs are rarely contained; a.minus(x) always is, and small additions to it may not be.
        Resources part = a.minus(x);
        Resources[] requests = {part, part.plus(y), part.plus(Resources.scalar("cpus", 0.001)), y};
        for (Resources b : requests) {
            assertThat(a.contains(b)).isEqualTo(ResourcesModel.of(a).contains(ResourcesModel.of(b)));
        }
    }

    @Property
    void resultsAreCanonical(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        for (Resources r : new Resources[] {a.plus(b), a.minus(b), b.minus(a)}) {
            Resources reparsed = Resources.parse(r.toString());
            assertThat(reparsed).isEqualTo(r).hasSameHashCodeAs(r);
            assertThat(reparsed.toString()).isEqualTo(r.toString());
        }
    }

    // ------------------------------------------------------------ laws

    @Property
    void plusThenMinusRestoresAWhenDisjoint(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        Resources disjoint = b.minus(a); // shares no range point or set item with a
        assertThat(a.plus(disjoint).minus(disjoint)).isEqualTo(a);
    }

    @Property
    void plusThenMinusInGeneral(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        Resources back = a.plus(b).minus(b);
        assertThat(back.contains(a.minus(b))).isTrue();
        assertThat(back.plus(b)).isEqualTo(a.plus(b));
        assertThat(a.minus(b).plus(b).contains(a)).isTrue();
    }

    @Property
    void containsIsReflexive(@ForAll("resources") Resources a) {
        assertThat(a.contains(a)).isTrue();
    }

    @Property
    void containsIsTransitive(@ForAll("resources") Resources a, @ForAll("resources") Resources x,
                              @ForAll("resources") Resources y) {
        Resources b = a.minus(x);
        Resources c = b.minus(y);
        assertThat(a.contains(b)).isTrue();
        assertThat(b.contains(c)).isTrue();
        assertThat(a.contains(c)).isTrue();
    }

    @Property
    void sumContainsBothParts(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        assertThat(a.plus(b).contains(a)).isTrue();
        assertThat(a.plus(b).contains(b)).isTrue();
    }

    @Property
    void differenceIsContained(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        assertThat(a.contains(a.minus(b))).isTrue();
    }

    @Property
    void containsMeansMinusThenPlusRestores(@ForAll("resources") Resources a, @ForAll("resources") Resources x) {
        Resources b = a.minus(x);
        assertThat(a.minus(b).plus(b)).isEqualTo(a);
    }

    @Property
    void plusIsCommutative(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        assertThat(a.plus(b)).isEqualTo(b.plus(a));
    }

    @Property
    void plusIsAssociative(@ForAll("resources") Resources a, @ForAll("resources") Resources b,
                           @ForAll("resources") Resources c) {
        assertThat(a.plus(b).plus(c)).isEqualTo(a.plus(b.plus(c)));
    }

    @Property
    void emptyIsIdentity(@ForAll("resources") Resources a) {
        Resources empty = Resources.empty();
        assertThat(a.plus(empty)).isEqualTo(a);
        assertThat(empty.plus(a)).isEqualTo(a);
        assertThat(a.minus(empty)).isEqualTo(a);
        assertThat(a.minus(a)).isEqualTo(empty);
        assertThat(empty.minus(a)).isEqualTo(empty);
        assertThat(a.contains(empty)).isTrue();
        assertThat(empty.contains(a)).isEqualTo(a.isEmpty());
    }

    // ------------------------------------------------------------ representations

    @Property
    void textRoundTrips(@ForAll("resources") Resources a) {
        assertThat(Resources.parse(a.toString())).isEqualTo(a);
    }

    @Property
    void protoRoundTrips(@ForAll("resources") Resources a) {
        assertThat(Resources.fromProto(a.toProto())).isEqualTo(a);
    }

    @Property
    void scalarMillisSumsEveryRole(@ForAll("resources") Resources a, @ForAll("resources") Resources b) {
        for (String name : ResourcesArbitraries.SCALAR_NAMES) {
            assertThat(a.plus(b).scalarMillis(name)).isEqualTo(a.scalarMillis(name) + b.scalarMillis(name));
        }
    }
}
