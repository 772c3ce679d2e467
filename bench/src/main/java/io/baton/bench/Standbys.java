package io.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Takeovers by a warm standby ({@code bin/baton executor worker --standby}) on the launcher row's journal, one per
 * rep: the executor started on a pristine copy, its standby started beside it and waited for until it stands by,
 * then the executor SIGKILLed.
 *
 * @param records    records in the journal the executor was started on
 * @param takeover   SIGKILL sent → the shim accepted the standby's subscription (its {@code subscribed_at_us})
 * @param answering  a task launched on it once the shim lists it subscribed → RUNNING
 * @param warmUpMs   the standby's own "warmed up in N ms" (its warm-up's start, after the JVM's and the CLI's, →
 *                   standing by; µs, as every Dist)
 * @param warmCpuMs  the standby's CPU time when it stood by (all its threads, JVM start included; µs)
 * @param memory     its memory then, one per takeover ({@link Memory})
 * @param settledRssKb its resident memory (VmRSS, KiB) one second later, just before the SIGKILL of its executor
 * @param failure    why there are none (null if there are)
 */
record Standbys(long records, Dist takeover, Dist answering, Dist warmUpMs, Dist warmCpuMs, List<Memory> memory,
        List<Long> settledRssKb, String failure) {
    static Standbys none(String why) {
        Dist empty = Dist.of(List.of());
        return new Standbys(0, empty, empty, empty, empty, List.of(), List.of(), why);
    }

    /** {@code reps} takeovers, each on a pristine copy of {@code journal} (the launcher row's, after its restarts). */
    static Standbys measure(Node node, String id, Path base, Path journal, long records, int reps) throws Exception {
        List<Long> takeover = new ArrayList<>();
        List<Long> answering = new ArrayList<>();
        List<Long> warmUp = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        List<Memory> memory = new ArrayList<>();
        List<Long> settled = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            String name = "standby-" + rep;
            Path work = base.resolve(name);
            JournalFill.copyTree(journal, work.resolve("journal"));
            RecoveryBench.Started primary;
            try {
                primary = RecoveryBench.launched(node, id, work, base.resolve(name + "-executor.log"), List.of(), Map.of());
            } catch (IllegalStateException e) {
                return Standbys.none("its executor did not start: " + e.getMessage().lines().findFirst().orElse("?"));
            }
            ChildJvm standby = null;
            try {
                standby = ChildJvm.command(List.of(Launcher.path().toString(), "executor", "worker", "--id", id,
                        "--work-dir", work.toString(), "--shim", node.config.executorSocket().toString(), "--standby"),
                        Map.of("BATON_SKIP_BUILD", "1", "BATON_LOG_LEVEL", "INFO"), base.resolve(name + ".log"));
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                java.util.regex.Matcher warmed = null;
                while (standby.alive() && System.nanoTime() < until) {
                    java.util.regex.Matcher m = WARMED.matcher(standby.output());
                    if (m.find()) {
                        warmed = m;
                        break;
                    }
                    Thread.sleep(50);
                }
                if (warmed == null) {
                    return Standbys.none("the standby did not stand by within 120 s: "
                            + standby.output().lines().reduce((a, b) -> b).orElse("(no output)"));
                }
                warmUp.add(Long.parseLong(warmed.group(1)) * 1_000);
                cpu.add(standby.cpuMillis() * 1_000);
                memory.add(Memory.of(standby.pid(), warmed));
                Thread.sleep(1_000); // and once it has stood by a while (a standby waits for minutes or days)
                settled.add(Memory.of(standby.pid(), warmed).rssKb());
                long t0 = Harness.nowUs();
                primary.child().kill9();
                long subscribed = node.awaitSubscribed(id, standby.pid(), 30_000, standby);
                takeover.add(subscribed - t0);
                long a0 = Harness.nowUs();
                node.launch(id, JournalFill.task(id + "-probe-" + name)).get(30, TimeUnit.SECONDS);
                answering.add(Harness.nowUs() - a0);
            } catch (IllegalStateException | java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                return Standbys.none("the standby did not take over: " + String.valueOf(e.getMessage()).lines()
                        .findFirst().orElse("?"));
            } finally {
                try {
                    primary.child().kill9();
                } finally {
                    if (standby != null) {
                        standby.kill9();
                    }
                }
                RecoveryBench.keep(base.resolve(name + ".log"), System.getenv("BATON_BENCH_KEEP"));
                Harness.deleteTree(work);
            }
        }
        return new Standbys(records, Dist.of(takeover), Dist.of(answering), Dist.of(warmUp), Dist.of(cpu), memory, settled,
                null);
    }

    private static final java.util.regex.Pattern WARMED = java.util.regex.Pattern.compile(
            " warmed up in (\\d+) ms .*?(?:heap (\\d+) MiB in use of (\\d+) MiB committed)?\\): standing by");

    /**
     * A standby's memory once it stands by: resident in all (VmRSS), of it anonymous (RssAnon: the heap, the JIT's
     * code, metaspace, thread stacks, malloc) and mapped files (RssFile: the class-data archives, the JVM's library,
     * a journal's mapped blocks), in KiB, -1 where /proc did not say; and its heap as its log line says after the
     * full collection that ends the warm-up (MiB in use and committed, -1 if the line has no such figures).
     */
    record Memory(long rssKb, long anonKb, long fileKb, long heapUsedMiB, long heapCommittedMiB) {
        static Memory of(long pid, java.util.regex.Matcher warmed) {
            Map<String, Long> status = new java.util.HashMap<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                    int colon = line.indexOf(':');
                    if (colon > 0 && line.endsWith(" kB")) {
                        status.put(line.substring(0, colon), Long.parseLong(line.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // -1 below
            }
            return new Memory(status.getOrDefault("VmRSS", -1L), status.getOrDefault("RssAnon", -1L),
                    status.getOrDefault("RssFile", -1L), group(warmed, 2), group(warmed, 3));
        }

        private static long group(java.util.regex.Matcher m, int g) {
            return m.group(g) == null ? -1 : Long.parseLong(m.group(g));
        }
    }
}
