package io.baton.shim;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses "250ms", "30s", "15m", "1h" (a bare number is milliseconds). */
public final class Durations {
    private static final Pattern P = Pattern.compile("(\\d+)(ms|s|m|h)?");

    private Durations() {
    }

    public static long millis(String flag, String text) {
        Matcher m = P.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + " '" + text + "' is not a duration; use e.g. 500ms, 30s, 15m, 1h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n;
        };
    }
}
