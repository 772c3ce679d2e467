package io.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * bin/baton as the recovery benchmark's launcher row uses it: where it is, the CLI's jar it runs, the AppCDS archive it
 * makes for that jar, and a bare JVM started the way it starts one.
 */
final class Launcher {
    private Launcher() {
    }

    /**
     * Has bin/baton make its AppCDS archive for the CLI's jar ({@code bin/baton --version} makes it on first use, or
     * when the jar is newer: its hidden {@code cds-train} under {@code -XX:ArchiveClassesAtExit}), untimed; the
     * launcher's restarts then map it as every start of bin/baton does. Returns the archive.
     */
    static Path train(Path log) throws Exception {
        Path jar = jar();
        Path jsa = jar.resolveSibling(jar.getFileName().toString().replaceAll("\\.jar$", ".jsa"));
        try (ChildJvm child = ChildJvm.command(List.of(path().toString(), "--version"), Map.of("BATON_SKIP_BUILD", "1"),
                log)) {
            if (!child.waitFor(120_000)) {
                throw new IllegalStateException("bin/baton --version did not end within 120 s; its output:\n"
                        + child.output());
            }
            if (!Files.isRegularFile(jsa) || Files.size(jsa) == 0
                    || Files.getLastModifiedTime(jsa).compareTo(Files.getLastModifiedTime(jar)) < 0) {
                throw new IllegalStateException("bin/baton made no AppCDS archive at " + jsa + "; its output:\n"
                        + child.output());
            }
        }
        return jsa;
    }

    /** bin/baton: {@code -Dbaton.bench.launcher}, else the source tree's (this JVM runs in it or in a module of it). */
    static Path path() {
        String given = System.getProperty("baton.bench.launcher");
        if (given != null) {
            try {
                return Path.of(given).toRealPath(); // a symlink: the tree it is in finds the CLI's jar
            } catch (IOException e) {
                throw new IllegalStateException("-Dbaton.bench.launcher=" + given + ": " + e, e);
            }
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isExecutable(d.resolve("bin/baton")) && Files.isDirectory(d.resolve("cli"))) {
                return d.resolve("bin/baton");
            }
        }
        throw new IllegalStateException("no bin/baton above " + Path.of("").toAbsolutePath()
                + ": set -Dbaton.bench.launcher");
    }

    /** The CLI's jar bin/baton runs in the source tree (bin/bench and Maven's verify build it before this). */
    static Path jar() {
        Path jar = path().getParent().getParent().resolve("cli/target/baton.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": build it with 'mvn -B -pl cli -am package'");
        }
        return jar;
    }

    /** Where {@link BareMain} is loaded from: this module's jar (or classes directory). */
    private static String benchJar() {
        try {
            return Path.of(BareMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot tell where BareMain is loaded from", e);
        }
    }

    /** {@link BareMain}'s command in a JVM as bin/baton starts one (its flags, no others), the CLI's jar first. */
    static List<String> bareCommand(List<String> archive) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ChildJvm.FLAGS);
        cmd.addAll(archive);
        cmd.addAll(List.of("-cp", jar() + java.io.File.pathSeparator + benchJar(), BareMain.class.getName()));
        return cmd;
    }
}
