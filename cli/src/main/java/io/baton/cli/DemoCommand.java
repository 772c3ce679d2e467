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
                + "writable cgroupfs)", "  bin/baton demo --on yarn         # on a local YARN cluster (source tree only)"})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--isolator", description = "none (default: limits recorded, not enforced) or auto (real cgroups "
            + "where writable).")
    String isolator = "none";

    /** The class that runs the story on a local YARN cluster; on the class path only of bin/baton's YARN try-out. */
    static final String YARN_SITE = "io.baton.yarn.demo.LocalYarnSite";
    static final java.util.List<String> PLACES = java.util.List.of("local", "yarn");

    @Option(names = "--on", paramLabel = "PLACE", description = "local (default: a shim and executors on this machine) or "
            + "yarn (an in-process YARN cluster, 1 ResourceManager and 2 NodeManagers, Baton's ApplicationMaster, and "
            + "the executors in YARN containers; bin/baton builds and adds the cluster's class path on first use, from the "
            + "source tree).")
    String on = "local";

    @Option(names = "--work-dir", description = "Where the demo's shim, executors and journals live (default: a new "
            + "temporary directory, removed afterwards unless --keep).")
    Path workDir;

    @Option(names = "--keep", description = "Keep the work directory (logs and journals) for a look afterwards.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        if (!PLACES.contains(on)) {
            throw new CliException(CliException.USAGE, "--on '" + on + "' is not a place the demo runs",
                    "the accepted values are " + String.join(", ", PLACES), "run e.g. 'baton demo --on yarn'");
        }
        if (on.equals("yarn") && !isolator.equals("none")) {
            throw new CliException(CliException.USAGE, "--isolator " + isolator + " with --on yarn",
                    "on YARN the NodeManagers apply the containers' limits, not Baton's isolator",
                    "leave --isolator out");
        }
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("baton-demo");
        try {
            if (on.equals("yarn")) {
                return Demo.run("on a local YARN cluster", yarnSite(dir), System.out);
            }
            return Demo.run(dir, Isolators.create(isolator, "baton-demo"), System.out);
        } finally {
            if (keep || workDir != null) {
                System.out.println("Logs and journals: " + dir);
            } else {
                delete(dir);
            }
        }
    }

    /** The YARN site's opener, found on the class path bin/baton gives `demo --on yarn` (the yarn-demo module's). */
    private static Demo.SiteOpener yarnSite(Path dir) {
        try {
            Class<?> site = Class.forName(YARN_SITE);
            return (Demo.SiteOpener) site.getMethod("opener", Path.class).invoke(null, dir);
        } catch (ClassNotFoundException e) {
            throw new CliException(CliException.USAGE, "this baton has no local YARN cluster on its class path",
                    "'--on yarn' runs Hadoop's in-process cluster, which only bin/baton in Baton's source tree adds "
                            + "(it builds the yarn-demo module on first use); an installed baton.jar does not carry it",
                    "run 'bin/baton demo --on yarn' from a clone of the source tree");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the YARN demo's " + YARN_SITE + " could not be opened: " + e, e);
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
