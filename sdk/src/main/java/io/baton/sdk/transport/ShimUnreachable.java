package io.baton.sdk.transport;

import java.io.FileNotFoundException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What a failed connect to one of the shim's Unix sockets means, in words a user can act on, instead of
 * Netty's {@code AnnotatedConnectException: connect(..) failed with error(-111): Connection refused}. Used by
 * the executor's connection (its retry warnings) and by the framework client (the CLI's "cannot reach the
 * shim"). Decides from the exception alone: Netty reports ENOENT as a bare {@link FileNotFoundException}, and
 * ECONNREFUSED and EACCES as a {@code ConnectException} whose message carries the negative errno (its
 * {@code Errors.NativeIoException} carries it as {@code expectedErr()}); the JDK's own sockets say the same in
 * words. Linux errno values, as epoll (the only transport for these sockets) is Linux-only.
 */
public final class ShimUnreachable {
    /** The causes told apart. */
    public enum Cause {
        /** ENOENT: no socket file (no shim, or another work dir). */
        NO_SOCKET,
        /** ECONNREFUSED on an existing file: nothing listens, a stale socket of a shim that stopped. */
        NOT_LISTENING,
        /** EACCES: the socket or a directory above it does not let this uid in. */
        PERMISSION_DENIED,
        OTHER
    }

    private static final int ENOENT = 2;
    private static final int EACCES = 13;
    private static final int ECONNREFUSED = 111;

    private ShimUnreachable() {
    }

    /** The cause of a failed connect, from the exception and its causes. */
    public static Cause cause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Cause c = one(t);
            if (c != Cause.OTHER) {
                return c;
            }
        }
        return Cause.OTHER;
    }

    private static Cause one(Throwable t) {
        if (t instanceof FileNotFoundException || t instanceof NoSuchFileException) {
            return Cause.NO_SOCKET;
        }
        if (t instanceof AccessDeniedException) {
            return Cause.PERMISSION_DENIED;
        }
        if (t instanceof io.netty.channel.unix.Errors.NativeIoException n) {
            Cause c = ofErrno(Math.abs(n.expectedErr()));
            if (c != Cause.OTHER) {
                return c;
            }
        }
        String m = t.getMessage() == null ? "" : t.getMessage();
        if (m.contains("error(-" + ECONNREFUSED + ")") || m.contains("Connection refused")) {
            return Cause.NOT_LISTENING;
        }
        if (m.contains("error(-" + EACCES + ")") || m.contains("Permission denied")) {
            return Cause.PERMISSION_DENIED;
        }
        if (m.contains("error(-" + ENOENT + ")") || m.contains("No such file or directory")) {
            return Cause.NO_SOCKET;
        }
        return Cause.OTHER;
    }

    private static Cause ofErrno(int errno) {
        return switch (errno) {
            case ENOENT -> Cause.NO_SOCKET;
            case EACCES -> Cause.PERMISSION_DENIED;
            case ECONNREFUSED -> Cause.NOT_LISTENING;
            default -> Cause.OTHER;
        };
    }

    /**
     * What {@code failure} to connect to {@code socket} means and what to do, for a process running as
     * {@code uid}; one sentence, without the word "error(-111)".
     */
    public static String explain(Throwable failure, Path socket, int uid) {
        return switch (cause(failure)) {
            case NO_SOCKET -> noSocket(socket);
            case NOT_LISTENING -> socket + " exists but no shim is listening on it: a stale socket left by a shim that"
                    + " stopped; start the shim (it replaces the file)";
            case PERMISSION_DENIED -> "permission denied on " + socket + " for uid " + uid + ": the shim's sockets are "
                    + "mode 0600 in a 0700 work dir, for the shim's user only; run this as that user (or root), or "
                    + "have the operator open the socket to uid " + uid;
            case OTHER -> "cannot connect to " + socket + ": " + failure;
        };
    }

    /** No socket file at {@code socket}. */
    public static String noSocket(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        return "no shim socket at " + socket + " (is the shim running with --work-dir " + dir + "?)";
    }

    /** The uid of this process (-1 if /proc cannot tell), for {@link #explain}. */
    public static int uidOfThisProcess() {
        try {
            return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }
}
