package io.baton.shim.fuzz;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Runs a fuzz IT's random cases from one printed seed, so any failure can be replayed. Each case is
 * generated from its own seed, drawn from the run's seed. A failure names the case, its seed and the
 * run's seed:
 * <ul>
 *   <li>{@code -Dbaton.fuzz.seed=<run seed>} replays the whole run (the shim keeps connections and
 *       state between cases, so this is the faithful replay);</li>
 *   <li>{@code -Dbaton.fuzz.case=<case seed>} runs only that one case.</li>
 * </ul>
 * Pass them with {@code mvn -Dit.test=SomeIT#method ... verify}; failsafe hands them to the test JVM.
 */
final class SeededCases {
    static final String RUN_SEED = "baton.fuzz.seed";
    static final String CASE_SEED = "baton.fuzz.case";

    private SeededCases() {
    }

    /** One property over random cases; may throw anything, which fails the case. */
    interface Check<C> {
        void accept(C input) throws Exception;
    }

    /**
     * Generates and checks {@code cases} inputs (or just the one named by {@code baton.fuzz.case}).
     *
     * @return how many cases were checked
     */
    static <C> int run(String name, int cases, Function<SplittableRandom, C> generate, Check<C> check) {
        if (cases < 1) {
            throw new IllegalArgumentException(name + ": cases must be at least 1, got " + cases);
        }
        Long onlyCase = Long.getLong(CASE_SEED);
        long runSeed = Long.getLong(RUN_SEED, new SplittableRandom().nextLong());
        SplittableRandom seeds = new SplittableRandom(runSeed);
        int total = onlyCase == null ? cases : 1;
        System.out.println(name + ": " + total + (onlyCase == null
                ? " cases from seed " + runSeed + " (replay: -D" + RUN_SEED + "=" + runSeed + ")"
                : " case, seed " + onlyCase + " (-D" + CASE_SEED + ")"));
        for (int i = 1; i <= total; i++) {
            long caseSeed = onlyCase == null ? seeds.nextLong() : onlyCase;
            C input = generate.apply(new SplittableRandom(caseSeed));
            try {
                check.accept(input);
            } catch (Throwable failure) {
                String message = name + ": case " + i + " of " + total + " failed on " + oneLine(input)
                        + "\n  case seed " + caseSeed + " (replay this case: -D" + CASE_SEED + "=" + caseSeed + ")"
                        + (onlyCase == null ? "\n  run seed " + runSeed + " (replay the run: -D" + RUN_SEED + "="
                        + runSeed + ")" : "")
                        + "\n  because: " + ascii(String.valueOf(failure.getMessage()));
                System.out.println(message);
                throw new AssertionError(message, failure);
            }
        }
        return total;
    }

    /**
     * Case descriptions may hold protobuf text, control characters or unpaired surrogates (which cut a report
     * short); keep them to one readable ASCII line.
     */
    static String oneLine(Object o) {
        String s = String.valueOf(o).replace("\n", " ").strip();
        String b = ascii(s.length() > 600 ? s.substring(0, 600) : s);
        return s.length() > 600 ? b + "...(" + s.length() + " chars)" : b;
    }

    /** Everything outside printable ASCII (newlines aside) as a {@code \\uXXXX} escape. */
    static String ascii(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c == '\n' || c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ small generators

    static <T> T pick(SplittableRandom r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }

    static <E extends Enum<E>> E pick(SplittableRandom r, Class<E> type) {
        E[] values = type.getEnumConstants();
        return values[r.nextInt(values.length)];
    }

    /** Uniform in {@code [min, max]}, both inclusive. */
    static int between(SplittableRandom r, int min, int max) {
        return r.nextInt(min, max + 1);
    }

    static long between(SplittableRandom r, long min, long max) {
        return r.nextLong(min, max + 1);
    }

    /** Any int, with 0, ±1 and the extremes one time in ten. */
    static int anyInt(SplittableRandom r) {
        return r.nextInt(10) == 0 ? pick(r, List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE)) : r.nextInt();
    }

    /** Random bytes up to {@code maxLength}; one time in ten an edge length (empty, tiny, the maximum). */
    static byte[] bytes(SplittableRandom r, int maxLength) {
        int length = r.nextInt(10) == 0 ? pick(r, List.of(0, 1, 4, maxLength)) : between(r, 0, maxLength);
        byte[] b = new byte[length];
        r.nextBytes(b);
        return b;
    }
}
