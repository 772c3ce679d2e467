package io.baton.shim.isolator;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Validation of ids that become cgroup directory names (DESIGN §9): lowercase letters, digits,
 * {@code _ . -}, starting with a letter or digit, at most 63 characters, never containing {@code ..}.
 * A valid id is a single path segment, so it can never escape the isolator's root.
 */
public final class ContainerIds {

    /** The human-readable rule, used in error messages. */
    public static final String RULE = "[a-z0-9][a-z0-9_.-]{0,62} without '..'";

    /** The whole rule as one regex (the lookahead forbids {@code ..}); use with {@code matches()}. */
    public static final Pattern PATTERN = Pattern.compile("(?!.*\\.\\.)[a-z0-9][a-z0-9_.-]{0,62}");

    private ContainerIds() {
    }

    /** Returns {@code id} if valid; otherwise throws naming the id and the pattern. */
    public static String validate(String id) {
        if (id == null || !PATTERN.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid container id " + quote(id) + ": must match " + RULE
                    + " (lowercase letters, digits, '_', '.', '-'; 1 to 63 characters)");
        }
        return id;
    }

    /**
     * Validates every '/'-separated segment of a parent cgroup path such as {@code baton} or
     * {@code baton/node-1}; returns it unchanged.
     */
    public static String validateParent(String parent) {
        if (parent == null || parent.isEmpty()) {
            throw new IllegalArgumentException("invalid cgroup parent " + quote(parent)
                    + ": must be one or more '/'-separated segments matching " + RULE);
        }
        for (String segment : parent.split("/", -1)) {
            if (segment.isEmpty() || !PATTERN.matcher(segment).matches()) {
                throw new IllegalArgumentException("invalid cgroup parent " + quote(parent) + ": segment "
                        + quote(segment) + " must match " + RULE);
            }
        }
        return parent;
    }

    /** Resolves a validated id under {@code root} and checks that the result stays under it. */
    public static Path resolveUnder(Path root, String id) {
        return requireUnder(root, root.resolve(validate(id)));
    }

    /** Throws unless {@code path}, once normalized, is {@code root} or lies below it. */
    public static Path requireUnder(Path root, Path path) {
        Path normalRoot = root.toAbsolutePath().normalize();
        Path normal = path.toAbsolutePath().normalize();
        if (!normal.startsWith(normalRoot)) {
            throw new IllegalArgumentException("path " + path + " escapes the isolator root " + root);
        }
        return normal;
    }

    /** Quotes and escapes control characters (NUL, newlines) so the message shows what was sent. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("'");
        int shown = Math.min(s.length(), 100);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > shown) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.append('\'').toString();
    }
}
