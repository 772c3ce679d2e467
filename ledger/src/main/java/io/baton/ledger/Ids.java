package io.baton.ledger;

import java.util.regex.Pattern;

/**
 * Id validation. Executor ids become cgroup directory names, so they follow the strict container
 * pattern; task, offer and replacement ids are a little more permissive but can never contain a
 * path separator or "..".
 */
public final class Ids {
    public static final Pattern EXECUTOR = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    public static final Pattern OBJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}");

    private Ids() {
    }

    /** Null when valid, else a message naming the id, what kind of id it is, and the pattern. */
    public static String checkExecutor(String id) {
        return check("executor id", id, EXECUTOR);
    }

    public static String checkObject(String kind, String id) {
        return check(kind, id, OBJECT);
    }

    private static String check(String kind, String id, Pattern pattern) {
        if (id == null || id.isEmpty()) {
            return kind + " is missing";
        }
        if (!pattern.matcher(id).matches() || id.contains("..")) {
            return kind + " '" + printable(id) + "' is invalid: it must match " + pattern.pattern()
                    + " and must not contain '..'";
        }
        return null;
    }

    /** Quotes an untrusted id for a message: control characters escaped, length capped. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; ) {
            int c = s.codePointAt(i); // a surrogate pair is never cut in two
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else if (Character.isSurrogate((char) c)) {
                b.append(String.format("\\u%04x", c)); // unpaired: not text, and protobuf would turn it into '?'
            } else {
                b.appendCodePoint(c);
            }
            i += Character.charCount(c);
        }
        if (s.length() > 80) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }
}
