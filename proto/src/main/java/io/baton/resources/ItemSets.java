package io.baton.resources;

import java.util.Arrays;

/** Set values as sorted arrays of distinct strings, combined by linear merges. */
final class ItemSets {
    static final String[] EMPTY = new String[0];

    private ItemSets() {}

    static String[] union(String[] a, String[] b) {
        if (a.length == 0) {
            return b;
        }
        if (b.length == 0) {
            return a;
        }
        String[] out = new String[a.length + b.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            int c = a[i].compareTo(b[j]);
            if (c < 0) {
                out[n++] = a[i++];
            } else if (c > 0) {
                out[n++] = b[j++];
            } else {
                out[n++] = a[i++];
                j++;
            }
        }
        while (i < a.length) {
            out[n++] = a[i++];
        }
        while (j < b.length) {
            out[n++] = b[j++];
        }
        return Arrays.copyOf(out, n);
    }

    static String[] difference(String[] a, String[] b) {
        if (a.length == 0 || b.length == 0) {
            return a;
        }
        String[] out = new String[a.length];
        int n = 0;
        int j = 0;
        for (String item : a) {
            while (j < b.length && b[j].compareTo(item) < 0) {
                j++;
            }
            if (j >= b.length || !b[j].equals(item)) {
                out[n++] = item;
            }
        }
        return n == 0 ? EMPTY : Arrays.copyOf(out, n);
    }

    static boolean containsAll(String[] a, String[] b) {
        int i = 0;
        for (String item : b) {
            while (i < a.length && a[i].compareTo(item) < 0) {
                i++;
            }
            if (i >= a.length || !a[i].equals(item)) {
                return false;
            }
        }
        return true;
    }

    static void appendTo(StringBuilder sb, String[] items) {
        sb.append('{');
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(items[i]);
        }
        sb.append('}');
    }
}
