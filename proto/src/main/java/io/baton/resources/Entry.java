package io.baton.resources;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * One non-empty resource of a {@link Resources}: a name, a role ({@code ""} = unreserved) and one
 * value of the entry's kind. Immutable; arrays are never handed out.
 */
final class Entry {
    enum Kind { SCALAR, RANGES, SET }

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_./-]+");

    final String name;
    final String role;
    final Kind kind;
    final long millis;
    final long[] ranges;
    final String[] items;

    private Entry(String name, String role, Kind kind, long millis, long[] ranges, String[] items) {
        this.name = name;
        this.role = role;
        this.kind = kind;
        this.millis = millis;
        this.ranges = ranges;
        this.items = items;
    }

    static Entry scalar(String name, String role, long millis) {
        return new Entry(name, role, Kind.SCALAR, millis, Intervals.EMPTY, ItemSets.EMPTY);
    }

    /** {@code ranges} must be normalized (see {@link Intervals}). */
    static Entry ranges(String name, String role, long[] ranges) {
        return new Entry(name, role, Kind.RANGES, 0, ranges, ItemSets.EMPTY);
    }

    /** {@code items} must be sorted and distinct. */
    static Entry set(String name, String role, String[] items) {
        return new Entry(name, role, Kind.SET, 0, Intervals.EMPTY, items);
    }

    static IllegalArgumentException invalid(String label, String why) {
        return new IllegalArgumentException("Invalid resource " + label + ": " + why);
    }

    static void checkName(String label, String name) {
        if (!named(name)) {
            throw invalid(label, "name '" + name + "' must be non-empty and use only A-Z a-z 0-9 _ . - /");
        }
    }

    /**
     * {@link #NAME} matched by hand: every resource parsed (each frame's tasks and pools, on the shim and in the
     * executor) checks its name, and a regex's matcher was a few per cent of both loops' allocations at full
     * throughput ({@code EntryNameTest} holds the two to the same answers).
     */
    static boolean named(String name) {
        int n = name.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                    || c == '/' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Orders by name, then role with unreserved ({@code ""}) first. */
    int compareKey(Entry other) {
        int c = name.compareTo(other.name);
        return c != 0 ? c : role.compareTo(other.role);
    }

    boolean isEmpty() {
        return switch (kind) {
            case SCALAR -> millis == 0;
            case RANGES -> ranges.length == 0;
            case SET -> items.length == 0;
        };
    }

    /** Same key and kind assumed. */
    Entry plus(Entry other) {
        return switch (kind) {
            case SCALAR -> scalar(name, role, FixedPoint.add("'" + label() + "'", millis, other.millis));
            case RANGES -> ranges(name, role, Intervals.union(ranges, other.ranges));
            case SET -> set(name, role, ItemSets.union(items, other.items));
        };
    }

    /** Same key and kind assumed; the result may be empty, never negative. */
    Entry minus(Entry other) {
        return switch (kind) {
            case SCALAR -> scalar(name, role, Math.max(0, millis - other.millis));
            case RANGES -> ranges(name, role, Intervals.difference(ranges, other.ranges));
            case SET -> set(name, role, ItemSets.difference(items, other.items));
        };
    }

    /** Same key and kind assumed. */
    boolean contains(Entry other) {
        return switch (kind) {
            case SCALAR -> millis >= other.millis;
            case RANGES -> Intervals.containsAll(ranges, other.ranges);
            case SET -> ItemSets.containsAll(items, other.items);
        };
    }

    /** {@code name} or {@code name(role)}. */
    String label() {
        return role.isEmpty() ? name : name + "(" + role + ")";
    }

    void appendTo(StringBuilder sb) {
        sb.append(name);
        if (!role.isEmpty()) {
            sb.append('(').append(role).append(')');
        }
        sb.append(':');
        switch (kind) {
            case SCALAR -> sb.append(FixedPoint.format(millis));
            case RANGES -> Intervals.appendTo(sb, ranges);
            case SET -> ItemSets.appendTo(sb, items);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Entry)) {
            return false;
        }
        Entry e = (Entry) o;
        return kind == e.kind && millis == e.millis && name.equals(e.name) && role.equals(e.role)
                && Arrays.equals(ranges, e.ranges) && Arrays.equals(items, e.items);
    }

    @Override
    public int hashCode() {
        int h = name.hashCode() * 31 + role.hashCode();
        h = h * 31 + kind.ordinal();
        h = h * 31 + Long.hashCode(millis);
        h = h * 31 + Arrays.hashCode(ranges);
        return h * 31 + Arrays.hashCode(items);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }
}
