package io.baton.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The same replacements of three kinds of task, each kind in a JVM of its own, and the default kind again with G1
 * (shim, executor and client in each, as in the harness): the worker sample (a thread per task), no-op tasks with their hooks on hook threads (the SDK's
 * default), and no-op tasks whose executor says its hooks return at once, so the SDK calls them on its driver loop
 * ({@code BatonExecutor.hooksReturnAtOnce}). PROCESS latency after the harness's warm-up, then the throughput curve.
 */
final class TaskKinds {
    /**
     * One child's figures: µs, then replacements/s for each entry of the curve.
     *
     * @param earlyP50 Baton's time p50 right after the shorter warm-up ({@code Plan.earlyWarmup}), -1 if not measured
     * @param earlyP99 the same, p99
     */
    record Run(TimedWorker.Kind kind, long sdkP50, long sdkP99, long totalP50, long totalP99, long clientP50,
            long clientP99, long earlyP50, long earlyP99, List<Double> throughput, List<Integer> curve,
            List<Double> wholeRound, List<Double> cpuUs, String label) {
        /** {@code label} heads the child's column. */
        static Run parse(String line, String label) {
            String[] f = line.trim().split(" ");
            List<Double> t = new ArrayList<>();
            List<Integer> c = new ArrayList<>();
            List<Double> w = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (int i = 10; i + 3 < f.length; i += 4) {
                c.add(Integer.parseInt(f[i]));
                t.add(Double.parseDouble(f[i + 1]));
                w.add(Double.parseDouble(f[i + 2]));
                cpu.add(Double.parseDouble(f[i + 3]));
            }
            return new Run(TimedWorker.Kind.valueOf(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]),
                    Long.parseLong(f[8]), Long.parseLong(f[9]), t, c, w, cpu, label);
        }
    }

    private TaskKinds() {
    }

    /**
     * Child: {@code TaskKinds <smoke> <dir> <kind>}; prints one line starting with {@code KIND }: the latency figures,
     * then for each round its concurrency, rate, rate over the whole round and CPU µs per replacement.
     */
    public static void main(String[] args) throws Exception {
        boolean smoke = Boolean.parseBoolean(args[0]);
        Path dir = Path.of(args[1]);
        TimedWorker.Kind kind = TimedWorker.Kind.valueOf(args[2]);
        Harness.Plan plan = Harness.Plan.of(smoke);
        FreshNode.Figures k = FreshNode.measure(plan, dir, true, kind, plan.throughputCurve());
        Dist early = k.process().sdkEarly();
        boolean hasEarly = early.us().length > 0;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "KIND %s %d %d %d %d %d %d %d %d", kind,
                k.process().sdk().p50(), k.process().sdk().p99(), k.process().total().p50(), k.process().total().p99(),
                k.process().client().p50(), k.process().client().p99(), hasEarly ? early.p50() : -1,
                hasEarly ? early.p99() : -1));
        for (double[] t : k.throughput()) {
            line.append(String.format(Locale.ROOT, " %d %.1f %.1f %.1f", (int) t[4], t[0], t[5], t[6]));
        }
        System.out.println(line);
        System.exit(0); // worker threads of live tasks are daemons, but be sure
    }

    /**
     * The JVM options of the column with the JVM's default collector on a machine like this one (G1 with two or more
     * cores and 1,792 MB or more), as {@code bin/baton} starts an executor: the other columns keep the bench's
     * {@link ChildJvm#OPTIONS} (SerialGC), as in every run before 2026-12-05's evening.
     */
    static final List<String> DEFAULT_COLLECTOR = List.of("-XX:-UseSerialGC", "-XX:+UseG1GC");

    /** Runs a child for each kind, one after the other, then no-op tasks on hook threads with G1. */
    static List<Run> run(boolean smoke, Path dir) throws Exception {
        List<Run> out = new ArrayList<>();
        for (TimedWorker.Kind kind : TimedWorker.Kind.values()) {
            out.add(child(smoke, dir.resolve("kind-" + kind), kind, List.of(), kind.label));
        }
        out.add(child(smoke, dir.resolve("kind-" + TimedWorker.Kind.NOOP + "-G1"), TimedWorker.Kind.NOOP,
                DEFAULT_COLLECTOR, TimedWorker.Kind.NOOP.label + ", G1 instead of SerialGC (the JVM's default here, as "
                        + "`bin/baton` starts an executor)"));
        return out;
    }

    private static Run child(boolean smoke, Path dir, TimedWorker.Kind kind, List<String> jvmOptions, String label)
            throws Exception {
        return Run.parse(ChildJvm.figures(TaskKinds.class.getName(), dir, "the task-kind child (" + label + ")",
                "KIND ", smoke ? 120_000 : 300_000, jvmOptions, Boolean.toString(smoke), dir.toString(), kind.name()),
                label);
    }

    static String markdown(List<Run> runs, Harness.Plan plan) {
        StringBuilder b = new StringBuilder("\n## By kind of task: hook threads against hooks that return at once\n\n");
        b.append("The same STOP_THEN_START replacements of three kinds of task, each kind in a JVM of its own (`"
                + ChildJvm.OPTIONS + " -Xmx1g`; shim, executor and client, as in the harness: PROCESS latency after "
                + "the same warm-up, then the throughput curve), run one after the other in the order shown. The "
                + "worker sample starts a thread per task and joins it on kill; a no-op task is an entry in a set, "
                + "reported RUNNING or KILLED before its hook returns. An executor whose hooks return at once can say "
                + "so (`BatonExecutor.hooksReturnAtOnce`), and the SDK then calls them on its driver loop: no hand-off "
                + "to a hook thread and back, twice per replacement. The last column is the default's no-op tasks "
                + "again with `" + String.join(" ", DEFAULT_COLLECTOR) + "`: the bench's JVMs use SerialGC (its one "
                + "GC thread keeps off the cores the load uses), while a JVM started with no collector named, as "
                + "`bin/baton` starts an executor, uses G1 on this machine (two cores, more than 1,792 MB). Latency "
                + "in µs. Each throughput round replaces at its concurrency for "
                + plan.throughputWarmMillis() / 1000.0 + " s first, not counted (the JIT recompiles for a new "
                + "concurrency: the rate climbed for about 5 s after the change), then for "
                + plan.throughputMillis() / 1000.0 + " s, counted. Until 2026-12-05 a round was 15 s, all counted; "
                + "in brackets, the rate over this whole round, warm-up included.\n\n");
        b.append("| figure |");
        for (Run r : runs) {
            b.append(' ').append(r.label()).append(" |");
        }
        b.append("\n|---|");
        runs.forEach(r -> b.append("---|"));
        b.append('\n');
        row(b, "Baton's time (total − the author's kill and launch) p50 / p99", runs, r -> r.sdkP50() + " / "
                + r.sdkP99());
        if (runs.stream().anyMatch(r -> r.earlyP50() >= 0)) {
            row(b, "Baton's time right after the shorter warm-up (the JIT still compiling: see Setup) p50 / p99", runs,
                    r -> r.earlyP50() < 0 ? "–" : r.earlyP50() + " / " + r.earlyP99());
        }
        row(b, "total (timings.total_us) p50 / p99", runs, r -> r.totalP50() + " / " + r.totalP99());
        row(b, "framework round trip (replace → final update) p50 / p99", runs,
                r -> r.clientP50() + " / " + r.clientP99());
        List<Integer> curve = runs.get(0).curve();
        for (int i = 0; i < curve.size(); i++) {
            int at = i;
            row(b, "throughput, " + curve.get(i) + " replaced at once (per s; in brackets over the whole round, "
                    + "warm-up included)", runs, r -> at < r.throughput().size() ? String.format(Locale.ROOT,
                            "%.0f (%.0f)", r.throughput().get(at), r.wholeRound().get(at)) : "–");
        }
        for (int i = 0; i < curve.size(); i++) {
            int at = i;
            row(b, "CPU per replacement, " + curve.get(i) + " at once (µs of the whole JVM's CPU time, every "
                    + "thread: shim, executor, client, GC; counted part)", runs, r -> at < r.cpuUs().size()
                            ? String.format(Locale.ROOT, "%.0f", r.cpuUs().get(at)) : "–");
        }
        b.append("\nAgainst the target for Baton's time (p50 ≤ 300 µs, p99 ≤ 1,000 µs, PROCESS):");
        for (Run r : runs) {
            b.append(String.format(Locale.ROOT, " %d / %d µs with %s;", r.sdkP50(), r.sdkP99(), r.label()));
        }
        b.setLength(b.length() - 1);
        b.append(".\n\n");
        int at16 = curve.indexOf(16);
        if (at16 >= 0) {
            b.append("Against the target (≥ 5,000 replacements/s on one executor with no-op tasks, 16 at once):");
            for (Run r : runs) {
                if (r.kind() != TimedWorker.Kind.WORKER && at16 < r.throughput().size()) {
                    b.append(String.format(Locale.ROOT, " %.0f/s with %s;", r.throughput().get(at16), r.label()));
                }
            }
            b.setLength(b.length() - 1);
            b.append(".\n");
        }
        return b.append('\n').toString();
    }

    private static void row(StringBuilder b, String name, List<Run> runs, java.util.function.Function<Run, String> cell) {
        b.append("| ").append(name).append(" |");
        runs.forEach(r -> b.append(' ').append(cell.apply(r)).append(" |"));
        b.append('\n');
    }
}
