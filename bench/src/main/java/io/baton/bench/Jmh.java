package io.baton.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of {@code io.baton.bench.jmh} with short defaults (1 fork, 2 × 1 s warm-up,
 * 3 × 1 s measurement) and prints JMH's table.
 *
 * <pre>
 * java -cp "bench/target/classes:$(cat bench/target/cp.txt)" io.baton.bench.Jmh [REGEX] [--long]
 * </pre>
 * REGEX narrows the benchmarks (e.g. {@code Journal}); {@code --long} uses 5 × 2 s warm-up and 5 × 2 s measurement.
 */
public final class Jmh {
    private Jmh() {
    }

    public static void main(String[] args) throws RunnerException {
        String include = "io\\.baton\\.bench\\.jmh\\..*";
        boolean longRun = false;
        for (String a : args) {
            if (a.equals("--long")) {
                longRun = true;
            } else if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: Jmh [REGEX] [--long]");
                return;
            } else {
                include = a;
            }
        }
        ChainedOptionsBuilder o = new OptionsBuilder().include(include).forks(1).shouldFailOnError(true);
        if (longRun) {
            o.warmupIterations(5).warmupTime(TimeValue.seconds(2)).measurementIterations(5)
                    .measurementTime(TimeValue.seconds(2));
        } else {
            o.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                    .measurementTime(TimeValue.seconds(1));
        }
        new Runner(o.build()).run(); // JMH prints the result table at the end
    }
}
