package io.baton.resources;

import io.baton.proto.Range;
import io.baton.proto.Resource;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A deliberately naive reference for the arithmetic: scalars as a long, ranges expanded to their
 * points, sets as a TreeSet, keyed by name and role. Only for small ranges (see
 * {@link ResourcesGenerators}). Read from {@link Resources#toProto()}.
 */
record ResourcesModel(Map<String, Object> values) {

    static ResourcesModel of(Resources r) {
        Map<String, Object> values = new HashMap<>();
        for (Resource p : r.toProto()) {
            String key = p.getName() + "(" + p.getRole() + ")";
            switch (p.getType()) {
                case SCALAR -> values.put(key, Math.round(p.getScalar().getValue() * 1000));
                case RANGES -> {
                    TreeSet<Long> points = new TreeSet<>();
                    for (Range range : p.getRanges().getRangeList()) {
                        for (long v = range.getBegin(); ; v++) {
                            points.add(v);
                            if (v == range.getEnd()) {
                                break;
                            }
                        }
                    }
                    values.put(key, points);
                }
                case SET -> values.put(key, new TreeSet<>(p.getSet().getItemList()));
                default -> throw new AssertionError(p);
            }
        }
        return new ResourcesModel(values);
    }

    ResourcesModel plus(ResourcesModel other) {
        Map<String, Object> out = copy();
        other.values.forEach((key, v) -> out.merge(key, v, (x, y) -> {
            if (x instanceof Long a) {
                return a + (Long) y;
            }
            TreeSet<Object> union = new TreeSet<>(asSet(x));
            union.addAll(asSet(y));
            return union;
        }));
        return new ResourcesModel(out);
    }

    ResourcesModel minus(ResourcesModel other) {
        Map<String, Object> out = copy();
        other.values.forEach((key, y) -> out.computeIfPresent(key, (k, x) -> {
            if (x instanceof Long a) {
                long left = a - (Long) y;
                return left > 0 ? left : null;
            }
            TreeSet<Object> rest = new TreeSet<>(asSet(x));
            rest.removeAll(asSet(y));
            return rest.isEmpty() ? null : rest;
        }));
        return new ResourcesModel(out);
    }

    boolean contains(ResourcesModel request) {
        for (Map.Entry<String, Object> e : request.values.entrySet()) {
            Object have = values.get(e.getKey());
            if (have == null) {
                return false;
            }
            boolean ok = have instanceof Long a ? a >= (Long) e.getValue() : asSet(have).containsAll(asSet(e.getValue()));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Object> copy() {
        return new HashMap<>(values);
    }

    @SuppressWarnings("unchecked")
    private static TreeSet<Object> asSet(Object o) {
        return (TreeSet<Object>) o;
    }
}
