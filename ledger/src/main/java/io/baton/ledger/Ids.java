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
        boolean valid = pattern == EXECUTOR ? executorShaped(id) : objectShaped(id);
        if (!valid || id.contains("..")) {
            return kind + " '" + printable(id) + "' is invalid: it must match " + pattern.pattern()
                    + " and must not contain '..'";
        }
        return null;
    }

    /**
     * {@link #EXECUTOR} matched by hand: the shim checks the ids of every frame, and a regex's matcher was a few per
     * cent of its loop's allocations at full throughput ({@code IdsMatchTest} holds the two to the same answers).
     */
    static boolean executorShaped(String id) {
        return shaped(id, 63, false);
    }

    /** {@link #OBJECT} matched by hand (see {@link #executorShaped}). */
    static boolean objectShaped(String id) {
        return shaped(id, 128, true);
    }

    /** 1 to {@code max} of a-z 0-9 (and A-Z for an object id), then also _ . - (and : @ for an object id). */
    private static boolean shaped(String id, int max, boolean object) {
        int n = id.length();
        if (n < 1 || n > max) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || object && c >= 'A' && c <= 'Z'
                    || i > 0 && (c == '_' || c == '.' || c == '-' || object && (c == ':' || c == '@'));
            if (!ok) {
                return false;
            }
        }
        return true;
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
