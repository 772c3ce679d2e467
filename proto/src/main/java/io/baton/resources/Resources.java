package io.baton.resources;

import io.baton.proto.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A bag of named resources with Apache Mesos semantics: scalars ({@code cpus:1.5}), ranges
 * ({@code ports:[31000-31999]}) and sets ({@code disks:{sda1,sda2}}), each unreserved or reserved
 * for a role ({@code cpus(web):1}).
 *
 * <pre>{@code
 * Resources offer = Resources.parse("cpus:4;mem:4096;ports:[31000-31999]");
 * Resources task = Resources.parse("cpus:1.5;mem:1024;ports:[31000-31001]");
 * if (offer.contains(task)) {
 *     Resources left = offer.minus(task); // cpus:2.5;mem:3072;ports:[31002-31999]
 * }
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Entries are keyed by name, type and role. Role {@code *}, or no role (no parentheses in
 *       text, an empty role in protobuf), means unreserved; reserved and unreserved amounts never
 *       substitute for each other. One name has one type (scalar, ranges or set) throughout a value.
 *   <li>Roles follow Apache Mesos 1.11 ({@code mesos::roles::validate}): a role is one or more
 *       components joined by {@code /} (hierarchical, e.g. {@code cpus(eng/web):1}); it must not be
 *       empty (so {@code cpus():1} is refused), start or end with {@code /}, or contain {@code //};
 *       no component may be {@code .}, {@code ..} or {@code *}, start with {@code -}, or contain
 *       whitespace or DEL. Baton also keeps roles to {@code A-Z a-z 0-9 _ . - /} so every value
 *       prints as parseable text. A refused role is named in the message with the rule it breaks.
 *   <li>Scalars are fixed point with 3 decimals (rounded half away from zero), so
 *       {@code 0.1 + 0.2 == 0.3}. Negative, NaN, infinite, above 1e15, and non-zero values that
 *       round to zero are rejected. Empty entries (zero, {@code []}, <code>{}</code>) vanish.
 *   <li>Ranges are inclusive and coalesced when overlapping or adjacent; sets hold distinct items.
 *   <li>{@link #minus} never goes negative: an entry that would is removed, and subtracting
 *       something absent changes nothing.
 * </ul>
 *
 * <p>Invalid input throws {@link IllegalArgumentException} naming the entry and the bad value.
 *
 * <p>Threading: instances are immutable and safe to share between threads without locking.
 */
public final class Resources {
    private static final Resources EMPTY = new Resources(new Entry[0]);
    private static final long BYTES_PER_MB = 1024L * 1024L;

    /** Sorted by name then role ({@code ""} first); none empty; one kind per name. */
    private final Entry[] entries;
    private int hash; // cached; a benign race like String.hash

    private Resources(Entry[] entries) {
        this.entries = entries;
    }

    private static Resources of(Entry[] entries) {
        return entries.length == 0 ? EMPTY : new Resources(entries);
    }

    /** No resources. */
    public static Resources empty() {
        return EMPTY;
    }

    /**
     * Parses the Mesos text syntax, e.g. {@code cpus:2;mem:1024;ports:[31000-31999];disks:{a,b}}.
     * {@code ""} and <code>"{}"</code> give {@link #empty()}.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Resources parse(String text) {
        Objects.requireNonNull(text, "text");
        return of(ResourceText.parse(text));
    }

    /**
     * Builds a value from protobuf resources, validated exactly like {@link #parse}.
     *
     * @throws IllegalArgumentException naming the bad entry and its position
     */
    public static Resources fromProto(Iterable<Resource> resources) {
        return of(ResourceProtos.fromProto(resources));
    }

    /** One unreserved scalar, e.g. {@code scalar("cpus", 0.5)}; zero gives {@link #empty()}. */
    public static Resources scalar(String name, double value) {
        Objects.requireNonNull(name, "name");
        String label = "'" + name + "'";
        Entry.checkName(label, name);
        long millis = FixedPoint.fromDouble(label, value);
        return millis == 0 ? EMPTY : new Resources(new Entry[] {Entry.scalar(name, "", millis)});
    }

    /** Unreserved {@code cpus} and {@code mem} (in MB, as in Mesos). */
    public static Resources ofCpusMem(double cpus, double memMb) {
        return scalar("cpus", cpus).plus(scalar("mem", memMb));
    }

    /** In canonical order; unreserved entries have an empty role. The list is unmodifiable. */
    public List<Resource> toProto() {
        return ResourceProtos.toProto(entries);
    }

    public boolean isEmpty() {
        return entries.length == 0;
    }

    /**
     * True when every entry of {@code request} is matched by an entry of this value with the same
     * name, type and role: a scalar at least as large, ranges each inside one of ours, a superset.
     * An empty request is always contained.
     */
    public boolean contains(Resources request) {
        Entry[] want = request.entries;
        int i = 0;
        for (Entry w : want) {
            while (i < entries.length && entries[i].compareKey(w) < 0) {
                i++;
            }
            if (i >= entries.length || entries[i].compareKey(w) != 0) {
                return false;
            }
            Entry have = entries[i];
            if (have.kind != w.kind || !have.contains(w)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sum: scalars add, ranges and sets unite.
     *
     * @throws IllegalArgumentException when a name has different types in the two values, or a
     *     scalar sum passes 1e15
     */
    public Resources plus(Resources other) {
        if (other.entries.length == 0) {
            return this;
        }
        if (entries.length == 0) {
            return other;
        }
        Entry[] a = entries;
        Entry[] b = other.entries;
        List<Entry> out = new ArrayList<>(a.length + b.length);
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            int c = i >= a.length ? 1 : j >= b.length ? -1 : a[i].compareKey(b[j]);
            if (c < 0) {
                out.add(a[i++]);
            } else if (c > 0) {
                out.add(b[j++]);
            } else {
                checkSameKind(a[i], b[j]);
                out.add(a[i++].plus(b[j++]));
            }
        }
        for (int k = 1; k < out.size(); k++) {
            if (out.get(k - 1).name.equals(out.get(k).name)) {
                checkSameKind(out.get(k - 1), out.get(k));
            }
        }
        return new Resources(out.toArray(new Entry[0]));
    }

    private static void checkSameKind(Entry x, Entry y) {
        if (x.kind != y.kind) {
            throw new IllegalArgumentException("Cannot add resources: '" + x.label() + "' is " + x.kind
                    + " but '" + y.label() + "' is " + y.kind + "; one name cannot have two types");
        }
    }

    /**
     * Difference per name, type and role: scalars subtract (an entry reaching zero or below is
     * removed), ranges are cut, sets lose items. Entries of {@code other} absent here, or of
     * another type, are ignored.
     */
    public Resources minus(Resources other) {
        if (other.entries.length == 0 || entries.length == 0) {
            return this;
        }
        Entry[] b = other.entries;
        List<Entry> out = new ArrayList<>(entries.length);
        int j = 0;
        for (Entry e : entries) {
            while (j < b.length && b[j].compareKey(e) < 0) {
                j++;
            }
            if (j < b.length && b[j].compareKey(e) == 0 && b[j].kind == e.kind) {
                Entry rest = e.minus(b[j]);
                if (!rest.isEmpty()) {
                    out.add(rest);
                }
            } else {
                out.add(e);
            }
        }
        return of(out.toArray(new Entry[0]));
    }

    /** Sum of scalar {@code name} over all roles, in thousandths; 0 if absent. Saturates. */
    public long scalarMillis(String name) {
        long sum = 0;
        for (Entry e : entries) {
            if (e.kind == Entry.Kind.SCALAR && e.name.equals(name)) {
                sum = sum > Long.MAX_VALUE - e.millis ? Long.MAX_VALUE : sum + e.millis;
            }
        }
        return sum;
    }

    /** {@link #scalarMillis} as a double, e.g. {@code 1.5}. */
    public double scalarValue(String name) {
        return scalarMillis(name) / 1000.0;
    }

    /** {@code scalarMillis("cpus")}: 1000 per cpu. */
    public long cpusMillis() {
        return scalarMillis("cpus");
    }

    /** {@code mem} (Mesos megabytes) in bytes, rounded down; {@code mem:1} is 1048576. Saturates. */
    public long memBytes() {
        long millis = scalarMillis("mem");
        long whole = millis / 1000;
        long fraction = (millis % 1000) * BYTES_PER_MB / 1000;
        if (whole > (Long.MAX_VALUE - fraction) / BYTES_PER_MB) {
            return Long.MAX_VALUE;
        }
        return whole * BYTES_PER_MB + fraction;
    }

    /** Names present (any type or role), sorted; unmodifiable. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Entry e : entries) {
            names.add(e.name);
        }
        return Collections.unmodifiableSet(names);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Resources r && Arrays.equals(entries, r.entries));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(entries);
            hash = h;
        }
        return h;
    }

    /**
     * Canonical text, parseable by {@link #parse}: entries by name then role (unreserved first),
     * e.g. {@code cpus:1.5;cpus(web):1;disks:{a,b};ports:[1-6,9-9]}; <code>{}</code> when empty.
     */
    @Override
    public String toString() {
        return ResourceText.format(entries);
    }
}
