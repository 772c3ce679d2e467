package io.baton.resources;

import java.util.Arrays;

/**
 * Inclusive ranges of non-negative longs stored flat as {@code [b0, e0, b1, e1, ...]}. A
 * <em>normalized</em> array is sorted, and neighbours are neither overlapping nor adjacent, so every
 * operation below is one linear merge. Bounds may reach {@link Long#MAX_VALUE}, hence the care
 * around {@code end + 1}.
 */
final class Intervals {
    static final long[] EMPTY = new long[0];

    private Intervals() {}

    /**
     * Sorts and coalesces raw pairs (each {@code 0 <= begin <= end}). The input is not modified but
     * is returned as is when already normalized, so pass an array nobody else holds.
     */
    static long[] normalize(long[] raw) {
        int n = raw.length / 2;
        if (n == 0) {
            return EMPTY;
        }
        if (isNormalized(raw)) {
            return raw;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Long.compare(raw[2 * x], raw[2 * y]));
        Builder out = new Builder(raw.length);
        for (int i : order) {
            out.add(raw[2 * i], raw[2 * i + 1]);
        }
        return out.toArray();
    }

    private static boolean isNormalized(long[] a) {
        for (int i = 2; i < a.length; i += 2) {
            if (a[i - 1] == Long.MAX_VALUE || a[i] <= a[i - 1] + 1) {
                return false;
            }
        }
        return true;
    }

    static long[] union(long[] a, long[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        Builder out = new Builder(a.length + b.length);
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (j >= b.length || (i < a.length && a[i] <= b[j])) {
                out.add(a[i], a[i + 1]);
                i += 2;
            } else {
                out.add(b[j], b[j + 1]);
                j += 2;
            }
        }
        return out.toArray();
    }

    /** {@code a} minus {@code b}, splitting ranges where {@code b} cuts through them. */
    static long[] difference(long[] a, long[] b) {
        if (a.length == 0 || b.length == 0) {
            return a;
        }
        Builder out = new Builder(a.length + b.length);
        int j = 0;
        for (int i = 0; i < a.length; i += 2) {
            long cur = a[i];
            long end = a[i + 1];
            while (j < b.length && b[j + 1] < cur) {
                j += 2;
            }
            boolean covered = false;
            for (int k = j; k < b.length && b[k] <= end; k += 2) {
                if (b[k] > cur) {
                    out.add(cur, b[k] - 1);
                }
                if (b[k + 1] >= end) {
                    covered = true;
                    break;
                }
                cur = Math.max(cur, b[k + 1] + 1); // b[k + 1] < end, so no overflow
            }
            if (!covered) {
                out.add(cur, end);
            }
        }
        return out.toArray();
    }

    /** True when every range of {@code b} lies inside a single range of {@code a}. */
    static boolean containsAll(long[] a, long[] b) {
        int i = 0;
        for (int j = 0; j < b.length; j += 2) {
            while (i < a.length && a[i + 1] < b[j]) {
                i += 2;
            }
            if (i >= a.length || a[i] > b[j] || a[i + 1] < b[j + 1]) {
                return false;
            }
        }
        return true;
    }

    static void appendTo(StringBuilder sb, long[] a) {
        sb.append('[');
        for (int i = 0; i < a.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(a[i]).append('-').append(a[i + 1]);
        }
        sb.append(']');
    }

    /** Appends ranges in ascending order of begin, coalescing as it goes. */
    private static final class Builder {
        private long[] buf;
        private int size;

        Builder(int capacity) {
            buf = new long[Math.max(capacity, 2)];
        }

        void add(long begin, long end) {
            if (size > 0) {
                long last = buf[size - 1];
                if (last == Long.MAX_VALUE || begin <= last + 1) {
                    buf[size - 1] = Math.max(last, end);
                    return;
                }
            }
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, size * 2);
            }
            buf[size++] = begin;
            buf[size++] = end;
        }

        long[] toArray() {
            return size == 0 ? EMPTY : Arrays.copyOf(buf, size);
        }
    }
}
