package io.baton.resources;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.baton.proto.Range;
import io.baton.proto.Ranges;
import io.baton.proto.Resource;
import io.baton.proto.Scalar;
import io.baton.proto.ValueSet;
import io.baton.proto.ValueType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Valid {@link Resources} built from protobuf entries (so generation does not lean on the text
 * parser), as QuickTheories generators. Each name keeps one type, as a real agent's resources do;
 * range bounds stay in two narrow windows, one at 0 and one ending at {@link Long#MAX_VALUE}, so
 * ranges overlap often, edge arithmetic is exercised, and {@link ResourcesModel} can expand them to
 * points.
 */
final class ResourcesGenerators {
    static final List<String> SCALAR_NAMES = List.of("cpus", "mem", "disk");
    static final List<String> RANGE_NAMES = List.of("ports", "ephemeral_ports");
    static final List<String> SET_NAMES = List.of("disks", "gpus");
    static final List<String> SET_ITEMS = List.of("a", "b", "c", "d", "sda1", "x/y:0");
    static final int WINDOW = 300;

    private static final long TOP_WINDOW = Long.MAX_VALUE - WINDOW;

    private ResourcesGenerators() {}

    /** Failing cases print in the text form, which {@link Resources#parse} reads back. */
    static Gen<Resources> resources() {
        Gen<Resource> entry = Generate.frequency(
                Pair.of(3, scalarEntry()), Pair.of(2, rangesEntry()), Pair.of(2, setEntry()));
        return lists().of(entry).ofSizeBetween(0, 10).map(ResourcesGenerators::build)
                .describedAs(r -> "'" + r + "'");
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
    private static Gen<String> roles() {
        return arbitrary().pick("", "*", "web", "db/primary");
    }

    private static Gen<Long> millis() {
        return Generate.oneOf(longs().between(1, 3_000), longs().between(1, 1_000_000_000_000L));
    }

    private static Gen<Resource> scalarEntry() {
        return arbitrary().pick(SCALAR_NAMES).zip(roles(), millis(), (name, role, millis) -> Resource.newBuilder()
                .setName(name).setRole(role).setType(ValueType.SCALAR)
                .setScalar(Scalar.newBuilder().setValue(millis / 1000.0))
                .build());
    }

    private static Gen<Range> range() {
        return arbitrary().pick(0L, TOP_WINDOW).zip(longs().between(0, WINDOW), longs().between(0, 40),
                (base, offset, length) -> Range.newBuilder()
                        .setBegin(base + offset)
                        .setEnd(base + Math.min(WINDOW, offset + length))
                        .build());
    }

    private static Gen<Resource> rangesEntry() {
        return arbitrary().pick(RANGE_NAMES).zip(roles(), lists().of(range()).ofSizeBetween(0, 6),
                (name, role, ranges) -> Resource.newBuilder()
                        .setName(name).setRole(role).setType(ValueType.RANGES)
                        .setRanges(Ranges.newBuilder().addAllRange(ranges))
                        .build());
    }

    private static Gen<Resource> setEntry() {
        // up to four distinct items: a bit mask over the six candidates, at most four bits kept
        Gen<Set<String>> items = integers().between(0, (1 << SET_ITEMS.size()) - 1).map(mask -> {
            Set<String> set = new LinkedHashSet<>();
            for (int i = 0; i < SET_ITEMS.size() && set.size() < 4; i++) {
                if ((mask & (1 << i)) != 0) {
                    set.add(SET_ITEMS.get(i));
                }
            }
            return set;
        });
        return arbitrary().pick(SET_NAMES).zip(roles(), items, (name, role, set) -> Resource.newBuilder()
                .setName(name).setRole(role).setType(ValueType.SET)
                .setSet(ValueSet.newBuilder().addAllItem(set))
                .build());
    }
}
