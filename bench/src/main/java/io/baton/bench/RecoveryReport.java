package io.baton.bench;

import java.util.List;
import java.util.Locale;

/** The recovery benchmark's section of the report ({@link RecoveryBench}). */
final class RecoveryReport {
    private RecoveryReport() {
    }

    /** The report's section. */
    static String markdown(RecoveryBench.Result r) {
        StringBuilder b = new StringBuilder();
        b.append("## Executor recovery after SIGKILL, against journal size\n\n");
        b.append("The worker sample in its own JVM (`").append(ChildJvm.OPTIONS)
                .append("`) wrote its journal through real replacements (").append(r.plan().chains())
                .append(" tasks replaced over and over at once, PROCESS durability) behind a real shim and was killed "
                        + "with SIGKILL once its latest checkpoint was recorded (the journal records a checkpoint on a "
                        + "thread of its own, tens of ms after appending it; killed in between, a restart replays from "
                        + "the checkpoint before); then ").append(r.plan().reps()).append(" times, each from a pristine copy of "
                        + "the journal, a new executor process (same id) was started on it: by default the benchmark's own main "
                        + "(`RecoveryChild`, this module's class path, no class-data archive); in the rows that say "
                        + "so, as an operator starts one, `bin/baton executor worker` (process start is bash's: "
                        + "bin/baton's checks, then java with the CLI's one jar and the AppCDS archive bin/baton made "
                        + "for it, the JVM's default collector and heap). *Runtime start* is when the JVM is up and the "
                        + "executor's main begins (before the journal opens; for bin/baton, when `ExecutorBootstrap` "
                        + "started, from its log line saying when the queue opened); *re-subscribed* "
                        + "is when the shim accepted the new process's subscription (the shim's own time of it, "
                        + "`subscribed_at_us` in its STATE, polled every " + Node.POLL_MS + " ms: a poll every ms, "
                        + "as until 2026-12-06, took the restarting executor's CPU on two cores); "
                        + "*answering*: a task launched on it then reported RUNNING. The phases in between come from "
                        + "the executor's log (ms resolution): *before recovery* runs from runtime start to the "
                        + "beginning of recovery, *replay + recover* is the SDK's own \"recovered in N ms\". Replay "
                        + "reads the cycle files directly; the journal's Chronicle queue opens on a thread of its own "
                        + "after the first subscription (*queue open*, from runtime start; at the start, waited for "
                        + "before the subscription, in the row that says so), and until then every step writes the "
                        + "records it acts on to a file of its own first (`pending.rec`, docs/RELIABILITY.md). The SDK "
                        + "checkpoints every 10,000 appended records, so recovery replays only the records from the "
                        + "latest checkpoint on (column *replayed*). Times in ms, p50 / max.\n\n");
        b.append("| journal records | journal options | replayed | n | process start → re-subscribed | runtime start → "
                + "re-subscribed | of which: before recovery | replay + recover | connect + subscribe | "
                + "re-subscribed → answering | runtime start → queue open |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RecoveryBench.Size s : r.sizes()) {
            b.append("| ").append(s.records()).append(" | ").append(s.row().options()).append(" | ")
                    .append(s.replayed()).append(" | ").append(s.fromRuntime().us().length).append(" | ");
            if (s.failure() != null) {
                b.append(s.failure().startsWith("no AppCDS archive") ? "**no AppCDS archive** | | | | | | |\n"
                        : "**did not recover** | | | | | | |\n");
            } else {
                for (Dist d : List.of(s.fromProcess(), s.fromRuntime(), s.opening(), s.recovering(), s.subscribing(),
                        s.answering())) {
                    b.append(pm(d)).append(" | ");
                }
                b.append(s.queueOpen().us().length == 0 ? "–" : pm(s.queueOpen())).append(" | ");
                b.setLength(b.length() - 1);
                b.append('\n');
            }
        }
        b.append('\n');
        b.append("A bare JVM start — a main that prints and exits, process start to exit, n = ")
                .append(r.bare().us().length).append(": with the JVM, flags and options of the rows without bin/baton, ")
                .append(pm(r.bare())).append(" ms");
        if (r.launcher().us().length > 0) {
            b.append("; as bin/baton starts a JVM (its flags, the default collector and heap, the CLI's jar on the class "
                    + "path), ").append(pm(r.launcher())).append(" ms, and with bin/baton's AppCDS archive mapped, ")
                    .append(pm(r.launcherCds())).append(" ms");
        }
        b.append(".\n");
        for (RecoveryBench.Size s : r.sizes()) {
            Dist base = s.row().launcher() ? r.launcher() : r.bare();
            if (s.failure() == null && s.fromProcess().us().length > 0 && base.us().length > 0) {
                b.append("- ").append(s.records()).append(" records, ").append(s.row().options())
                        .append(": process start → re-subscribed is ").append(String.format(Locale.ROOT, "%.1f",
                                s.fromProcess().p50() / (double) base.p50())).append("× a bare JVM start (p50)")
                        .append(!s.row().launcher() ? "" : String.format(Locale.ROOT, ", %.1f× one with the archive",
                                s.fromProcess().p50() / (double) r.launcherCds().p50())).append("\n");
            }
        }
        b.append('\n');
        standby(b, r.standby());
        java.util.Map<String, List<ProcUsage>> usage = new java.util.LinkedHashMap<>();
        r.sizes().forEach(s -> usage.put(s.records() + " records, " + s.row().options(), s.usage()));
        b.append(ProcUsage.table(usage, r.freshPageUs()));
        for (RecoveryBench.Size s : r.sizes()) {
            if (s.fillErrors() != null) {
                b.append("- ").append(s.records()).append(" records, ").append(s.row().options())
                        .append(": while writing the journal, the executor's driver loop failed a step ")
                        .append(s.fillErrors().replace("|", "\\|")).append("\n");
            }
            if (s.failure() != null) {
                b.append("- ").append(s.records()).append(" records, ").append(s.row().options())
                        .append(s.failure().startsWith("no AppCDS archive") ? ": " : ": the restarted executor could not "
                                + "recover: ").append(s.failure().replace("|", "\\|"))
                        .append("\n");
            }
        }
        b.append('\n');
        return b.toString();
    }

    /** The warm standby's paragraph ({@link Standbys}). */
    private static void standby(StringBuilder b, Standbys s) {
        b.append("**A warm standby instead of a restart.** `bin/baton executor worker --standby`, started beside the "
                + "executor with the same arguments, warms up (the synthetic replacements every executor runs, with "
                + "checkpoints; replays of that journal; takeovers rehearsed against a stand-in shim on a socket of its "
                + "own; replays of the executor's journal as it is, read-only), then waits on the journal's writer's "
                + "lock, which the kernel releases when the executor's process ends, and starts as a restart does, in "
                + "a warm JVM. Not a process start, so not the target's figure: what an operator who runs one gets "
                + "instead of the rows above. ");
        if (s.failure() != null) {
            b.append("Not measured in this run: ").append(s.failure().replace("|", "\\|")).append(".\n\n");
            return;
        }
        b.append(s.takeover().us().length).append(" takeovers on the launcher row's ").append(s.records())
                .append("-record journal: SIGKILL sent → the shim accepted the standby's subscription ")
                .append(pm(s.takeover())).append(" ms (p50 / max); a task launched on it then RUNNING in ")
                .append(pm(s.answering())).append(" ms. Standing by cost it ").append(pm(s.warmUpMs()))
                .append(" ms of warm-up (from its own log: the JVM's and the CLI's start before it) and ").append(pm(s.warmCpuMs()))
                .append(" ms of CPU in all (its JVM's start included), and it holds ")
                .append(mib(median(s.memory(), Standbys.Memory::rssKb)))
                .append(" MiB resident as it says it stands by (p50; ")
                .append(mib(median(s.memory(), Standbys.Memory::anonKb))).append(" MiB anonymous, of it a heap of ")
                .append(num(median(s.memory(), Standbys.Memory::heapCommittedMiB))).append(" MiB committed with ")
                .append(num(median(s.memory(), Standbys.Memory::heapUsedMiB))).append(" MiB in use after its full "
                        + "collection, and ")
                .append(mib(median(s.memory(), Standbys.Memory::fileKb))).append(" MiB of mapped files), and ")
                .append(mib(median(s.settledRssKb().stream().mapToLong(Long::longValue))))
                .append(" MiB a second later.\n\n");
    }

    /** The p50 of one figure of {@code memory} (the upper middle of an even count), -1 if none. */
    private static long median(java.util.List<Standbys.Memory> memory,
            java.util.function.ToLongFunction<Standbys.Memory> figure) {
        return median(memory.stream().mapToLong(figure));
    }

    private static long median(java.util.stream.LongStream figures) {
        long[] v = figures.filter(x -> x >= 0).sorted().toArray();
        return v.length == 0 ? -1 : v[v.length / 2];
    }

    private static String mib(long kb) {
        return kb < 0 ? "?" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    private static String num(long v) {
        return v < 0 ? "?" : Long.toString(v);
    }

    private static String pm(Dist d) {
        return d.us().length == 0 ? "–" : String.format(Locale.ROOT, "%.1f / %.1f", d.p50() / 1e3, d.max() / 1e3);
    }
}
