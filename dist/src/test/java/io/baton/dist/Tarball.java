package io.baton.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The distribution under test, {@code target/baton-<version>.tar.gz}, as {@code tar} lists and unpacks it. */
final class Tarball {
    static final Path FILE = Path.of(property("baton.dist.tarball"));
    /** {@code baton-<version>}: the tarball's top folder. */
    static final String NAME = property("baton.dist.name");

    /** One line of {@code tar -tv}: the mode as {@code ls} shows it ({@code -rwxr-xr-x}) and the path. */
    record Entry(String mode, String path) {
    }

    private Tarball() {
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run this test with "
                    + "'mvn -pl dist -am verify' (the dist module's failsafe configuration sets it)");
        }
        return value;
    }

    static List<Entry> list() throws IOException, InterruptedException {
        String out = tar("-tvzf", FILE.toString());
        // "-rwxr-xr-x root/root 2190 2026-12-02 11:12 baton-0.1.0/bin/baton": the path is the sixth field
        return out.lines().map(l -> l.split("\\s+", 6)).map(f -> new Entry(f[0], f[5])).toList();
    }

    /** Unpacks into {@code dir}; returns {@code dir/baton-<version>}. */
    static Path unpack(Path dir) throws IOException, InterruptedException {
        tar("-xzf", FILE.toString(), "-C", dir.toString());
        return dir.resolve(NAME);
    }

    private static String tar(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("tar"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
