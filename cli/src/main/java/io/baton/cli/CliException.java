package io.baton.cli;

/**
 * An expected failure of a command, already worded for the user: what failed, why, and what to do.
 * {@link Baton} prints it as one line {@code baton <cmd>: what — why — what to do} and exits with
 * {@link #exitCode()}.
 */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The operation's outcome was negative, or the shim refused it. */
    static final int NEGATIVE = 1;
    /** Bad usage, or the shim could not be reached or refused the connection. */
    static final int USAGE = 2;

    private final int exitCode;

    CliException(int exitCode, String what, String why, String todo) {
        super(oneLine(what) + " — " + oneLine(why) + " — " + oneLine(todo));
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
