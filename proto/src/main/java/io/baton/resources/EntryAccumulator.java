package io.baton.resources;

import io.baton.resources.Entry.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Validates and merges the entries of one input (a text or a list of protobuf resources), so both
 * front ends accept exactly the same things. Each {@code label} names the input entry in errors.
 */
final class EntryAccumulator {
    private record Key(String name, String role) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = name.compareTo(o.name);
            return c != 0 ? c : role.compareTo(o.role);
        }
    }

    /** Everything seen so far for one key; only the fields of its kind are used. */
    private static final class Pending {
        final Kind kind;
        long millis;
        long[] raw = new long[8];
        int rawSize;
        final TreeSet<String> items = new TreeSet<>();

        Pending(Kind kind) {
            this.kind = kind;
        }
    }

    private final Map<String, Kind> kindByName = new HashMap<>();
    private final Map<Key, Pending> pending = new TreeMap<>();

    void scalar(String label, String name, String role, long millis) {
        Pending p = pending(label, name, role, Kind.SCALAR);
        p.millis = FixedPoint.add(label, p.millis, millis);
    }

    /** {@code pairs} are flat begin/end pairs, each already checked {@code 0 <= begin <= end}. */
    void ranges(String label, String name, String role, long[] pairs, int length) {
        Pending p = pending(label, name, role, Kind.RANGES);
        if (p.rawSize + length > p.raw.length) {
            p.raw = Arrays.copyOf(p.raw, Math.max(p.raw.length * 2, p.rawSize + length));
        }
        System.arraycopy(pairs, 0, p.raw, p.rawSize, length);
        p.rawSize += length;
    }

    void set(String label, String name, String role, List<String> items) {
        Pending p = pending(label, name, role, Kind.SET);
        for (String item : items) {
            checkItem(label, item);
            if (!p.items.add(item)) {
                throw Entry.invalid(label, "set item '" + item + "' appears more than once for "
                        + name + "; list each item once");
            }
        }
    }

    private Pending pending(String label, String name, String role, Kind kind) {
        Entry.checkName(label, name);
        String canonicalRole = RoleRules.canonical(label, role);
        Kind seen = kindByName.putIfAbsent(name, kind);
        if (seen != null && seen != kind) {
            throw Entry.invalid(label, "'" + name + "' is already a " + seen
                    + " resource in this input; one name cannot have two types");
        }
        return pending.computeIfAbsent(new Key(name, canonicalRole), k -> new Pending(kind));
    }

    /** Items must survive a text round trip: non-empty, no whitespace, none of {@code , ; { }}. */
    static void checkItem(String label, String item) {
        if (item.isEmpty()) {
            throw Entry.invalid(label, "set item is empty; write {a,b} without blank items");
        }
        for (int i = 0; i < item.length(); i++) {
            char c = item.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || ",;{}".indexOf(c) >= 0) {
                throw Entry.invalid(label, "set item '" + item
                        + "' contains whitespace or one of , ; { }, which the text syntax cannot carry");
            }
        }
    }

    /** Non-empty entries in canonical order. */
    Entry[] build() {
        List<Entry> out = new ArrayList<>(pending.size());
        for (Map.Entry<Key, Pending> e : pending.entrySet()) {
            String name = e.getKey().name;
            String role = e.getKey().role;
            Pending p = e.getValue();
            Entry entry = switch (p.kind) {
                case SCALAR -> Entry.scalar(name, role, p.millis);
                case RANGES -> Entry.ranges(name, role, Intervals.normalize(Arrays.copyOf(p.raw, p.rawSize)));
                case SET -> Entry.set(name, role, p.items.toArray(ItemSets.EMPTY));
            };
            if (!entry.isEmpty()) {
                out.add(entry);
            }
        }
        return out.toArray(new Entry[0]);
    }
}
