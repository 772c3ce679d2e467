package io.baton.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link FixedPoint#fromDouble}'s shortcut gives what rounding the printed double gives, which stays the rule. */
class FixedPointTest {
    /** The rule: the double as {@link Double#toString} prints it, rounded half up to thousandths. */
    private static long printedAndRounded(double v) {
        return new BigDecimal(Double.toString(v)).setScale(3, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    }

    @Test
    void wholeThousandthsTakeTheShortcutAndAgreeWithTheRule() {
        Random r = new Random(20261204);
        long[] scales = {1_000L, 1_000_000L, 1_000_000_000L, 1_000_000_000_000L, (1L << 41) * 1000};
        for (int i = 0; i < 150_000; i++) {
            long m = 1 + (long) (r.nextDouble() * scales[i % scales.length]);
            double v = m / 1000.0;
            long expected = printedAndRounded(v);
            assertThat(FixedPoint.fromDouble("x", v)).as("%s", v).isEqualTo(expected);
            if (v < 0x1p41) {
                assertThat(FixedPoint.exactMillis(v)).as("shortcut for %s", v).isEqualTo(m).isEqualTo(expected);
            }
        }
    }

    @Test
    void anyOtherDoubleAgreesWithTheRuleEitherWay() {
        Random r = new Random(4);
        for (int i = 0; i < 150_000; i++) {
            double v = switch (i % 4) {
                case 0 -> r.nextDouble() * 10;
                case 1 -> r.nextDouble() * 1e6;
                case 2 -> Math.scalb(r.nextDouble() + 1, r.nextInt(50) - 10); // every binade from 2^-10 to 2^40
                default -> Math.round(r.nextDouble() * 1e7) / 1e4 + (r.nextBoolean() ? 0.0005 : 0); // ties at 4 decimals
            };
            if (v < 0.0005) {
                continue; // refused below half a thousandth (covered by ResourcesTest)
            }
            assertThat(FixedPoint.fromDouble("x", v)).as("%s", v).isEqualTo(printedAndRounded(v));
        }
        assertThat(FixedPoint.fromDouble("x", 1.0005)).isEqualTo(1001); // prints as 1.0005, just below it in binary
        assertThat(FixedPoint.exactMillis(1.0005)).isZero();
        assertThat(FixedPoint.exactMillis(0x1p41)).isZero();
        assertThat(FixedPoint.exactMillis(Double.NaN)).isZero();
        assertThat(FixedPoint.exactMillis(-1)).isZero();
    }
}
