package io.baton.bench;

import io.baton.proto.ReplacementTimings;
import io.baton.samples.http.PacedLoad;
import java.util.List;
import java.util.Locale;

/**
 * Issue 13, item 3: STOP_THEN_START against kill-then-relaunch, side by side in one run, run by run —
 * failed requests and gaps — and where each one's gap went, from the executor's hook times
 * ({@link TimedHttpExecutor}) and the load's requests on one clock. STOP_THEN_START runs with the default durability
 * (SYNC: an fsync before v1's kill) and with PROCESS, which like kill-then-relaunch makes nothing durable before it.
 */
final class SideBySide {
    private SideBySide() {
    }

    /** One run: the three scenarios under the same load, one right after the other, in {@code order} (their names). */
    record Run(int run, List<String> order, HttpDowntime.Scenario stopThenStart, HttpDowntime.Scenario killRelaunch,
            HttpDowntime.Scenario stopThenStartProcess) {
        /** STOP_THEN_START (SYNC): fewer failed requests and a shorter gap (see {@link Gap#gapNs}). */
        boolean stopThenStartBetter() {
            return better(stopThenStart, killRelaunch);
        }

        /** The same with PROCESS durability. */
        boolean processBetter() {
            return better(stopThenStartProcess, killRelaunch);
        }

        /** The three in the order they ran. */
        List<HttpDowntime.Scenario> inOrder() {
            return order.stream().map(leg -> leg.equals(HttpDowntime.KILL_RELAUNCH) ? killRelaunch
                    : leg.equals(HttpDowntime.STS_PROCESS) ? stopThenStartProcess : stopThenStart).toList();
        }

        /** The order, as the report's column shows it. */
        String orderText() {
            return String.join(" → ", order);
        }

        static boolean better(HttpDowntime.Scenario replaced, HttpDowntime.Scenario killRelaunch) {
            return replaced.failed() < killRelaunch.failed()
                    && shorter(Gap.of(replaced).gapNs(), Gap.of(killRelaunch).gapNs());
        }

        /** Whether v2 answered sooner after the call than kill-then-relaunch's v2. */
        static boolean soonerAfterCall(HttpDowntime.Scenario replaced, HttpDowntime.Scenario killRelaunch) {
            return shorter(Gap.of(replaced).newServesNs(), Gap.of(killRelaunch).newServesNs());
        }

        /** {@code s} was seen and is shorter than {@code k}, or {@code k} was never seen. */
        private static boolean shorter(long s, long k) {
            return s >= 0 && (k < 0 || s < k);
        }

        /** "yes", or what was not better: the failed requests, and the gap (v2 never answering: "no answer"). */
        static String verdict(HttpDowntime.Scenario replaced, HttpDowntime.Scenario killRelaunch) {
            if (better(replaced, killRelaunch)) {
                return "yes";
            }
            long s = Gap.of(replaced).gapNs();
            long k = Gap.of(killRelaunch).gapNs();
            Gap g = Gap.of(replaced);
            String gap = g.newServesNs() < 0 ? "no answer from v2" : g.killEnteredNs() < 0 ? "v1's kill not seen"
                    : shorter(s, k) ? "shorter gap" : s == k ? "as long a gap" : "longer gap";
            return "no (" + (replaced.failed() < killRelaunch.failed() ? "fewer" : "not fewer") + " failed, " + gap + ")";
        }
    }

    static String runName(String scenario, int run) {
        return scenario + ", run " + run;
    }

    /**
     * The times of one scenario in ns since the replace (or kill) call; -1 when not seen.
     *
     * @param killEnteredNs   v1's kill hook entered (its server stops accepting at once)
     * @param oldTerminalNs   v1's kill hook reported it KILLED (it has drained)
     * @param launchEnteredNs v2's launch hook entered
     * @param listeningNs     v2's launch hook returned (it listens)
     * @param firstFailedNs   the first failed request failed (was answered or refused)
     * @param lastFailedNs    the last failed request failed
     * @param newServesNs     the first request answered by v2 was answered
     * @param journal         the executor's journal appends and fsyncs from the KILLED report to the launch
     * @param beforeKill      the executor's journal appends and fsyncs from the call to v1's kill hook
     */
    record Gap(long killEnteredNs, long oldTerminalNs, long launchEnteredNs, long listeningNs, long firstFailedNs,
            long lastFailedNs, long newServesNs, List<TracedJournal.Op> journal, List<TracedJournal.Op> beforeKill) {
        static Gap of(HttpDowntime.Scenario s) {
            long killEntered = -1;
            long oldTerminal = -1;
            long launchEntered = -1;
            long listening = -1;
            List<TracedJournal.Op> journal = List.of();
            List<TracedJournal.Op> beforeKill = List.of();
            for (TimedHttpExecutor.Mark m : s.marks()) {
                if (m.hook().equals("kill") && m.taskId().equals(s.oldId())) {
                    killEntered = m.enteredNs() - s.startNs();
                    oldTerminal = m.killedNs() < 0 ? -1 : m.killedNs() - s.startNs();
                    beforeKill = m.journal().stream().filter(o -> o.startNs() >= s.startNs()).map(o -> new TracedJournal.Op(
                            o.kind(), o.startNs() - s.startNs(), o.endNs() - s.startNs())).toList();
                } else if (m.hook().equals("launch") && m.taskId().equals(s.newId())) {
                    launchEntered = m.enteredNs() - s.startNs();
                    listening = m.returnedNs() - s.startNs();
                    long enteredAt = m.enteredNs();
                    journal = m.journal().stream().filter(o -> o.startNs() <= enteredAt).map(o -> new TracedJournal.Op(
                            o.kind(), o.startNs() - s.startNs(), o.endNs() - s.startNs())).toList();
                }
            }
            long firstFailed = -1;
            long lastFailed = -1;
            long newServes = -1;
            String v2 = "v2";
            for (PacedLoad.Sample r : s.samples()) {
                long answered = r.dueNanos() + r.latencyNanos() - s.startNs();
                if (r.failed()) {
                    firstFailed = firstFailed < 0 ? answered : Math.min(firstFailed, answered);
                    lastFailed = Math.max(lastFailed, answered);
                } else if (v2.equals(r.version())) {
                    newServes = newServes < 0 ? answered : Math.min(newServes, answered);
                }
            }
            return new Gap(killEntered, oldTerminal, launchEntered, listening, firstFailed, lastFailed, newServes,
                    journal, beforeKill);
        }

        /** From the old task's terminal state to the new task's launch beginning. */
        long terminalToLaunchNs() {
            return oldTerminalNs < 0 || launchEnteredNs < 0 ? -1 : launchEnteredNs - oldTerminalNs;
        }

        /**
         * The gap: from v1's kill hook entered, when v1 stops accepting, to v2's first answer — the time in which no
         * version takes new work (-1 if either was not seen). Requests made meanwhile fail, or wait for v2 where
         * the port's listener is handed over. What comes before it (the call's way to the executor, the
         * replacement's work before the kill) is v1 serving as before.
         */
        long gapNs() {
            return killEnteredNs < 0 || newServesNs < 0 ? -1 : newServesNs - killEnteredNs;
        }

        /** From the first failed request to v2's first answer (-1 when none failed, or v2 never answered). */
        long outageNs() {
            return firstFailedNs < 0 || newServesNs < 0 ? -1 : newServesNs - firstFailedNs;
        }

        /** What the executor's journal did between KILLED and the launch: fsyncs (n, ms), appends (n, ms). */
        String journalWork() {
            return work(journal);
        }

        static String work(List<TracedJournal.Op> journal) {
            long syncs = journal.stream().filter(o -> o.kind().equals("sync")).count();
            long syncNs = journal.stream().filter(o -> o.kind().equals("sync")).mapToLong(o -> o.endNs() - o.startNs())
                    .sum();
            long appends = journal.size() - syncs;
            long appendNs = journal.stream().filter(o -> o.kind().startsWith("append"))
                    .mapToLong(o -> o.endNs() - o.startNs()).sum();
            String firstOp = journal.isEmpty() ? "–" : ms(journal.get(0).startNs());
            return syncs + " fsync " + ms(syncNs) + ", " + appends + " appends " + ms(appendNs) + ", first at " + firstOp;
        }

        /** Each operation and when it began (ms since the call): what the executor journaled, in order. */
        static String steps(List<TracedJournal.Op> journal) {
            if (journal.isEmpty()) {
                return "–";
            }
            StringBuilder b = new StringBuilder();
            for (TracedJournal.Op o : journal) {
                String[] kind = o.kind().replaceFirst("^append:", "").split(TracedJournal.SHIM_STAMP, 2);
                b.append(b.length() == 0 ? "" : ", ").append(kind[0]).append(' ').append(ms(o.startNs()));
                if (kind.length == 2) {
                    b.append(" (the shim's stamp + ").append(String.format(Locale.ROOT, "%.2f",
                            Long.parseLong(kind[1]) / 1e3)).append(')');
                }
            }
            return b.toString();
        }
    }

    /** The report's section: the runs, then where each scenario's gap went. */
    static String markdown(HttpDowntime.Result r) {
        StringBuilder b = new StringBuilder();
        b.append("### STOP_THEN_START against kill-then-relaunch, run by run\n\n");
        b.append(r.runs().size()).append(" runs in this one, each doing all three under the same load, in the order "
                + "shown (a run takes the next of the six orders), the same sample, the same kill grace period (")
                .append(HttpDowntime.GRACE_MS).append(" ms). STOP_THEN_START has the default durability, SYNC: an fsync "
                + "before v1's kill. With PROCESS it has none, as kill-then-relaunch makes nothing durable before its "
                + "kill or its launch: the same durability on both sides. *Gap*: from v1's kill hook entered (v1 stops "
                + "accepting) until a request is answered by v2, on the executor's and the load's common clock: the "
                + "time in which no version takes new work. Requests made in it fail, or, where v1's port listener is "
                + "handed to v2 (the sample does so when a STOP_THEN_START's v2 serves the same port), wait for v2. "
                + "*To v2's first answer*: from the call, so also the call's way to the executor and what a "
                + "replacement does before v1's kill (v1 serves as before meanwhile). *To the final update*: from the "
                + "call until the replacement's final update (STOP_THEN_START, after v2's readiness check passed) or "
                + "v2's TASK_RUNNING (kill-then-relaunch, no readiness check). *Better*: fewer failed requests than "
                + "kill-then-relaunch in the same run and a shorter gap.\n\n");
        b.append("| run | order | STOP_THEN_START failed | kill-then-relaunch failed | STOP_THEN_START (PROCESS) failed "
                + "| STOP_THEN_START gap (ms) | kill-then-relaunch gap (ms) | STOP_THEN_START (PROCESS) gap (ms) "
                + "| STOP_THEN_START to v2's first answer (ms) | kill-then-relaunch to v2's first answer (ms) "
                + "| STOP_THEN_START (PROCESS) to v2's first answer (ms) | STOP_THEN_START to the final update (ms) "
                + "| kill-then-relaunch to TASK_RUNNING (ms) | STOP_THEN_START better | STOP_THEN_START (PROCESS) better |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        int better = 0;
        int processBetter = 0;
        int sooner = 0;
        int processSooner = 0;
        for (Run run : r.runs()) {
            HttpDowntime.Scenario s = run.stopThenStart();
            HttpDowntime.Scenario k = run.killRelaunch();
            HttpDowntime.Scenario p = run.stopThenStartProcess();
            better += run.stopThenStartBetter() ? 1 : 0;
            processBetter += run.processBetter() ? 1 : 0;
            sooner += Run.soonerAfterCall(s, k) ? 1 : 0;
            processSooner += Run.soonerAfterCall(p, k) ? 1 : 0;
            b.append("| ").append(run.run()).append(" | ").append(run.orderText()).append(" | ").append(s.failed())
                    .append(" | ").append(k.failed()).append(" | ").append(p.failed()).append(" | ")
                    .append(ms(Gap.of(s).gapNs())).append(" | ").append(ms(Gap.of(k).gapNs())).append(" | ")
                    .append(ms(Gap.of(p).gapNs())).append(" | ")
                    .append(ms(Gap.of(s).newServesNs())).append(" | ").append(ms(Gap.of(k).newServesNs())).append(" | ")
                    .append(ms(Gap.of(p).newServesNs())).append(" | ")
                    .append(ms(s.endNs() - s.startNs())).append(" | ").append(ms(k.endNs() - k.startNs())).append(" | ")
                    .append(Run.verdict(s, k)).append(" | ").append(Run.verdict(p, k)).append(" |\n");
        }
        int n = r.runs().size();
        b.append("\nSTOP_THEN_START better in ").append(better).append(" of ").append(n)
                .append(" runs; with PROCESS durability in ").append(processBetter).append(" of ").append(n)
                .append(". From the call, v2 answered sooner than kill-then-relaunch's in ").append(sooner).append(" of ")
                .append(n).append(" runs; with PROCESS durability in ").append(processSooner).append(" of ").append(n)
                .append(".\n\n");

        b.append("### Where the gap goes (ms since the call)\n\n");
        b.append("From the executor's own clock (CLOCK_MONOTONIC, the same as the load's): its kill hook of v1 "
                + "entered (v1 stops accepting) and returned (drained, KILLED reported), its launch hook of v2 "
                + "entered and returned (v2 listens); and the load's first and last failed request and v2's first "
                + "answer. *Terminal → launch* is what sits between the old task's terminal state and the new "
                + "task's start: for STOP_THEN_START one step of the executor's driver loop, for "
                + "kill-then-relaunch the TASK_KILLED update's way to the framework, the framework's offer and "
                + "launch calls, and the LAUNCH event's way back. The final update's timings (the executor's wall clock, "
                + "in µs) are drain / handoff / launch / ready, in ms. The last column: what the "
                + "executor journaled from the call until v1's kill began (a replacement's REPLACE, RESERVE answer "
                + "and, with SYNC, the fsync before the kill); below the table, each of those steps with its time, "
                + "the REPLACE's also from the shim's stamp on receiving it (`requested_at_us`, the wall clock both "
                + "processes share): the call's way to the shim is the rest.\n\n");
        b.append("| scenario | kill entered | old terminal | launch entered | v2 listening | first failed | last failed "
                + "| v2's first answer | terminal → launch | executor journal in between | gap (kill entered → v2's first "
                + "answer) | outage (first failed → v2's first answer) | final update's timings | executor journal from "
                + "the call to the kill |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run run : r.runs()) {
            for (HttpDowntime.Scenario s : run.inOrder()) {
                Gap g = Gap.of(s);
                b.append("| ").append(s.name()).append(" | ").append(ms(g.killEnteredNs())).append(" | ")
                        .append(ms(g.oldTerminalNs())).append(" | ").append(ms(g.launchEnteredNs())).append(" | ")
                        .append(ms(g.listeningNs())).append(" | ").append(ms(g.firstFailedNs())).append(" | ")
                        .append(ms(g.lastFailedNs())).append(" | ").append(ms(g.newServesNs())).append(" | ")
                        .append(ms(g.terminalToLaunchNs())).append(" | ").append(g.journalWork()).append(" | ")
                        .append(ms(g.gapNs())).append(" | ").append(ms(g.outageNs())).append(" | ")
                        .append(timings(s.timings())).append(" | ").append(Gap.work(g.beforeKill())).append(" |\n");
            }
        }
        b.append('\n');
        for (Run run : r.runs()) {
            for (HttpDowntime.Scenario s : List.of(run.stopThenStart(), run.stopThenStartProcess())) {
                Gap g = Gap.of(s);
                b.append("- ").append(s.name()).append(", journaled from the call to the kill (ms): ")
                        .append(Gap.steps(g.beforeKill())).append("; kill entered at ").append(ms(g.killEnteredNs()))
                        .append('\n');
            }
        }
        b.append('\n');
        return b.toString();
    }

    private static String timings(ReplacementTimings t) {
        if (t == null) {
            return "–";
        }
        return String.format(java.util.Locale.ROOT, "%.1f / %.1f / %.1f / %.1f", t.getDrainUs() / 1000.0,
                t.getHandoffUs() / 1000.0, t.getLaunchUs() / 1000.0, t.getReadyUs() / 1000.0);
    }

    private static String ms(long ns) {
        return ns < 0 ? "–" : String.format(Locale.ROOT, "%.2f", ns / 1e6);
    }
}
