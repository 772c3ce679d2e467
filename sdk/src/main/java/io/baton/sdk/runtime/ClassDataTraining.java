package io.baton.sdk.runtime;

import java.util.List;

/**
 * The training JVM of {@link ClassDataArchive}: {@code ClassDataTraining MAIN ARGS...}, started by an executor with its
 * own JVM, flags and class path plus {@code -XX:ArchiveClassesAtExit}. It loads the executor's main class without
 * running it (nothing of the executor's own start-up runs twice: no files, ports or shim of the executor are touched),
 * walks the restart path of an executor in a scratch directory against a stand-in shim ({@link Standby#warmUp} with
 * small counts), over TCP if {@code ARGS} name the shim so ({@code --shim-file}, {@code --shim tcp://…}), else over a
 * Unix socket, and exits; the JVM then writes the classes it loaded into the archive. It halts at once, writing
 * nothing, if the executor that started it dies first.
 */
public final class ClassDataTraining {
    /** The training's synthetic replacements, replays and rehearsed starts: enough to load every class once. */
    static final int REPLACEMENTS = 50;
    static final int REPLAYS = 2;
    static final int REHEARSALS = 2;

    private ClassDataTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ClassDataTraining MAIN_CLASS [ARGS...] (started by an executor, see "
                    + "ClassDataArchive)");
            System.exit(2);
        }
        // the executor that started this JVM died (a SIGKILL, say): no archive from a run nobody waits for
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        long t0 = System.nanoTime();
        Class.forName(args[0], false, ClassDataTraining.class.getClassLoader());
        List<String> rest = List.of(args).subList(1, args.length);
        String did = Standby.warmUp(REPLACEMENTS, REPLAYS, REHEARSALS, overTcp(rest), null, null);
        System.out.println("class-data training for " + args[0] + ": " + did + " in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        System.exit(0); // a rehearsal that failed (logged) leaves an archive with fewer classes, still a good one
    }

    /** Whether the executor's arguments name its shim over TCP ({@code ExecutorOptions.fromArgs}' options). */
    static boolean overTcp(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--shim-file")
                    || (args.get(i).equals("--shim") && i + 1 < args.size() && args.get(i + 1).startsWith("tcp://"))) {
                return true;
            }
        }
        return false;
    }
}
