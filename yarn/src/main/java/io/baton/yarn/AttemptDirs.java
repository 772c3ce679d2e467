package io.baton.yarn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The managed AM's per-attempt directories under its {@code --work-dir} ({@code baton-am-<attempt>-<random>},
 * short because the shim's Unix sockets go in them, each holding a file {@value #OWNER} that names the
 * application). An attempt killed with SIGKILL cannot remove its own; the next attempt of the same application on
 * the same host removes those of earlier attempts when it starts (an earlier attempt has ended by then: YARN starts
 * the next one only after). Directories of other applications, or of this attempt, are never touched.
 */
final class AttemptDirs {
    static final String OWNER = "application";

    private AttemptDirs() {
    }

    static String prefix(int attempt) {
        return "baton-am-" + attempt + "-";
    }

    /** Makes this attempt's directory, marked as {@code application}'s. */
    static Path create(Path workDir, String application, int attempt) throws IOException {
        Files.createDirectories(workDir);
        Path dir = Files.createTempDirectory(workDir, prefix(attempt));
        Files.writeString(dir.resolve(OWNER), application, StandardCharsets.UTF_8);
        return dir;
    }

    /** The directories in {@code workDir} that earlier attempts (1 .. attempt − 1) of {@code application} made. */
    static List<Path> earlier(Path workDir, String application, int attempt) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(workDir)) {
            return out;
        }
        try (Stream<Path> entries = Files.list(workDir)) {
            for (Path p : entries.sorted().toList()) {
                String name = p.getFileName().toString();
                for (int k = 1; k < attempt; k++) {
                    if (name.startsWith(prefix(k)) && Files.isDirectory(p) && ownedBy(p, application)) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    private static boolean ownedBy(Path dir, String application) {
        try {
            return Files.readString(dir.resolve(OWNER), StandardCharsets.UTF_8).equals(application);
        } catch (IOException e) {
            return false; // no mark (another program's, or half made): not ours to remove
        }
    }

    /** Deletes {@code dir} and what it holds (sockets, files), deepest first. */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
