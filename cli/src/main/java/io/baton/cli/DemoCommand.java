package io.baton.cli;

import io.baton.cli.demo.Demo;
import io.baton.shim.isolator.Isolators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code baton demo}: everything Baton does, on this machine, in about twenty seconds. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Starts a shim and three sample executors (each in its own JVM), then shows a launch, a "
            + "partial replacement, an augmented one backed by an offer, an automatic rollback of a version that is "
            + "never ready, an invalid replacement refused with the numbers, a zero-downtime replacement of an HTTP "
            + "service under load, and the executor killed with SIGKILL mid-replacement and restarted. Exits 0 only if "
            + "every step behaved as stated."},
        footer = {"", "Example:", "  bin/baton demo", "  bin/baton demo --isolator auto   # real cgroups (needs root and "
                + "writable cgroupfs)"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--isolator", description = "none (default: limits recorded, not enforced) or auto (real cgroups "
            + "where writable).")
    String isolator = "none";

    @Option(names = "--work-dir", description = "Where the demo's shim, executors and journals live (default: a new "
            + "temporary directory, removed afterwards unless --keep).")
    Path workDir;

    @Option(names = "--keep", description = "Keep the work directory (logs and journals) for a look afterwards.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("baton-demo");
        try {
            return Demo.run(dir, Isolators.create(isolator, "baton-demo"), System.out);
        } finally {
            if (keep || workDir != null) {
                System.out.println("Logs and journals: " + dir);
            } else {
                delete(dir);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
