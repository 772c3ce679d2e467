package io.baton.samples.http;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * One version of the HTTP sample as a plain process, no Baton executor around it: the same {@link VersionServer}
 * (answers every GET on 127.0.0.1:PORT with VERSION) until the JVM is asked to stop (SIGTERM), then it drains
 * as a killed task does. What a cluster engine runs directly when it replaces a service on its own, e.g. YARN's
 * in-place re-initialization of a container.
 *
 * <p>{@code StandaloneVersion --port PORT --version VERSION [--threads N] [--grace-ms MS]}
 */
public final class StandaloneVersion {
    private StandaloneVersion() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = -1;
        String version = null;
        int threads = 16;
        long graceMs = 2_000;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> port = number(args[i], value);
                case "--version" -> version = value;
                case "--threads" -> threads = number(args[i], value);
                case "--grace-ms" -> graceMs = number(args[i], value);
                default -> usage("unknown argument '" + args[i] + "'");
            }
            i++;
        }
        if (port < 1 || port > 65535 || version == null || version.isEmpty() || threads < 1 || graceMs < 0) {
            usage("need --port 1-65535 and --version; --threads at least 1, --grace-ms at least 0 (got port " + port
                    + ", version " + version + ", threads " + threads + ", grace " + graceMs + " ms)");
        }
        VersionServer server = VersionServer.start(new PortListeners(), new ServerThreads(2), port, version, threads);
        System.out.println("serving '" + version + "' on 127.0.0.1:" + port);
        CountDownLatch stopped = new CountDownLatch(1);
        long grace = graceMs;
        int served = port;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                VersionServer.Drained d = server.stop(grace);
                System.out.println("drained port " + served + ": " + d.served() + " requests served, " + d.forced()
                        + " connections closed at the grace deadline");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "standalone-version-stop"));
        stopped.await();
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage(name + " needs a number, got '" + value + "'");
            return -1;
        }
    }

    private static void usage(String problem) {
        System.err.println("StandaloneVersion: " + problem
                + "\nusage: StandaloneVersion --port PORT --version VERSION [--threads N] [--grace-ms MS]");
        System.exit(2);
    }
}
