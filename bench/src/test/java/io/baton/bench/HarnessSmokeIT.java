package io.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The harness runs end to end in smoke mode and reports every row; the figures themselves are not judged. */
class HarnessSmokeIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(420)
    void smokeRunProducesTheTablesAndThePlot() throws Exception {
        Path svg = dir.resolve("http-downtime.svg");
        String report = Harness.run(true, svg);
        System.out.println(report);
        assertThat(report).contains("| cores | ", "| memory | ", "| date | ");
        for (String d : new String[] {"PROCESS", "SYNC"}) {
            assertThat(report).contains("| total (timings.total_us) | " + d + " |",
                    "| drain (task's own stop) | " + d + " |",
                    "| launch (task's own start) | " + d + " |",
                    "| SDK overhead (total − drain − launch) | " + d + " |",
                    "| Baton's time (total − the author's kill and launch, timed in its hooks) | " + d + " |");
        }
        // measured twice in PROCESS: JIT-warm, and right after the shorter warm-up (until 2026-12-05 the only one)
        assertThat(report).containsPattern("\\| Baton's time after only [0-9]+ warm-up replacements \\(the JIT still "
                + "compiling\\) \\| PROCESS \\| [1-9][0-9]* \\|");
        assertThat(report).contains("| executor heartbeat round trip (delivery = half of it) |",
                "| executor RESERVE round trip (container limits set before the answer) |",
                "| for comparison: framework STATE round trip (the previous floor's round trip) |",
                "journal appends (PROCESS) |", "fsyncs (SYNC) |", "| overhead/floor ratio, PROCESS",
                "| the same against the previous floor", "| fsyncs per replacement, SYNC |",
                "| heap per live task at 500 live tasks");
        // the throughput curve: 1, 16 and 256 at once, each with replacements committed
        for (int at : new int[] {1, 16, 256}) {
            assertThat(report).containsPattern("\\| throughput, one executor, worker-sample tasks \\(a thread each\\), " + at
                    + " replaced at once, PROCESS \\| [0-9]+ replacements/s \\([1-9][0-9]* committed in [0-9.]+ s after "
                    + "[0-9.]+ s at that concurrency not counted; 0 not committed; whole round [1-9][0-9]*/s\\) \\|");
        }
        assertThat(report).doesNotContain("| -1 |");
        // PROCESS latency and throughput again with the shim's reserve on delivery off, beside the default's
        assertThat(report).contains("## The shim's reserve on delivery, side by side")
                .contains("| figure | executor's RESERVE | reserve on delivery |\n") // once each way in a smoke run
                .containsPattern("\\| SDK overhead \\(Baton's time\\) p50 / p99( \\| [0-9]+ / [0-9]+){2} \\|\n")
                .containsPattern("\\| throughput, 16 at once \\(replacements/s\\)( \\| [1-9][0-9]*){2} \\|\n");
        // the same with no-op tasks, their hooks on hook threads and called on the loop, each kind in its own JVM
        assertThat(report).contains("## By kind of task: hook threads against hooks that return at once")
                .contains("| figure | worker sample (a thread per task), hooks on hook threads | no-op tasks, hooks on hook"
                        + " threads (the default) | no-op tasks, hooks called on the driver loop (`hooksReturnAtOnce`) | "
                        + "no-op tasks, hooks on hook threads (the default), G1 instead of SerialGC (the JVM's default "
                        + "here, as `bin/baton` starts an executor) |")
                .containsPattern("\\| Baton's time \\(total − the author's kill and launch\\) p50 / p99( \\| [0-9]+ / "
                        + "[0-9]+){4} \\|")
                .containsPattern("\\| Baton's time right after the shorter warm-up \\(the JIT still compiling: see Setup\\) "
                        + "p50 / p99( \\| [0-9]+ / [0-9]+){4} \\|");
        for (int at : new int[] {1, 16, 256}) {
            assertThat(report).containsPattern("\\| throughput, " + at + " replaced at once \\(per s; in brackets over "
                    + "the whole round, warm-up included\\)( \\| [1-9][0-9]* \\([1-9][0-9]*\\)){4} \\|\n");
            assertThat(report).containsPattern("\\| CPU per replacement, " + at + " at once \\(µs of the whole JVM's "
                    + "CPU time, every thread: shim, executor, client, GC; counted part\\)( \\| [1-9][0-9]*){4} \\|\n");
        }
        assertThat(report).containsPattern("Against the target for Baton's time \\(p50 ≤ 300 µs, p99 ≤ 1,000 µs, "
                + "PROCESS\\): [0-9]+ / [0-9]+ µs with worker sample");
        assertThat(report).containsPattern("Against the target \\(≥ 5,000 replacements/s on one executor with no-op "
                + "tasks, 16 at once\\): [0-9]+/s with no-op tasks, hooks on hook threads \\(the default\\); [0-9]+/s with "
                + "no-op tasks, hooks called on the driver loop");

        // the HTTP comparison: every scenario, STOP_THEN_START (SYNC and PROCESS) and kill-then-relaunch once per
        // side-by-side run
        assertThat(report).contains("## HTTP service under steady load", "(http-downtime.svg)");
        for (String s : new String[] {"START_THEN_STOP", "FREEZE_THEN_START", "STOP_THEN_START, run 1",
            "kill-then-relaunch, run 1", "STOP_THEN_START (PROCESS), run 1", "STOP_THEN_START, run 2",
            "kill-then-relaunch, run 2", "STOP_THEN_START (PROCESS), run 2"}) {
            assertThat(report).containsPattern("\\| " + Pattern.quote(s) + " \\| [A-Z_]+ \\| [0-9.]+ \\| [0-9]+ \\| [0-9]+ \\| ");
            assertThat(report).contains("| failed requests, HTTP sample under load, " + s + " | ");
        }
        // ... the runs side by side, one row each, and where each scenario's gap went (hook times seen)
        assertThat(report).contains("### STOP_THEN_START against kill-then-relaunch, run by run",
                "### Where the gap goes (ms since the call)")
                .containsPattern("STOP_THEN_START better in [0-2] of 2 runs; with PROCESS durability in [0-2] of 2\\. "
                        + "From the call, v2 answered sooner than kill-then-relaunch's in [0-2] of 2 runs; with PROCESS "
                        + "durability in [0-2] of 2\\.");
        for (int run = 1; run <= 2; run++) {
            assertThat(report).containsPattern("\\| " + run + " \\| " + Pattern.quote(String.join(" → ", HttpDowntime.order(run)))
                    + "( \\| [0-9]+){3}( \\| ([0-9.]+|–)){8}( \\| (yes|no \\([a-z ,0-9']+\\))){2} \\|\n");
            // where the gap went: three rows a run, in the order they ran ("–" where nothing failed or was seen)
            StringBuilder rows = new StringBuilder();
            for (String s : HttpDowntime.order(run)) {
                rows.append("\\| ").append(Pattern.quote(s + ", run " + run)).append("( \\| ([0-9.]+|–)){8} \\| [0-9]+ fsync "
                        + "[^|\n]*( \\| ([0-9.]+|–)){2} \\| [^\n]*\n"); // then the gap and the outage
            }
            assertThat(report).containsPattern(rows.toString());
        }
        String plot = Files.readString(svg);
        assertThat(plot).startsWith("<svg ").endsWith("</svg>\n").contains("START_THEN_STOP", "STOP_THEN_START",
                "FREEZE_THEN_START", "kill-then-relaunch", "fill=\"#f5d9a8\"");

        // recovery after SIGKILL: a row per journal size, with the records the journal really held
        assertThat(report).contains("## Executor recovery after SIGKILL, against journal size",
                "| recovery, ", "A bare JVM start", "× a bare JVM start (p50)", "as bin/baton starts a JVM",
                "| bare JVM start (prints and exits), p50 | ");
        // ... what each restart had used by then: CPU (the JIT's compilers, the VM thread and collector apart) and page
        // faults, beside this machine's cost of a fresh page
        assertThat(report).containsPattern("This machine's cost of a fresh 4 KiB page, measured in the same run "
                + "\\(allocating and zeroing 32 MiB no one had touched, median of 3\\): [0-9]+\\.[0-9] µs\\.")
                .containsPattern("\\| [0-9]{4,} records, default \\([0-9]+ MiB blocks\\), as executors start \\| 2 "
                        + "\\|( [1-9][0-9]* \\|){2} [0-9]+ \\| [1-9][0-9]* \\|\n");
        // ... with every phase of the restart timed (six "p50 / max" columns)
        assertThat(report).containsPattern("\\| [0-9]{4,} \\| default \\([0-9]+ MiB blocks\\), as executors start "
                + "\\| [0-9]+ \\| 2 \\|( [0-9.]+ / [0-9.]+ \\|){7}\n");
        // ... and the same journal restarted with the connection made only after recovery, side by side
        assertThat(report).containsPattern("\\| [0-9]{4,} \\| default \\([0-9]+ MiB blocks\\), connect after recovery "
                + "\\(`-Dbaton.executor.preconnect=false`\\) \\| [0-9]+ \\| 2 \\|( [0-9.]+ / [0-9.]+ \\|){7}\n");
        // ... and with Chronicle's native POSIX binding loaded, as before ChroniclePosix
        assertThat(report).containsPattern("\\| [0-9]{4,} \\| default \\([0-9]+ MiB blocks\\), Chronicle's native POSIX "
                + "binding loaded \\(`-Dbaton.journal.chroniclePosix=true`\\) \\| [0-9]+ \\| 2 \\|( [0-9.]+ / [0-9.]+ \\|){7}\n");
        // ... and restarted as an operator does, bin/baton executor worker with its archive, every phase timed; side by
        // side with the queue opened at the start and waited for (as before 2026-12-06) and with picocli's parse
        String launched = "\\| [0-9]{4,} \\| default \\([0-9]+ MiB blocks\\), `bin/baton executor worker` \\(one jar, "
                + "bin/baton's AppCDS archive, the JVM's default collector and heap\\), ";
        for (String variant : new String[] {"as executors start", "the queue opened at the start and waited for "
                + "\\(`-Dbaton.executor.openQueueAtStart=true`\\)", "arguments parsed by picocli "
                + "\\(`-Dbaton.cli.quickExecutor=false`\\)"}) {
            assertThat(report).containsPattern(launched + variant + " \\| [0-9]+ \\| 2 \\|( [0-9.]+ / [0-9.]+ \\|){7}\n");
        }
        // ... and a warm standby taking over from the launched executor, timed from the SIGKILL, twice
        assertThat(report).containsPattern("2 takeovers on the launcher row's [0-9]{4,}-record journal: SIGKILL sent → "
                + "the shim accepted the standby's subscription [0-9.]+ / [0-9.]+ ms \\(p50 / max\\); a task launched on "
                + "it then RUNNING in [0-9.]+ / [0-9.]+ ms\\. Standing by cost it [0-9.]+ / [0-9.]+ ms of warm-up")
                .containsPattern("it holds [0-9]+ MiB resident as it says it stands by \\(p50; [0-9]+ MiB anonymous, of "
                        + "it a heap of [0-9]+ MiB committed with [0-9]+ MiB in use after its full collection, and [0-9]+ "
                        + "MiB of mapped files\\), and [0-9]+ MiB a second later\\.")
                .containsPattern("\\| a warm standby's takeover \\(`baton executor worker --standby`\\), [0-9]{4,}-record "
                        + "journal, SIGKILL → re-subscribed, p50 \\| [0-9.]+ ms");
        // one shim at scale: the curve (a row per executor count, and one with every task up) and the targets
        assertThat(report).contains("## One shim at scale: 50 executors, 2,000 tasks",
                "| re-subscription storm after shim SIGKILL, new shim process start → all 50 re-subscribed | ",
                "| re-subscription storm after shim SIGKILL, the new shim with the AppCDS archive of its start (as "
                        + "`bin/baton shim` starts it), new shim process start → all 50 re-subscribed | ",
                "| STATE over 2,000 tasks, p50 / max", "| RECONCILE (all tasks) over 2,000 tasks, p50 / max",
                "| shim heap per executor", "| shim heap per task | ", "| p50 growth from 5 to 50 executors");
        for (String row : new String[] {"5 \\| 0", "20 \\| 0", "50 \\| 0", "50 \\| 2,000"}) {
            assertThat(report).containsPattern("\\| " + row + " \\|( [0-9]+ / [0-9]+ \\|){5}\n");
        }
        // ... each storm with the new shim's CPU and page faults, by listening and by the last re-subscription
        assertThat(report).containsPattern("the new shim's CPU time until then, JVM start included: [0-9,]+ ms \\(the "
                + "JIT's compilers [0-9,]+ ms, the VM thread and collector [0-9,]+ ms; [0-9,]+ minor page faults\\), of "
                + "which by listening [0-9,]+ ms \\(the JIT's compilers [0-9,]+ ms, the VM thread and collector [0-9,]+ "
                + "ms; [0-9,]+ minor page faults\\)\\) \\| ≤ 5,000 ms \\|");
        assertThat(report).doesNotContain("**not all re-subscribed**", "The shim refused a call");
        // and the profile findings behind the figures
        assertThat(report).contains("## Profiling: what was fixed, and why targets were missed on the way");
    }
}
