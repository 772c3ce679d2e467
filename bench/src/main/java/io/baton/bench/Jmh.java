package io.baton.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
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
 * java -cp "bench/target/classes:$(cat bench/target/bench-classpath.txt)" io.baton.bench.Jmh [REGEX] [--long | --smoke] [--append FILE]
 * </pre>
 * REGEX narrows the benchmarks (e.g. {@code Journal}); {@code --long} uses 5 × 2 s warm-up and 5 × 2 s
 * measurement, {@code --smoke} 1 × 0.2 s and 1 × 0.3 s (checks they run; the figures mean little);
 * {@code --append FILE} adds the results to a markdown report as a table. {@code bin/bench} runs this.
 */
public final class Jmh {
    private static final String USAGE = "usage: Jmh [REGEX] [--long | --smoke] [--append FILE]";

    private Jmh() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        String include = "io\\.baton\\.bench\\.jmh\\..*";
        String length = "default";
        Path append = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--long") || a.equals("--smoke")) {
                length = a.substring(2);
            } else if (a.equals("--append") && i + 1 < args.length) {
                append = Path.of(args[++i]);
            } else if (a.equals("-h") || a.equals("--help")) {
                System.out.println(USAGE);
                return;
            } else if (a.startsWith("-")) {
                throw new IllegalArgumentException("unknown option " + a + "; " + USAGE);
            } else {
                include = a;
            }
        }
        ChainedOptionsBuilder o = new OptionsBuilder().include(include).forks(1).shouldFailOnError(true);
        switch (length) {
            case "long" -> o.warmupIterations(5).warmupTime(TimeValue.seconds(2)).measurementIterations(5)
                    .measurementTime(TimeValue.seconds(2));
            case "smoke" -> o.warmupIterations(1).warmupTime(TimeValue.milliseconds(200)).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(300));
            default -> o.warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(3)
                    .measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(o.build()).run(); // JMH prints its own table at the end
        if (append != null) {
            Files.writeString(append, markdown(results, length), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            System.out.println("JMH results appended to " + append);
        }
    }

    static String markdown(Collection<RunResult> results, String length) {
        StringBuilder b = new StringBuilder("## JMH micro-benchmarks\n\n");
        b.append("`io.baton.bench.Jmh").append(length.equals("default") ? "" : " --" + length).append("` (1 fork; ")
                .append(switch (length) {
                    case "long" -> "5 × 2 s warm-up, 5 × 2 s measurement";
                    case "smoke" -> "1 × 0.2 s warm-up, 1 × 0.3 s measurement: a check that they run, not a figure";
                    default -> "2 × 1 s warm-up, 3 × 1 s measurement";
                }).append("). Error is JMH's 99.9% confidence half-interval (– with one iteration).\n\n");
        b.append("| Benchmark | params | mode | score | error | unit |\n|---|---|---|---|---|---|\n");
        for (RunResult r : results) {
            var p = r.getParams();
            StringBuilder params = new StringBuilder();
            for (String k : p.getParamsKeys()) {
                params.append(params.length() == 0 ? "" : ", ").append(k).append('=').append(p.getParam(k));
            }
            Result<?> primary = r.getPrimaryResult();
            String name = p.getBenchmark().replace("io.baton.bench.jmh.", "");
            double err = primary.getScoreError();
            b.append("| ").append(name).append(" | ").append(params.length() == 0 ? "–" : params).append(" | ")
                    .append(p.getMode().shortLabel()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f", primary.getScore())).append(" | ")
                    .append(Double.isNaN(err) ? "–" : String.format(Locale.ROOT, "%.3f", err)).append(" | ")
                    .append(primary.getScoreUnit()).append(" |\n");
        }
        return b.append('\n').toString();
    }
}
