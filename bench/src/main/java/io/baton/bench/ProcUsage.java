package io.baton.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a process had used at one moment, from /proc (Linux): CPU time of all its threads, of the JIT's compiler
 * threads ({@code C1 CompilerThre}, {@code C2 CompilerThre}) and of the VM's and the collector's ({@code VM Thread},
 * where SerialGC collects and the VM's other safepoint work runs; G1's {@code GC Thread#N} and {@code G1 …}), in ms,
 * and the minor page faults it took (a first touch of a page of memory: fresh memory the kernel must find and zero, or
 * a page of a mapped file). Where /proc cannot be read, {@link #NONE}.
 */
record ProcUsage(long cpuMs, long jitMs, long gcMs, long minorFaults) {
    static final ProcUsage NONE = new ProcUsage(-1, -1, -1, -1);

    /** USER_HZ of /proc/PID/stat: 100 on every Linux architecture Java runs on. */
    private static final long CLOCK_TICKS = 100;

    static ProcUsage of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            long[] process = fields(Files.readString(proc.resolve("stat")));
            long jit = 0;
            long gc = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(proc.resolve("task"))) {
                for (Path t : tasks) {
                    String name;
                    long[] f;
                    try {
                        name = Files.readString(t.resolve("comm")).strip();
                        f = fields(Files.readString(t.resolve("stat")));
                    } catch (IOException ended) {
                        continue; // the thread ended between the listing and the read
                    }
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        jit += f[1];
                    } else if (name.equals("VM Thread") || name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        gc += f[1];
                    }
                }
            }
            return new ProcUsage(ms(process[1]), ms(jit), ms(gc), process[0]);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** CPU time of the process so far (user + system, all its threads), in ms. */
    static long cpuMs(long pid) throws IOException {
        return ms(fields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")))[1]);
    }

    boolean known() {
        return cpuMs >= 0;
    }

    /** minflt and utime + stime (ticks) of a /proc stat line; the command, in parentheses, may hold spaces. */
    private static long[] fields(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[7]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
    }

    private static long ms(long ticks) {
        return ticks * 1000 / CLOCK_TICKS;
    }

    /**
     * This machine's cost of fresh memory, in µs per 4 KiB page: the time to allocate and zero 32 MiB that no one has
     * touched (a direct buffer; at this size the C library maps new pages for it, and zeroing it touches each one), the
     * median of 3, over its 8,192 pages. Zeroing alone is a few ms of that; the rest is the kernel's (and a
     * hypervisor's) work on each first touch, which a starting JVM pays for every page of heap, metaspace, code and
     * class-data archive it writes.
     */
    static double freshPageMicros() {
        int size = 32 << 20;
        List<Long> took = new ArrayList<>();
        List<ByteBuffer> keep = new ArrayList<>(); // none freed (and reused) before the last is timed
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            ByteBuffer b = ByteBuffer.allocateDirect(size);
            took.add(System.nanoTime() - t0);
            keep.add(b);
        }
        took.sort(null);
        return took.get(1) / 1e3 / (size / 4096.0);
    }

    /**
     * The table of what each row's restarts had used when seen re-subscribed (p50 of each column on its own), after
     * this machine's cost of a fresh page ({@code freshPageUs}).
     */
    static String table(java.util.Map<String, List<ProcUsage>> rows, double freshPageUs) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(java.util.Locale.ROOT, "What each restart had used when the benchmark saw it "
                + "re-subscribed (read from /proc at the poll that saw it, so up to one poll late; p50 of each column). "
                + "The CPU is all the process's threads: on two cores it can exceed the wall-clock time, and what the "
                + "JIT's compilers take runs beside the executor's own threads. *VM and collector*: the VM thread "
                + "(where SerialGC collects, the executor's threads stopped) and G1's threads. A minor page fault is a "
                + "first touch of a page: fresh memory the kernel must find and zero (a 2 MiB one for a heap in "
                + "transparent huge pages), or a page of a mapped file such as the class-data archive. This machine's "
                + "cost of a fresh 4 KiB page, measured in the same run (allocating and zeroing 32 MiB no one had "
                + "touched, median of 3): %.1f µs.%n%n", freshPageUs));
        b.append("| restart | n | CPU, all threads (ms) | of which JIT compilers | of which VM and collector "
                + "| minor page faults |\n|---|---|---|---|---|---|\n");
        rows.forEach((label, used) -> {
            if (used.isEmpty()) {
                return;
            }
            b.append("| ").append(label).append(" | ").append(used.size()).append(" | ")
                    .append(p50(used, ProcUsage::cpuMs)).append(" | ").append(p50(used, ProcUsage::jitMs)).append(" | ")
                    .append(p50(used, ProcUsage::gcMs)).append(" | ").append(p50(used, ProcUsage::minorFaults))
                    .append(" |\n");
        });
        return b.append('\n').toString();
    }

    private static long p50(List<ProcUsage> used, java.util.function.ToLongFunction<ProcUsage> f) {
        long[] v = used.stream().mapToLong(f).sorted().toArray();
        return v[(v.length - 1) / 2];
    }
}
