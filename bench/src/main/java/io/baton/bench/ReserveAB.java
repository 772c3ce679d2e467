package io.baton.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shim's reserve on delivery against the executor's RESERVE, A/B in fresh JVMs: PROCESS latency (after the
 * harness's warm-up) and one throughput round at 16 at once, each in a JVM of its own (shim, executor and client in
 * it, as in the harness), alternating off, on, off, on, so that neither side runs only first or only later.
 */
final class ReserveAB {
    static final String PROPERTY = "baton.shim.reserveOnDelivery";

    /** One child's figures: its setting, then µs and replacements/s. */
    record Run(boolean reserveOnDelivery, long overheadP50, long overheadP99, long totalP50, long totalP99,
            long clientP50, long clientP99, double appendsPer, double throughput) {
        static Run parse(String line) {
            String[] f = line.trim().split(" ");
            return new Run(Boolean.parseBoolean(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), Double.parseDouble(f[8]),
                    Double.parseDouble(f[9]));
        }
    }

    private ReserveAB() {
    }

    /** Child: {@code ReserveAB <smoke> <dir> <reserveOnDelivery>}; prints one line starting with {@code AB }. */
    public static void main(String[] args) throws Exception {
        boolean smoke = Boolean.parseBoolean(args[0]);
        Path dir = Path.of(args[1]);
        boolean on = Boolean.parseBoolean(args[2]);
        FreshNode.Figures f = FreshNode.measure(Harness.Plan.of(smoke), dir, on, TimedWorker.Kind.WORKER, List.of(16));
        System.out.println(String.format(Locale.ROOT, "AB %s %d %d %d %d %d %d %.2f %.1f", on,
                f.process().sdk().p50(), f.process().sdk().p99(), f.process().total().p50(),
                f.process().total().p99(), f.process().client().p50(), f.process().client().p99(),
                f.process().appendsPer(), f.throughput().get(0)[0]));
        System.exit(0); // worker threads of live tasks are daemons, but be sure
    }

    /** Runs the children in turn: off, on, off, on (a smoke run, which only checks the table is made: off, on). */
    static List<Run> run(boolean smoke, Path dir) throws Exception {
        List<Run> out = new ArrayList<>();
        int i = 0;
        for (boolean on : smoke ? new boolean[] {false, true} : new boolean[] {false, true, false, true}) {
            Path d = dir.resolve("ab-" + i++);
            out.add(Run.parse(ChildJvm.figures(ReserveAB.class.getName(), d, "the reserve-on-delivery A/B child (" + on
                    + ")", "AB ", smoke ? 120_000 : 300_000, Boolean.toString(smoke), d.toString(), Boolean.toString(on))));
        }
        return out;
    }

    static String markdown(List<Run> runs) {
        StringBuilder b = new StringBuilder("\n## The shim's reserve on delivery, side by side\n\n");
        b.append("A STOP_THEN_START of same-size tasks moves no resources, so the shim reserves it when it delivers the "
                + "REPLACE and the executor sends no RESERVE (`docs/PROTOCOL.md`); with `-D" + PROPERTY + "=false` the "
                + "executor's RESERVE round trip is on every replacement's path again. Each column is a JVM of its own "
                + "(`" + ChildJvm.OPTIONS + " -Xmx1g`; shim, executor, client, as in the harness: PROCESS latency after "
                + "the same warm-up, then one throughput round at 16 at once), run one after the other in the order "
                + "shown. µs.\n\n");
        b.append("| figure |");
        for (Run r : runs) {
            b.append(r.reserveOnDelivery() ? " reserve on delivery |" : " executor's RESERVE |");
        }
        b.append("\n|---|");
        runs.forEach(r -> b.append("---|"));
        b.append('\n');
        row(b, "SDK overhead (Baton's time) p50 / p99", runs, r -> r.overheadP50() + " / " + r.overheadP99());
        row(b, "total (timings.total_us) p50 / p99", runs, r -> r.totalP50() + " / " + r.totalP99());
        row(b, "framework round trip (replace → final update) p50 / p99", runs,
                r -> r.clientP50() + " / " + r.clientP99());
        row(b, "journal appends per replacement", runs, r -> String.format(Locale.ROOT, "%.2f", r.appendsPer()));
        row(b, "throughput, 16 at once (replacements/s)", runs, r -> String.format(Locale.ROOT, "%.0f", r.throughput()));
        return b.toString();
    }

    private static void row(StringBuilder b, String name, List<Run> runs, java.util.function.Function<Run, String> cell) {
        b.append("| ").append(name).append(" |");
        runs.forEach(r -> b.append(' ').append(cell.apply(r)).append(" |"));
        b.append('\n');
    }
}
