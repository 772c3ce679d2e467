package io.baton.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.Range;
import io.baton.proto.Ranges;
import io.baton.proto.Resource;
import io.baton.proto.Scalar;
import io.baton.proto.ValueSet;
import io.baton.proto.ValueType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Conversion to and from {@code baton.Resource}. */
class ResourcesProtoTest {

    private static Resource scalar(String name, String role, double value) {
        return Resource.newBuilder().setName(name).setRole(role).setType(ValueType.SCALAR)
                .setScalar(Scalar.newBuilder().setValue(value)).build();
    }

    private static Resource ranges(String name, long... bounds) {
        Ranges.Builder rb = Ranges.newBuilder();
        for (int i = 0; i < bounds.length; i += 2) {
            rb.addRange(Range.newBuilder().setBegin(bounds[i]).setEnd(bounds[i + 1]));
        }
        return Resource.newBuilder().setName(name).setType(ValueType.RANGES).setRanges(rb).build();
    }

    private static Resource set(String name, String... items) {
        return Resource.newBuilder().setName(name).setType(ValueType.SET)
                .setSet(ValueSet.newBuilder().addAllItem(Arrays.asList(items))).build();
    }

    @Test
    void toProtoIsCanonical() {
        List<Resource> protos = Resources.parse("mem:1;cpus(web):1.5;ports:[5,1-2,3];disks:{b,a};cpus(*):0.25")
                .toProto();

        assertThat(protos).containsExactly(
                scalar("cpus", "", 0.25),
                scalar("cpus", "web", 1.5),
                set("disks", "a", "b"),
                scalar("mem", "", 1),
                ranges("ports", 1, 3, 5, 5));
        assertThatThrownBy(() -> protos.add(scalar("x", "", 1))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Resources.empty().toProto()).isEmpty();
    }

    @Test
    void fromProtoNormalizesLikeParse() {
        Resources r = Resources.fromProto(List.of(
                scalar("cpus", "*", 0.1),
                scalar("cpus", "", 0.2),
                scalar("mem", "web", 0),
                ranges("ports", 10, 12, 1, 3, 4, 4),
                set("disks", "b"),
                set("disks", "a"),
                ranges("empty")));

        assertThat(r).isEqualTo(Resources.parse("cpus:0.3;ports:[1-4,10-12];disks:{a,b}"));
        assertThat(Resources.fromProto(List.of())).isEqualTo(Resources.empty());
    }

    @Test
    void roundTripsThroughProto() {
        Resources r = Resources.parse(
                "cpus:0.001;cpus(web):123456789.123;mem:1024;ports:[0-1,9223372036854775800-9223372036854775807];"
                        + "disks:{a,b/c};gpus(x/y):{0,1}");

        assertThat(Resources.fromProto(r.toProto())).isEqualTo(r);
        assertThat(Resources.fromProto(r.toProto()).toProto()).isEqualTo(r.toProto());
    }

    @Test
    void fromProtoRejectsWhatParseRejectsNamingTheEntry() {
        assertInvalid(List.of(scalar("mem", "", 1), scalar("cpus", "web", -1)),
                "'cpus(web)'", "proto entry 1", "-1.0", "negative");
        assertInvalid(List.of(scalar("cpus", "", Double.NaN)), "cpus", "NaN");
        assertInvalid(List.of(scalar("cpus", "", Double.NEGATIVE_INFINITY)), "cpus", "-Infinity");
        assertInvalid(List.of(scalar("cpus", "", 0.0001)), "cpus", "1.0E-4", "rounds to zero");
        assertInvalid(List.of(scalar("cpus", "", 2e15)), "cpus", "2.0E15", "maximum");
        assertInvalid(List.of(ranges("ports", 5, 3)), "ports", "5-3", "begin > end");
        assertInvalid(List.of(ranges("ports", 1, -1L)), "ports", "18446744073709551615", "maximum");
        assertInvalid(List.of(set("disks", "a", "a")), "disks", "'a'", "more than once");
        assertInvalid(List.of(set("disks", "a"), set("disks", "a")), "disks", "proto entry 1", "more than once");
        assertInvalid(List.of(set("disks", "a", "")), "disks", "empty");
        assertInvalid(List.of(set("disks", " a")), "disks", "' a'", "whitespace");
        assertInvalid(List.of(set("disks", "a;b")), "disks", "'a;b'");
        assertInvalid(List.of(scalar("cpus", "", 1), ranges("cpus", 1, 2)), "cpus", "two types");
        assertInvalid(List.of(scalar("bad name", "", 1)), "'bad name'", "name");
        assertInvalid(List.of(scalar("", "", 1)), "proto entry 0", "name");
        assertInvalid(List.of(scalar("cpus", "we b", 1)), "cpus", "'we b'", "role");
    }

    @Test
    void fromProtoRejectsValuesThatDoNotMatchTheType() {
        assertInvalid(List.of(Resource.newBuilder().setName("cpus").setType(ValueType.SCALAR).build()),
                "cpus", "SCALAR", "missing");
        assertInvalid(List.of(Resource.newBuilder().setName("ports").setType(ValueType.RANGES).build()),
                "ports", "RANGES", "missing");
        assertInvalid(List.of(scalar("cpus", "", 1).toBuilder().setSet(ValueSet.newBuilder().addItem("a")).build()),
                "cpus", "SCALAR", "set field");
        assertInvalid(List.of(set("disks", "a").toBuilder().setScalar(Scalar.newBuilder().setValue(1)).build()),
                "disks", "SET", "scalar field");
        assertInvalid(List.of(scalar("cpus", "", 1).toBuilder().setTypeValue(7).build()), "cpus", "7", "type");
        assertInvalid(Arrays.asList(scalar("cpus", "", 1), null), "proto entry 1", "null");
    }

    private static void assertInvalid(Iterable<Resource> protos, String... fragments) {
        assertThatThrownBy(() -> Resources.fromProto(protos))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(fragments);
    }
}
