package io.baton.bench;

import io.baton.proto.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh shim, executor and client in a JVM of a side-by-side child ({@link ReserveAB}, {@link TaskKinds}): PROCESS
 * latency after the harness's warm-up, then a throughput round for each number of replacements at once.
 */
final class FreshNode {
    /** PROCESS latency, and one throughput round per entry of the curve (as {@link Harness#throughput} gives it). */
    record Figures(Latency process, List<double[]> throughput) {
    }

    private FreshNode() {
    }

    /** Measures a fresh node in {@code dir}: its executor's tasks of {@code kind}, the shim's reserve on delivery as given. */
    static Figures measure(Harness.Plan plan, Path dir, boolean reserveOnDelivery, TimedWorker.Kind kind,
            List<Integer> curve) throws Exception {
        Files.createDirectories(dir);
        Harness h = new Harness(plan, dir, kind);
        String before = System.getProperty(ReserveAB.PROPERTY);
        System.setProperty(ReserveAB.PROPERTY, Boolean.toString(reserveOnDelivery));
        try {
            h.start();
            Latency process = h.latency(Durability.PROCESS);
            List<double[]> throughput = new ArrayList<>();
            for (int chains : curve) {
                throughput.add(h.throughput(chains));
            }
            return new Figures(process, throughput);
        } finally {
            h.stop();
            if (before == null) {
                System.clearProperty(ReserveAB.PROPERTY);
            } else {
                System.setProperty(ReserveAB.PROPERTY, before);
            }
        }
    }
}
