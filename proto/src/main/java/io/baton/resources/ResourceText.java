package io.baton.resources;

import java.util.ArrayList;
import java.util.List;

/** The Mesos text syntax: {@code cpus:2;cpus(web):1;ports:[31000-31999];disks:{sda1,sda2}}. */
final class ResourceText {
    private ResourceText() {}

    static Entry[] parse(String text) {
        String t = text.trim();
        if (t.isEmpty() || (t.startsWith("{") && t.endsWith("}") && t.substring(1, t.length() - 1).isBlank())) {
            return new Entry[0];
        }
        EntryAccumulator acc = new EntryAccumulator();
        for (String raw : t.split(";", -1)) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                parseEntry(acc, entry);
            }
        }
        return acc.build();
    }

    private static void parseEntry(EntryAccumulator acc, String entry) {
        String label = "'" + entry + "'";
        int colon = entry.indexOf(':');
        if (colon < 0) {
            throw Entry.invalid(label, "expected name:value or name(role):value, e.g. cpus:2 or cpus(web):1");
        }
        String head = entry.substring(0, colon).trim();
        String value = entry.substring(colon + 1).trim();
        String name = head;
        String role = "";
        int open = head.indexOf('(');
        if (open >= 0) {
            if (!head.endsWith(")")) {
                throw Entry.invalid(label, "role of '" + head + "' is not closed; write name(role):value");
            }
            name = head.substring(0, open).trim();
            role = head.substring(open + 1, head.length() - 1).trim();
            if (role.isEmpty()) {
                RoleRules.check(label, role); // "name()" names an empty role, which Mesos refuses
            }
        }
        if (value.startsWith("[")) {
            long[] pairs = parseRanges(label, value);
            acc.ranges(label, name, role, pairs, pairs.length);
        } else if (value.startsWith("{")) {
            acc.set(label, name, role, parseSet(label, value));
        } else {
            acc.scalar(label, name, role, FixedPoint.parse(label, value));
        }
    }

    private static long[] parseRanges(String label, String value) {
        if (!value.endsWith("]")) {
            throw Entry.invalid(label, "ranges value '" + value + "' is missing the closing ']'");
        }
        String inner = value.substring(1, value.length() - 1).trim();
        if (inner.isEmpty()) {
            return Intervals.EMPTY;
        }
        String[] parts = inner.split(",", -1);
        long[] pairs = new long[parts.length * 2];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].trim();
            if (part.isEmpty()) {
                throw Entry.invalid(label, "empty range in '" + value + "'; write [a-b,c-d]");
            }
            int dash = part.indexOf('-', 1);
            long begin = bound(label, dash < 0 ? part : part.substring(0, dash).trim());
            long end = dash < 0 ? begin : bound(label, part.substring(dash + 1).trim());
            if (begin > end) {
                throw Entry.invalid(label, "range " + begin + "-" + end + " has begin > end; write low-high");
            }
            pairs[2 * i] = begin;
            pairs[2 * i + 1] = end;
        }
        return pairs;
    }

    private static long bound(String label, String s) {
        if (s.startsWith("-")) {
            throw Entry.invalid(label, "range bound " + s + " is negative; ranges hold values >= 0");
        }
        if (s.isEmpty()) {
            throw Entry.invalid(label, "range bound is missing; write [a-b] or [a]");
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw Entry.invalid(label, "range bound '" + s + "' is not a whole number");
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw Entry.invalid(label, "range bound " + s + " is above the maximum " + Long.MAX_VALUE);
        }
    }

    private static List<String> parseSet(String label, String value) {
        if (!value.endsWith("}")) {
            throw Entry.invalid(label, "set value '" + value + "' is missing the closing '}'");
        }
        String inner = value.substring(1, value.length() - 1).trim();
        if (inner.isEmpty()) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String item : inner.split(",", -1)) {
            items.add(item.trim());
        }
        return items;
    }

    static String format(Entry[] entries) {
        if (entries.length == 0) {
            return "{}";
        }
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            e.appendTo(sb);
        }
        return sb.toString();
    }
}
