package io.baton.cli;

import io.baton.proto.RejectCode;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ShimRejectedException;
import io.baton.sdk.client.ShimUnavailableException;
import io.baton.sdk.transport.ShimUnreachable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Option;

/** The options every framework command shares to find the shim, and the connection they make. */
final class ShimConnection {
    @Option(names = "--work-dir", paramLabel = "DIR", description = "The shim's work dir, holding framework.sock "
            + "and framework.token (default: ${DEFAULT-VALUE}, as the shim's).")
    Path workDir = defaultWorkDir();

    @Option(names = "--socket", paramLabel = "SOCKET", description = "The shim's framework socket "
            + "(default: <work-dir>/framework.sock).")
    Path socket;

    @Option(names = "--token-file", paramLabel = "FILE", description = "The framework token "
            + "(default: <work-dir>/framework.token).")
    Path tokenFile;

    @Option(names = "--address", paramLabel = "HOST:PORT", description = "Reach the shim over TCP instead of its socket, "
            + "e.g. Baton's ApplicationMaster on YARN (with --token-file: the application's token).")
    String address;

    /** Same rule as the shim's default: /var/lib/baton/shim for root when writable, else ~/.baton/shim. */
    static Path defaultWorkDir() {
        Path system = Path.of("/var/lib/baton/shim");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && (Files.isWritable(system.getParent()) || Files.isWritable(Path.of("/var/lib")))) {
            return system;
        }
        return Path.of(System.getProperty("user.home"), ".baton", "shim");
    }

    Path socketPath() {
        return socket != null ? socket : workDir.resolve("framework.sock");
    }

    Path tokenPath() {
        return tokenFile != null ? tokenFile : workDir.resolve("framework.token");
    }

    /**
     * Connects and subscribes; every way that can fail becomes a one-line {@link CliException} with
     * exit code 2.
     */
    BatonClient connect(boolean updates, boolean autoAcknowledge) {
        return connectWithin(System.nanoTime(), () -> { }, updates, autoAcknowledge);
    }

    /**
     * As {@code connect(false, true)}, but a shim that is not up yet (no socket or token file yet, or nobody
     * listening on the socket) is tried again every 100 ms until {@code deadline} ({@link System#nanoTime()});
     * {@code onFirstWait} runs once, before the first wait.
     */
    BatonClient connectWithin(long deadline, Runnable onFirstWait) {
        return connectWithin(deadline, onFirstWait, false, true);
    }

    private BatonClient connectWithin(long deadline, Runnable onFirstWait, boolean updates, boolean autoAcknowledge) {
        boolean waited = false;
        while (true) {
            try {
                return attempt(updates, autoAcknowledge);
            } catch (NotUp n) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    throw n.failure;
                }
                if (!waited) {
                    onFirstWait.run();
                    waited = true;
                }
                pause(Math.min(100, leftMs));
            }
        }
    }

    /** A failure to connect that a shim still starting would explain. */
    private static final class NotUp extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient CliException failure;

        NotUp(CliException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    private BatonClient attempt(boolean updates, boolean autoAcknowledge) {
        if (address != null) {
            return attemptTcp(updates, autoAcknowledge);
        }
        String at = "unix:" + socketPath();
        String start = "start it with 'baton shim --work-dir " + workDir + "', or pass its --work-dir or --socket";
        if (!Files.exists(socketPath())) {
            throw new NotUp(new CliException(CliException.USAGE, "cannot reach the shim at " + at,
                    ShimUnreachable.noSocket(socketPath()), start));
        }
        if (!Files.exists(tokenPath())) {
            throw new NotUp(new CliException(CliException.USAGE, "cannot read the framework token",
                    "no such file " + tokenPath(), "pass the shim's --work-dir or its --token-file"));
        }
        // with updates, progress too: the commands that follow a replacement show its phases as they come
        ClientOptions options = ClientOptions.unix(socketPath()).tokenFile(tokenPath()).name("baton-cli")
                .updates(updates).progress(updates).autoAcknowledge(autoAcknowledge).build();
        try {
            return BatonClient.connect(options);
        } catch (ShimRejectedException r) {
            if (r.code() == RejectCode.UNAUTHENTICATED) {
                throw new CliException(CliException.USAGE, "the shim at " + at + " refused the connection",
                        "the token in " + tokenPath() + " is not the shim's (UNAUTHENTICATED: " + r.shimMessage() + ")",
                        "pass the shim's --work-dir or its --token-file");
            }
            throw new CliException(CliException.USAGE, "the shim at " + at + " refused the connection",
                    r.code() + ": " + r.shimMessage(), "check the shim's log");
        } catch (ShimUnavailableException u) {
            // the same words as an executor's for the same cause (a stale socket, no permission, ...)
            ShimUnreachable.Cause cause = ShimUnreachable.cause(u.getCause());
            String why = cause == ShimUnreachable.Cause.OTHER ? u.getMessage()
                    : ShimUnreachable.explain(u.getCause(), socketPath(), ShimUnreachable.uidOfThisProcess());
            if (cause == ShimUnreachable.Cause.PERMISSION_DENIED) {
                throw new CliException(CliException.USAGE, "cannot reach the shim at " + at, why,
                        "run it as the shim's user, or pass the --work-dir of a shim of your own");
            }
            // nobody listening yet (a shim still starting replaces the file), or gone: worth another try
            throw new NotUp(new CliException(CliException.USAGE, "cannot reach the shim at " + at, why, start));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "cannot read the framework token", e.getMessage(),
                    "pass the shim's --work-dir or its --token-file");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.USAGE, "interrupted", "while connecting to " + at, "run it again");
        }
    }

    /** Over TCP ({@code --address}): the token file must be named, a shim's work dir does not hold this one. */
    private BatonClient attemptTcp(boolean updates, boolean autoAcknowledge) {
        int colon = address.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw new CliException(CliException.USAGE, "--address '" + address + "' is not HOST:PORT",
                    "the port must be 1-65535 after the last ':'", "pass e.g. --address 10.0.0.5:41234");
        }
        if (tokenFile == null) {
            throw new CliException(CliException.USAGE, "--address " + address + " without --token-file",
                    "over TCP the token is the application's, not a local shim's", "pass its --token-file");
        }
        String host = address.substring(0, colon);
        String at = "tcp:" + address;
        if (!Files.exists(tokenFile)) {
            throw new CliException(CliException.USAGE, "cannot read the framework token", "no such file " + tokenFile,
                    "pass the application's --token-file");
        }
        ClientOptions options = ClientOptions.tcp(host, port).tokenFile(tokenFile).name("baton-cli").updates(updates)
                .progress(updates).autoAcknowledge(autoAcknowledge).build();
        try {
            return BatonClient.connect(options);
        } catch (ShimRejectedException r) {
            throw new CliException(CliException.USAGE, "the shim at " + at + " refused the connection",
                    r.code() + ": " + r.shimMessage(), r.code() == RejectCode.UNAUTHENTICATED
                            ? "pass the application's --token-file" : "check its log");
        } catch (ShimUnavailableException u) {
            throw new NotUp(new CliException(CliException.USAGE, "cannot reach the shim at " + at, u.getMessage(),
                    "check the address (the ApplicationMaster's host and framework port)"));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "cannot read the framework token", e.getMessage(),
                    "pass the application's --token-file");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.USAGE, "interrupted", "while connecting to " + at, "run it again");
        }
    }

    /** Sleeps on the command's own thread (the CLI is an edge); Ctrl-C ends the command. */
    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.USAGE, "interrupted", "while waiting", "run it again");
        }
    }

    /**
     * Runs {@code call}; if it fails, first gives back the offers this command asked for on its own (they
     * would hold their resources until they expire, and the next launch would find them taken), then fails.
     */
    static <T> T declineOnFailure(BatonClient client, List<String> implicitOffers, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            if (!implicitOffers.isEmpty()) {
                try {
                    client.decline(implicitOffers).get(5, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // they expire on their own; the call's own failure is what the user needs to see
                    if (ignored instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
            throw e;
        }
    }

    /**
     * Waits for a call's answer. A refusal by the shim becomes exit code 1 with the shim's own message;
     * a lost connection exit code 2.
     */
    static <T> T await(CompletableFuture<T> f, String what, String todo) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof ShimRejectedException r) {
                throw new CliException(CliException.NEGATIVE, what + " refused by the shim",
                        r.code() + ": " + r.shimMessage(), todo);
            }
            if (c instanceof ShimUnavailableException u) {
                throw new CliException(CliException.USAGE, what + " failed", u.getMessage(), "check that the shim runs");
            }
            throw new CliException(CliException.USAGE, what + " failed", String.valueOf(c), "check the shim's log");
        } catch (TimeoutException e) {
            throw new CliException(CliException.USAGE, what + " got no answer", "the shim did not answer within 30 s",
                    "check that the shim runs and is not overloaded");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.USAGE, what + " interrupted", "Ctrl-C or shutdown", "run it again");
        }
    }
}
