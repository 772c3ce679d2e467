package io.baton.sdk.it;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Samples what a long run could leak, in this JVM (which holds the shim, the executors and the client):
 * heap in use after a full GC, open file descriptors, live threads, and the journals' disk use (blocks
 * actually allocated, from {@code du}, and cycle files).
 */
final class SoakSampler {
    /** One sample, {@code atMs} after the replace loop started, after {@code replacements} replacements. */
    record Sample(long atMs, long replacements, long heapBytes, int fds, int threads, long journalKiB, int journalFiles) {
        @Override
        public String toString() {
            return String.format("t=%6d ms  replacements=%7d  heap-after-gc=%6.1f MiB  fds=%4d  threads=%3d  "
                    + "journal=%7d KiB in %3d files", atMs, replacements, heapBytes / 1048576.0, fds, threads, journalKiB,
                    journalFiles);
        }
    }

    private final List<Path> journals;
    final List<Sample> samples = new ArrayList<>();

    SoakSampler(List<Path> journals) {
        this.journals = journals;
    }

    Sample sample(long atMs, long replacements) throws IOException, InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc(); // two rounds: objects with finalizers or cleaners go in the second
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        String[] fds = new File("/proc/self/fd").list();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long kib = 0;
        int files = 0;
        for (Path j : journals) {
            kib += du(j);
            try (Stream<Path> s = Files.list(j)) {
                files += (int) s.filter(p -> p.toString().endsWith(".cq4")).count();
            }
        }
        Sample s = new Sample(atMs, replacements, heap, fds == null ? -1 : fds.length, threads, kib, files);
        samples.add(s);
        return s;
    }

    /** KiB allocated on disk (cycle files are sparse: their size says little). */
    private static long du(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("du", "-sk", dir.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("du -sk " + dir + " did not finish in 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        try {
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            // a cycle file deleted by retention while du walked: sample again
            return du(dir);
        }
    }

    /** The sample taken once the run is warm: the first at or after a fifth of the run. */
    Sample early(long runMs) {
        return samples.stream().filter(s -> s.atMs() >= runMs / 5).findFirst().orElse(samples.get(0));
    }

    Sample late() {
        return samples.get(samples.size() - 1);
    }

    /** The largest of each figure over the second half of the run (a leak shows there as well). */
    Sample peakLate(long runMs) {
        List<Sample> l = samples.stream().filter(s -> s.atMs() >= runMs / 2).toList();
        List<Sample> from = l.isEmpty() ? List.of(late()) : l;
        return new Sample(late().atMs(), late().replacements(),
                from.stream().mapToLong(Sample::heapBytes).max().orElse(0),
                from.stream().mapToInt(Sample::fds).max().orElse(0),
                from.stream().mapToInt(Sample::threads).max().orElse(0),
                from.stream().mapToLong(Sample::journalKiB).max().orElse(0),
                from.stream().mapToInt(Sample::journalFiles).max().orElse(0));
    }
}
