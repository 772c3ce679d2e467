package io.baton.yarn;

import java.util.ArrayList;
import java.util.List;

/**
 * The shell command a NodeManager runs for a Baton executor's container, and how a killed executor comes
 * back in the same container.
 *
 * <p>The NodeManager writes the command into {@code launch_container.sh} as
 * {@code exec /bin/bash -c "<command>"} (Hadoop 3.4.1, {@code ContainerLaunch.UnixShellScriptBuilder}), so
 * it passes two shells: every argument is single-quoted for the inner bash and then escaped for the outer
 * double quotes. {@code $PWD} is left to the outer shell (the container's work directory, which has no
 * spaces), so the journal lands in the container's work directory, which a relaunch keeps. The token is not
 * in the command: only the name of the file the NodeManager links into the work directory.
 *
 * <p>The JVM runs under a small wrapper: if it dies by a signal (exit status above 128, e.g. 137 after a
 * SIGKILL) the container exits {@link #RELAUNCH_EXIT} instead, which the container's retry policy relaunches;
 * the NodeManager never relaunches 137 or 143 itself ({@code ContainerImpl.shouldRetry}). When the
 * NodeManager stops the container it signals the wrapper too, and the container ends for good.
 *
 * <p>A relaunch (and every later container of the application on the node started the same way) maps a class-data
 * archive the first executor made after it subscribed, in the application's local directory: the jar the
 * NodeManager localised has a modification time of its own, so an archive cannot be made before the container runs.
 *
 * <p>Pure; safe from any thread.
 */
public final class ExecutorCommands {
    /** The name under which the token file is linked into every executor container's work directory. */
    public static final String TOKEN_LINK = "baton.token";
    /**
     * The name under which each attempt of the AM links its executors' address file into every executor container
     * ({@code baton-am.address.N} for attempt N, holding {@code tcp://HOST:PORT}); executors are started with
     * {@code --shim-file baton-am.address} and read the newest version before every reconnect.
     */
    public static final String ADDRESS_LINK = "baton-am.address";
    /** The executor's work directory (its journal), inside the container's work directory. */
    public static final String JOURNAL_DIR = "journal";
    /** The container's exit status when the executor's JVM died by a signal: "relaunch me" (EX_TEMPFAIL). */
    public static final int RELAUNCH_EXIT = 75;

    private ExecutorCommands() {
    }

    /**
     * {@code <java> <class-data flags> <flags> -cp <classpath> <main> --id <id> --work-dir $PWD/journal
     * --shim-file baton-am.address --token-file baton.token 1>><logs>/executor.out 2>><logs>/executor.err},
     * then the wrapper's exit (see the class comment). Logs are appended to, so a relaunch keeps the first run's.
     * The class-data flags ({@link #archiveFlags}) are left out when {@code flags} run class-data sharing their own
     * way ({@code -Xshare:off}, say).
     *
     * @param logDir the NodeManager's expansion of the container's log directory ({@code <LOG_DIR>})
     */
    public static String command(ExecutorLaunch launch, String logDir) {
        List<String> parts = new ArrayList<>();
        boolean archive = launch.jvmFlags().stream().noneMatch(ExecutorCommands::leavesSharingToTheUser);
        if (archive) {
            parts.add(outer(archiveFlags(archiveName(launch), launch.size().memoryMb())));
        }
        parts.add(quote(launch.java()));
        if (archive) {
            parts.add(outer("\"$@\""));
        }
        for (String flag : launch.jvmFlags()) {
            parts.add(quote(flag));
        }
        parts.add("-cp");
        parts.add(quote(launch.classpath()));
        parts.add(quote(launch.mainClass()));
        parts.add("--id");
        parts.add(quote(launch.executorId()));
        parts.add("--work-dir");
        parts.add("$PWD/" + JOURNAL_DIR);
        parts.add("--shim-file");
        parts.add(ADDRESS_LINK);
        parts.add("--token-file");
        parts.add(TOKEN_LINK);
        parts.add("1>>" + logDir + "/executor.out");
        parts.add("2>>" + logDir + "/executor.err;");
        parts.add("rc=\\$?; if [ \\$rc -gt 128 ]; then exit " + RELAUNCH_EXIT + "; fi; exit \\$rc");
        return String.join(" ", parts);
    }

    /**
     * The inner bash's start: with the application's first local directory known ({@code LOCAL_DIRS}, shared by its
     * containers on the node and removed with the application), the positional parameters become the JVM's
     * class-data flags: {@code -XX:SharedArchiveFile} if {@code name} is there, else the property that has the
     * executor make it after its first subscription, in a training JVM of its own if the container ({@code containerMb}
     * at launch) has room for one (the SDK's {@code ClassDataArchive}).
     */
    static String archiveFlags(String name, long containerMb) {
        return "set --; if [ -n \"$LOCAL_DIRS\" ]; then a=\"${LOCAL_DIRS%%,*}/" + name + "\"; "
                + "if [ -f \"$a\" ]; then set -- \"-XX:SharedArchiveFile=$a\" -Xshare:auto \"-Dbaton.cds.archive=$a\"; "
                + "else set -- \"-Dbaton.cds.dump=$a\" -Dbaton.cds.container-mb=" + containerMb + "; fi; "
                + "set -- \"$@\" -Xlog:cds=off -Xlog:cds+dynamic=off; fi;";
    }

    /**
     * {@code baton-<12 hex digits>.jsa}: one archive per JVM, flags, class path and main class (an archive only serves a
     * JVM started as the one that made it).
     */
    static String archiveName(ExecutorLaunch launch) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (String part : launch.jvmFlags()) {
                sha.update((part + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            byte[] d = sha.digest((launch.java() + "\0" + launch.classpath() + "\0" + launch.mainClass())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "baton-" + java.util.HexFormat.of().formatHex(d, 0, 6) + ".jsa";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** A flag by which the user runs class-data sharing their own way: the command then adds none. */
    static boolean leavesSharingToTheUser(String flag) {
        return flag.startsWith("-Xshare:") || flag.startsWith("-XX:SharedArchiveFile") || flag.startsWith(
                "-XX:ArchiveClassesAtExit") || flag.contains("RecordDynamicDumpInfo") || flag.contains("UseSharedSpaces");
    }

    /** {@code s} escaped for the outer double quotes ({@code \ " $ `} get a backslash), for the inner bash as it is. */
    private static String outer(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "\\$").replace("`", "\\`");
    }

    /**
     * {@code s} as one word for the inner bash (single-quoted, {@code '} as {@code '\''}), escaped for the
     * outer double quotes ({@code \ " $ `} get a backslash).
     */
    static String quote(String s) {
        return outer("'" + s.replace("'", "'\\''") + "'");
    }
}
