package io.baton.resources;

import io.baton.proto.Range;
import io.baton.proto.Ranges;
import io.baton.proto.Resource;
import io.baton.proto.Scalar;
import io.baton.proto.ValueSet;
import io.baton.proto.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Conversion to and from {@code baton.Resource}, validated exactly like the text syntax. */
final class ResourceProtos {
    private ResourceProtos() {}

    static Entry[] fromProto(Iterable<Resource> resources) {
        Objects.requireNonNull(resources, "resources");
        EntryAccumulator acc = new EntryAccumulator();
        int index = 0;
        for (Resource r : resources) {
            if (r == null) {
                throw new IllegalArgumentException("Invalid resource: proto entry " + index + " is null");
            }
            add(acc, r, label(r, index));
            index++;
        }
        return acc.build();
    }

    private static String label(Resource r, int index) {
        String role = r.getRole();
        String shown = role.isEmpty() || role.equals("*") ? r.getName() : r.getName() + "(" + role + ")";
        return "'" + shown + "' (proto entry " + index + ")";
    }

    private static void add(EntryAccumulator acc, Resource r, String label) {
        ValueType type = r.getType();
        if (type == ValueType.UNRECOGNIZED) {
            throw Entry.invalid(label, "unknown value type number " + r.getTypeValue()
                    + "; expected SCALAR, RANGES or SET");
        }
        checkOnly(label, type, ValueType.SCALAR, r.hasScalar(), "scalar");
        checkOnly(label, type, ValueType.RANGES, r.hasRanges(), "ranges");
        checkOnly(label, type, ValueType.SET, r.hasSet(), "set");
        switch (type) {
            case SCALAR -> acc.scalar(label, r.getName(), r.getRole(),
                    FixedPoint.fromDouble(label, r.getScalar().getValue()));
            case RANGES -> {
                List<Range> list = r.getRanges().getRangeList();
                long[] pairs = new long[list.size() * 2];
                for (int i = 0; i < list.size(); i++) {
                    long begin = list.get(i).getBegin();
                    long end = list.get(i).getEnd();
                    // uint64 arrives as a signed long: anything above Long.MAX_VALUE reads as negative.
                    for (long bound : new long[] {begin, end}) {
                        if (bound < 0) {
                            throw Entry.invalid(label, "range bound " + Long.toUnsignedString(bound)
                                    + " is above the maximum " + Long.MAX_VALUE);
                        }
                    }
                    if (begin > end) {
                        throw Entry.invalid(label, "range " + begin + "-" + end
                                + " has begin > end; write low-high");
                    }
                    pairs[2 * i] = begin;
                    pairs[2 * i + 1] = end;
                }
                acc.ranges(label, r.getName(), r.getRole(), pairs, pairs.length);
            }
            case SET -> acc.set(label, r.getName(), r.getRole(), r.getSet().getItemList());
            default -> throw new AssertionError(type);
        }
    }

    /** The field of the declared type must be present, and no field of another type. */
    private static void checkOnly(String label, ValueType type, ValueType fieldType, boolean present, String field) {
        if (type == fieldType && !present) {
            throw Entry.invalid(label, "type is " + type + " but the " + field + " field is missing");
        }
        if (type != fieldType && present) {
            throw Entry.invalid(label, "type is " + type + " but a " + field + " field is set; set only the "
                    + type.name().toLowerCase(Locale.ROOT) + " field");
        }
    }

    static List<Resource> toProto(Entry[] entries) {
        List<Resource> out = new ArrayList<>(entries.length);
        for (Entry e : entries) {
            Resource.Builder b = Resource.newBuilder().setName(e.name).setRole(e.role);
            switch (e.kind) {
                case SCALAR -> b.setType(ValueType.SCALAR)
                        .setScalar(Scalar.newBuilder().setValue(FixedPoint.toDouble(e.millis)));
                case RANGES -> {
                    Ranges.Builder rb = Ranges.newBuilder();
                    for (int i = 0; i < e.ranges.length; i += 2) {
                        rb.addRange(Range.newBuilder().setBegin(e.ranges[i]).setEnd(e.ranges[i + 1]));
                    }
                    b.setType(ValueType.RANGES).setRanges(rb);
                }
                case SET -> b.setType(ValueType.SET)
                        .setSet(ValueSet.newBuilder().addAllItem(Arrays.asList(e.items)));
            }
            out.add(b.build());
        }
        return Collections.unmodifiableList(out);
    }
}
