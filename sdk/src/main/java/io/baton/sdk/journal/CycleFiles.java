package io.baton.sdk.journal;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NavigableMap;
import java.util.TreeMap;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.RollingResourcesCache;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * The roll-cycle files of one queue directory: which file holds which cycle (Chronicle's own naming
 * rule, so names always agree with the queue), and how much the directory occupies.
 */
final class CycleFiles {
    static final String SUFFIX = SingleChronicleQueue.SUFFIX;

    private final Path dir;
    private final RollingResourcesCache names;

    CycleFiles(Path dir, RollCycle rollCycle, long epoch) {
        this.dir = dir;
        this.names = new RollingResourcesCache(rollCycle, epoch,
                name -> dir.resolve(name + SUFFIX).toFile(),
                file -> stripSuffix(file.getName()));
    }

    /** The file that holds (or will hold) {@code cycle}. */
    Path path(int cycle) {
        return names.resourceFor(cycle).path.toPath();
    }

    /** Cycle files present now, by cycle. Files whose names this roll cycle cannot parse are not ours. */
    NavigableMap<Integer, Path> list() throws IOException {
        NavigableMap<Integer, Path> cycles = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : stream) {
                Integer cycle = cycleOf(file.toFile());
                if (cycle != null) {
                    cycles.put(cycle, file);
                }
            }
        }
        return cycles;
    }

    /** Number of cycle files (any {@code *.cq4}). */
    int count() throws IOException {
        int count = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path ignored : stream) {
                count++;
            }
        }
        return count;
    }

    /**
     * Sum of the sizes of the directory's regular files: cycle files, Chronicle's metadata table and
     * the checkpoint file. Cycle files are sparse, so this is an upper bound of the blocks in use.
     */
    long bytes() throws IOException {
        long total = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path file : stream) {
                if (Files.isRegularFile(file)) {
                    total += Files.size(file);
                }
            }
        }
        return total;
    }

    private Integer cycleOf(File file) {
        try {
            return names.parseCount(stripSuffix(file.getName()));
        } catch (RuntimeException unparsable) {
            return null;
        }
    }

    private static String stripSuffix(String name) {
        return name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name;
    }
}
