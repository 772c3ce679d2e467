package io.baton.sdk.api;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Where an executor lives: its id (also its cgroup name: lowercase letters, digits, '.', '_', '-'),
 * its work directory (the journal), and how it reaches the shim: its executor Unix socket, or (with
 * {@code shimHost}, {@code shimPort} and the shim's token) its executor TCP port; the wall clock
 * that timestamps everything the executor decides (the system clock unless {@link #withClock}); and the
 * {@link ThreadFactory} every thread of the executor's runtime is made by ({@code threads}: null, the
 * default, for Baton's named threads {@code baton-executor-loop-P-N}, {@code baton-driver-<id>} and
 * {@code baton-hook-N}; see {@link #withThreads}).
 *
 * <pre>{@code
 * ExecutorOptions options = ExecutorOptions.fromArgs(args).withThreads(myThreadFactory);
 * }</pre>
 */
public record ExecutorOptions(String executorId, Path workDir, Path shimSocket, String shimHost, int shimPort,
        String token, Clock clock, ThreadFactory threads, Path shimAddressFile) {

    /** Without a shim address file. */
    public ExecutorOptions(String executorId, Path workDir, Path shimSocket, String shimHost, int shimPort,
            String token, Clock clock, ThreadFactory threads) {
        this(executorId, workDir, shimSocket, shimHost, shimPort, token, clock, threads, null);
    }

    public ExecutorOptions(String executorId, Path workDir, Path shimSocket) {
        this(executorId, workDir, shimSocket, null, 0, null, Clock.systemUTC(), null);
    }

    /** With Baton's named threads. */
    public ExecutorOptions(String executorId, Path workDir, Path shimSocket, String shimHost, int shimPort,
            String token, Clock clock) {
        this(executorId, workDir, shimSocket, shimHost, shimPort, token, clock, null);
    }

    /**
     * Over TCP to the address in {@code addressFile}, read again before every attempt to connect (a shim that
     * moves, like a Baton AM on YARN after a restart, publishes its new address there; see
     * {@code io.baton.sdk.transport.ShimAddressFile}).
     */
    public static ExecutorOptions tcpFromFile(String executorId, Path workDir, Path addressFile, String token) {
        return new ExecutorOptions(executorId, workDir, null, null, 0, token, Clock.systemUTC(), null,
                Objects.requireNonNull(addressFile, "addressFile"));
    }

    /** Over the shim's executor TCP port (no container: the shim cannot verify a TCP peer's pid). */
    public static ExecutorOptions tcp(String executorId, Path workDir, String host, int port, String token) {
        return new ExecutorOptions(executorId, workDir, null, host, port, token, Clock.systemUTC(), null);
    }

    /** The same options with {@code clock} as the executor's wall clock. */
    public ExecutorOptions withClock(Clock clock) {
        return new ExecutorOptions(executorId, workDir, shimSocket, shimHost, shimPort, token, clock, threads,
                shimAddressFile);
    }

    /**
     * The same options with every thread of the executor's runtime — the shim connection's IO thread
     * (which also runs the driver loop) and the hook threads ({@code recover} included) — made by
     * {@code threads}, under the names and daemon flags it gives them. Closing the executor ends them all.
     */
    public ExecutorOptions withThreads(ThreadFactory threads) {
        return new ExecutorOptions(executorId, workDir, shimSocket, shimHost, shimPort, token, clock,
                Objects.requireNonNull(threads, "threads"), shimAddressFile);
    }

    public boolean overTcp() {
        return shimHost != null || shimAddressFile != null;
    }

    public ExecutorOptions {
        Objects.requireNonNull(clock, "clock");
        if (executorId == null || !executorId.matches("[a-z0-9][a-z0-9_.-]{0,62}") || executorId.contains("..")) {
            throw new IllegalArgumentException("executor id '" + executorId + "' is invalid: use 1-63 lowercase "
                    + "letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /**
     * {@code --id ID --work-dir DIR [--shim SOCKET | --shim tcp://HOST:PORT --token-file FILE
     * | --shim-file FILE --token-file FILE]}; the shim socket defaults to /var/lib/baton/shim/executor.sock.
     * {@code --shim-file} names a file holding {@code tcp://HOST:PORT}, read again before every reconnect.
     */
    public static ExecutorOptions fromArgs(String... args) {
        String id = null;
        Path work = null;
        String shim = "/var/lib/baton/shim/executor.sock";
        Path tokenFile = null;
        Path addressFile = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--id" -> id = args[i + 1];
                case "--work-dir" -> work = Path.of(args[i + 1]);
                case "--shim" -> shim = args[i + 1];
                case "--token-file" -> tokenFile = Path.of(args[i + 1]);
                case "--shim-file" -> addressFile = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; expected --id, --work-dir, --shim, --shim-file, --token-file");
            }
        }
        if (id == null || work == null) {
            throw new IllegalArgumentException("--id and --work-dir are required");
        }
        if (addressFile != null) {
            if (tokenFile == null) {
                throw new IllegalArgumentException("--shim-file " + addressFile + " needs --token-file (the shim's token)");
            }
            return tcpFromFile(id, work, addressFile.toAbsolutePath(), readToken(tokenFile));
        }
        if (!shim.startsWith("tcp://")) {
            return new ExecutorOptions(id, work, Path.of(shim));
        }
        String hostPort = shim.substring("tcp://".length());
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || tokenFile == null) {
            throw new IllegalArgumentException("--shim tcp://HOST:PORT needs a port and --token-file (the shim's token)");
        }
        return tcp(id, work, hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)),
                readToken(tokenFile));
    }

    private static String readToken(Path tokenFile) {
        try {
            return java.nio.file.Files.readString(tokenFile).trim();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read the token file " + tokenFile + ": " + e.getMessage());
        }
    }
}
