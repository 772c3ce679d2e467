package io.baton.resources;

import io.baton.proto.Range;
import io.baton.proto.Ranges;
import io.baton.proto.Resource;
import io.baton.proto.Scalar;
import io.baton.proto.ValueSet;
import io.baton.proto.ValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Valid {@link Resources} built from protobuf entries (so generation does not lean on the text
 * parser). Each name keeps one type, as a real agent's resources do; range bounds stay in two
 * narrow windows, one at 0 and one ending at {@link Long#MAX_VALUE}, so ranges overlap often, edge
 * arithmetic is exercised, and {@link ResourcesModel} can expand them to points.
 */
final class ResourcesArbitraries {
    static final List<String> SCALAR_NAMES = List.of("cpus", "mem", "disk");
    static final List<String> RANGE_NAMES = List.of("ports", "ephemeral_ports");
    static final List<String> SET_NAMES = List.of("disks", "gpus");
    static final int WINDOW = 300;

    private static final long TOP_WINDOW = Long.MAX_VALUE - WINDOW;

    private ResourcesArbitraries() {}

    static Arbitrary<Resources> resources() {
        Arbitrary<Resource> entry = Arbitraries.frequencyOf(
                Tuple.of(3, scalarEntry()), Tuple.of(2, rangesEntry()), Tuple.of(2, setEntry()));
        return entry.list().ofMaxSize(10).map(ResourcesArbitraries::build);
    }

    /** Scalars and ranges may repeat a key (they merge); set entries may not overlap, so keep the first. */
    private static Resources build(List<Resource> entries) {
        Set<String> setKeys = new HashSet<>();
        List<Resource> kept = new ArrayList<>();
        for (Resource r : entries) {
            String role = r.getRole().equals("*") ? "" : r.getRole();
            if (r.getType() != ValueType.SET || setKeys.add(r.getName() + "(" + role + ")")) {
                kept.add(r);
            }
        }
        return Resources.fromProto(kept);
    }

    /** Unreserved appears both as "" and "*". */
    private static Arbitrary<String> roles() {
        return Arbitraries.of("", "*", "web", "db/primary");
    }

    private static Arbitrary<Long> millis() {
        return Arbitraries.oneOf(
                Arbitraries.longs().between(1, 3_000),
                Arbitraries.longs().between(1, 1_000_000_000_000L));
    }

    private static Arbitrary<Resource> scalarEntry() {
        return Combinators.combine(Arbitraries.of(SCALAR_NAMES), roles(), millis())
                .as((name, role, millis) -> Resource.newBuilder()
                        .setName(name).setRole(role).setType(ValueType.SCALAR)
                        .setScalar(Scalar.newBuilder().setValue(millis / 1000.0))
                        .build());
    }

    private static Arbitrary<Range> range() {
        return Combinators.combine(
                        Arbitraries.of(0L, TOP_WINDOW),
                        Arbitraries.longs().between(0, WINDOW),
                        Arbitraries.longs().between(0, 40))
                .as((base, offset, length) -> Range.newBuilder()
                        .setBegin(base + offset)
                        .setEnd(base + Math.min(WINDOW, offset + length))
                        .build());
    }

    private static Arbitrary<Resource> rangesEntry() {
        return Combinators.combine(Arbitraries.of(RANGE_NAMES), roles(), range().list().ofMaxSize(6))
                .as((name, role, ranges) -> Resource.newBuilder()
                        .setName(name).setRole(role).setType(ValueType.RANGES)
                        .setRanges(Ranges.newBuilder().addAllRange(ranges))
                        .build());
    }

    private static Arbitrary<Resource> setEntry() {
        Arbitrary<Set<String>> items = Arbitraries.of("a", "b", "c", "d", "sda1", "x/y:0").set().ofMaxSize(4);
        return Combinators.combine(Arbitraries.of(SET_NAMES), roles(), items)
                .as((name, role, set) -> Resource.newBuilder()
                        .setName(name).setRole(role).setType(ValueType.SET)
                        .setSet(ValueSet.newBuilder().addAllItem(set))
                        .build());
    }
}
