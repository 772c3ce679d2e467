package io.baton.resources;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Scalar amounts as a {@code long} count of thousandths, the way Mesos compares them: exact sums
 * (0.1 + 0.2 == 0.3), rounding half away from zero on the way in.
 */
final class FixedPoint {
    /** Largest accepted scalar, 1e15; keeps every sum of a few amounts far from {@code long} overflow. */
    static final long MAX_MILLIS = 1_000_000_000_000_000_000L;

    private static final BigDecimal MAX = BigDecimal.valueOf(MAX_MILLIS / 1000);
    private static final BigDecimal HALF_MILLI = new BigDecimal("0.0005");

    private FixedPoint() {}

    /** Parses a decimal from resource text, e.g. {@code 1.5}; {@code label} names the entry in errors. */
    static long parse(String label, String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw Entry.invalid(label, "missing scalar value; expected a number such as 1.5");
        }
        String unsigned = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        String word = unsigned.toLowerCase(Locale.ROOT);
        if (word.equals("nan") || word.equals("inf") || word.equals("infinity")) {
            throw Entry.invalid(label, "scalar value " + t + " is not a finite number");
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-' || c == 'e' || c == 'E';
            if (!ok) {
                throw malformed(label, t);
            }
        }
        BigDecimal value;
        try {
            value = new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw malformed(label, t);
        }
        return toMillis(label, value, t);
    }

    /**
     * Converts a double the way it prints ({@link Double#toString}), so {@code 1.0005} becomes 1.001
     * even though the nearest binary double is slightly below it.
     */
    static long fromDouble(String label, double value) {
        long fast = exactMillis(value);
        if (fast > 0) {
            return fast;
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw Entry.invalid(label, "scalar value " + value + " is not a finite number");
        }
        return toMillis(label, BigDecimal.valueOf(value), Double.toString(value));
    }

    /** Below this a double's ulp is at most 2^-12 (about 0.00024), under half a thousandth. */
    private static final double EXACT_BELOW = 0x1p41;

    /**
     * The thousandths of a double that is the nearest double to a whole number of thousandths {@code m} between 0.001
     * and 2^41 (every amount a resource is written with: 0.5, 128, 1024.25), else 0. Such a value prints (through
     * {@link Double#toString}) as a decimal within one ulp of {@code m / 1000}, less than half a thousandth here, so
     * {@link #fromDouble}'s rounding of the printed decimal gives {@code m} too, without the text and the BigDecimal
     * (two strings and a few objects for every scalar of every frame; {@code FixedPointTest} checks both ways agree).
     */
    static long exactMillis(double value) {
        if (!(value >= 0.001 && value < EXACT_BELOW)) {
            return 0;
        }
        long m = Math.round(value * 1000);
        return m / 1000.0 == value ? m : 0;
    }

    private static long toMillis(String label, BigDecimal value, String shown) {
        if (value.signum() < 0) {
            throw Entry.invalid(label, "scalar value " + shown + " is negative; amounts must be >= 0");
        }
        if (value.signum() == 0) {
            return 0;
        }
        if (value.compareTo(MAX) > 0) {
            throw Entry.invalid(label, "scalar value " + shown + " is above the maximum 1e15");
        }
        if (value.compareTo(HALF_MILLI) < 0) {
            throw Entry.invalid(label, "scalar value " + shown
                    + " rounds to zero at 3 decimals; use 0 or at least 0.0005");
        }
        return value.setScale(3, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    }

    private static IllegalArgumentException malformed(String label, String shown) {
        return Entry.invalid(label, "scalar value '" + shown + "' is not a number; expected e.g. 2 or 0.5");
    }

    /** Adds two amounts, failing when the sum passes {@link #MAX_MILLIS}. */
    static long add(String label, long a, long b) {
        long sum = a + b; // both <= 1e18, so no long overflow
        if (sum > MAX_MILLIS) {
            throw Entry.invalid(label, "sum " + format(a) + " + " + format(b) + " is above the maximum 1e15");
        }
        return sum;
    }

    /** Canonical text: no trailing zeros, no exponent ({@code 1.5}, {@code 1024}, {@code 0.001}). */
    static String format(long millis) {
        long whole = millis / 1000;
        int frac = (int) (millis % 1000);
        if (frac == 0) {
            return Long.toString(whole);
        }
        StringBuilder sb = new StringBuilder().append(whole).append('.');
        sb.append((char) ('0' + frac / 100));
        if (frac % 100 != 0) {
            sb.append((char) ('0' + frac / 10 % 10));
            if (frac % 10 != 0) {
                sb.append((char) ('0' + frac % 10));
            }
        }
        return sb.toString();
    }

    /** Nearest double; exact round trip through {@link #fromDouble} for amounts below about 4e12. */
    static double toDouble(long millis) {
        return millis / 1000.0;
    }
}
