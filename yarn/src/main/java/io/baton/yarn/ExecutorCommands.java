package io.baton.yarn;

import java.util.ArrayList;
import java.util.List;

/**
 * The shell command a NodeManager runs for a Baton executor's container. The NodeManager runs it with
 * bash from the container's work directory; every argument is single-quoted except {@code $PWD}, so the
 * journal lands in the container's work directory (which a container relaunch keeps). The token is not in
 * it: only the name of the file the NodeManager links into the work directory.
 *
 * <p>Pure; safe from any thread.
 */
public final class ExecutorCommands {
    /** The name under which the token file is linked into every executor container's work directory. */
    public static final String TOKEN_LINK = "baton.token";
    /** The executor's work directory (its journal), inside the container's work directory. */
    public static final String JOURNAL_DIR = "journal";

    private ExecutorCommands() {
    }

    /**
     * {@code <java> <flags> -cp <classpath> <main> --id <id> --work-dir "$PWD"/journal
     * --shim tcp://<host>:<port> --token-file baton.token 1><logs>/executor.out 2><logs>/executor.err}.
     *
     * @param logDir the NodeManager's expansion of the container's log directory ({@code <LOG_DIR>})
     */
    public static String command(ExecutorLaunch launch, String amHost, int executorPort, String logDir) {
        if (executorPort < 1 || executorPort > 65535) {
            throw new IllegalArgumentException("the AM's executor port must be 1-65535, got " + executorPort);
        }
        List<String> parts = new ArrayList<>();
        parts.add(quote(launch.java()));
        for (String flag : launch.jvmFlags()) {
            parts.add(quote(flag));
        }
        parts.add("-cp");
        parts.add(quote(launch.classpath()));
        parts.add(quote(launch.mainClass()));
        parts.add("--id");
        parts.add(quote(launch.executorId()));
        parts.add("--work-dir");
        parts.add("\"$PWD\"/" + JOURNAL_DIR);
        parts.add("--shim");
        parts.add(quote("tcp://" + amHost + ":" + executorPort));
        parts.add("--token-file");
        parts.add(TOKEN_LINK);
        parts.add("1>" + logDir + "/executor.out");
        parts.add("2>" + logDir + "/executor.err");
        return String.join(" ", parts);
    }

    /** Single-quotes {@code s} for bash ({@code '} becomes {@code '\''}). */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
