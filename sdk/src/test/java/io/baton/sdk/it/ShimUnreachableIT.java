package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ShimUnavailableException;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.JavaProcess;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: an executor started before its shim (a real child JVM, its log read from its stderr) says where it
 * connects, what each kind of failure means — no socket, then a stale socket file — without a line per attempt,
 * and when it is connected, which is as soon as its shim's socket appears; the framework client says the same for the
 * same causes.
 */
class ShimUnreachableIT {
    static final String TOKEN = "unreachable-token";

    @TempDir
    Path dir;

    /** A socket file nobody listens on: bound by the JDK, closed, and left behind (as by a killed shim). */
    static void staleSocket(Path path) throws Exception {
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();
    }

    /** How long ago a log line of a process on this machine was written, by its time of day ({@code HH:mm:ss.SSS}). */
    static long msSinceLogged(String line) {
        LocalTime at = LocalTime.parse(line.substring(0, line.indexOf(' ')));
        long ms = Duration.between(at, LocalTime.now()).toMillis();
        return ms < 0 ? ms + Duration.ofDays(1).toMillis() : ms; // written before midnight, read after
    }

    @Test
    void anExecutorWithoutItsShimSaysWhyAndThatItRetriesThenThatItConnected() throws Exception {
        Path shimDir = dir.resolve("shim");
        Path socket = shimDir.resolve("executor.sock");
        Files.createDirectories(dir.resolve("exec"));
        long started = System.nanoTime();
        try (JavaProcess executor = JavaProcess.start(List.of(), ProcessExecutor.class.getName(), "--id", "e1",
                "--work-dir", dir.resolve("exec").toString(), "--shim", socket.toString())) {
            assertThat(executor.awaitLine("connecting to the shim")).contains("INFO")
                    .endsWith("connecting to the shim at " + socket);
            assertThat(executor.awaitLine("cannot connect to the shim")).contains("WARN")
                    .endsWith("cannot connect to the shim at " + socket + ": no shim socket at " + socket
                            + " (is the shim running with --work-dir " + shimDir + "?); retrying in 100 ms, then less "
                            + "often, up to every 5 s, until it is there");
            Files.createDirectories(shimDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            staleSocket(socket);
            assertThat(executor.awaitLine("exists but no shim")).contains("WARN").contains("still cannot connect to the "
                    + "shim at " + socket + " after ").contains(" attempts: " + socket + " exists but no shim is listening"
                    + " on it: a stale socket left by a shim that stopped; start the shim (it replaces the file); "
                    + "retrying every ");
            ShimConfig config = ShimConfig.defaults(shimDir, Resources.parse("cpus:2;mem:1024"), "none");
            try (ShimServer shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start()) {
                String connected = executor.awaitLine("connected to the shim");
                assertThat(connected).contains("INFO").containsPattern("connected to the shim at " + socket
                        + " after \\d+ attempts$");
                executor.awaitLine("subscribed to the shim");
                double seconds = (System.nanoTime() - started) / 1e9;
                long warnings = Arrays.stream(executor.output().split("\n"))
                        .filter(l -> l.contains("WARN") && l.contains("connect to the shim")).count();
                int attempts = Integer.parseInt(connected.replaceAll(".* after (\\d+) attempts$", "$1"));
                System.out.printf("ShimUnreachableIT: %d attempts in %.1f s, %d warnings%n", attempts, seconds, warnings);
                assertThat(attempts).as("it kept trying").isGreaterThan(2);
                assertThat(warnings).as("the first, the change of reason, then one every 10 s at most:\n%s",
                        executor.output()).isBetween(2L, 2L + (long) (seconds / 10));
            }
        }
    }

    /**
     * An executor waiting to reconnect looks for a new shim socket (every 100 ms): started well inside a gap of its
     * backoff (the attempts at 0, 0.1, 0.3, 0.7, 1.5 and 3.1 s), the shim is connected to once it has bound, not at
     * the next attempt, and the executor says so.
     */
    @Test
    void anExecutorConnectsWhenItsShimsSocketAppearsNotAtItsNextAttempt() throws Exception {
        Path shimDir = dir.resolve("shim");
        Path socket = shimDir.resolve("executor.sock");
        Files.createDirectories(dir.resolve("exec"));
        Files.createDirectories(shimDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try (JavaProcess executor = JavaProcess.start(List.of(), ProcessExecutor.class.getName(), "--id", "e1",
                "--work-dir", dir.resolve("exec").toString(), "--shim", socket.toString())) {
            String failed = executor.awaitLine("cannot connect to the shim");
            long firstFailed = System.nanoTime() - msSinceLogged(failed) * 1_000_000;
            // just past the attempt at 1.5 s, so the shim (bound by this JVM in well under 1 s) is there long before
            // the one at 3.1 s; timed from the line's own time, not from when this process read it
            Thread.sleep(Math.max(0, 1_650 - msSinceLogged(failed)));
            ShimConfig config = ShimConfig.defaults(shimDir, Resources.parse("cpus:2;mem:1024"), "none");
            try (ShimServer shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start()) {
                long bound = System.nanoTime();
                String now = executor.awaitLine("is new: connecting now");
                assertThat(now).contains("INFO").containsPattern(java.util.regex.Pattern.quote(socket.toString())
                        + " is new: connecting now, not in \\d+ ms$");
                executor.awaitLine("subscribed to the shim");
                System.out.printf("ShimUnreachableIT: the shim bound %.2f s after the first failed attempt; the executor "
                        + "subscribed %.0f ms after the bind (%s)%n", (bound - firstFailed) / 1e9,
                        (System.nanoTime() - bound) / 1e6, now.replaceAll(".*connecting now, ", ""));
            }
        }
    }

    @Test
    void theFrameworkClientSaysTheSameForTheSameCauses() throws Exception {
        Path socket = dir.resolve("framework.sock");
        assertThatThrownBy(() -> BatonClient.connect(ClientOptions.unix(socket).token(TOKEN).build()))
                .isInstanceOf(ShimUnavailableException.class).hasMessage("cannot connect to the shim at unix:" + socket
                        + ": no shim socket at " + socket + " (is the shim running with --work-dir " + dir + "?)");
        staleSocket(socket);
        assertThatThrownBy(() -> BatonClient.connect(ClientOptions.unix(socket).token(TOKEN).build()))
                .isInstanceOf(ShimUnavailableException.class).hasMessage("cannot connect to the shim at unix:" + socket
                        + ": " + socket + " exists but no shim is listening on it: a stale socket left by a shim that"
                        + " stopped; start the shim (it replaces the file)");
    }
}
