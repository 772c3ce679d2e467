package io.baton.sdk.runtime;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warm-up's scratch journal directories, {@code baton-warm-up-<pid>-<random>} in the temporary directory. The
 * warm-up removes its own when it ends; one whose executor was killed (SIGKILL during its first second: the recovery
 * benchmark's restarts left 672 of them, 550 KB each) is removed by the next executor's warm-up, once its pid is no
 * longer alive. A directory of the older name (no pid: {@code baton-warm-up-<random>}) is removed once it is
 * untouched for {@link #ORPHAN_AFTER_MS} (a warm-up lasts about a second).
 */
final class WarmUpScratch {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUpScratch.class);
    static final String PREFIX = "baton-warm-up-";
    static final long ORPHAN_AFTER_MS = 10 * 60 * 1000L;

    private WarmUpScratch() {
    }

    /** Removes leftovers in {@code tmp}, then makes this process's scratch directory there. */
    static Path create(Path tmp) throws IOException {
        sweep(tmp, System.currentTimeMillis());
        return Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-");
    }

    /** Removes the scratch directories in {@code tmp} whose process is gone (see the class); returns how many. */
    static int sweep(Path tmp, long nowMillis) {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path dir : entries) {
                if (Files.isDirectory(dir) && leftOver(dir, nowMillis)) {
                    remove(dir);
                    removed += Files.exists(dir) ? 0 : 1;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not look for the warm-up's leftovers in {}: {}", tmp, e.toString());
        }
        return removed;
    }

    private static boolean leftOver(Path dir, long nowMillis) throws IOException {
        String rest = dir.getFileName().toString().substring(PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash > 0) {
            try {
                long pid = Long.parseLong(rest.substring(0, dash));
                return pid != ProcessHandle.current().pid()
                        && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
            } catch (NumberFormatException e) {
                return false; // not one of ours
            }
        }
        return nowMillis - Files.getLastModifiedTime(dir).toMillis() > ORPHAN_AFTER_MS;
    }

    /** Removes {@code dir} and what it holds, as far as it can. */
    static void remove(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not remove the warm-up's scratch journal {}: {}", dir, e.toString());
        }
    }
}
