package io.baton.sdk.api;

import java.nio.file.Path;

/**
 * Where an executor lives: its id (also its cgroup name: lowercase letters, digits, '.', '_', '-'),
 * its work directory (the journal), and the shim's executor socket.
 */
public record ExecutorOptions(String executorId, Path workDir, Path shimSocket) {

    public ExecutorOptions {
        if (executorId == null || !executorId.matches("[a-z0-9][a-z0-9_.-]{0,62}") || executorId.contains("..")) {
            throw new IllegalArgumentException("executor id '" + executorId + "' is invalid: use 1-63 lowercase "
                    + "letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** {@code --id ID --work-dir DIR --shim SOCKET} (the shim socket defaults to /var/lib/baton/shim/executor.sock). */
    public static ExecutorOptions fromArgs(String... args) {
        String id = null;
        Path work = null;
        Path shim = Path.of("/var/lib/baton/shim/executor.sock");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--id" -> id = args[i + 1];
                case "--work-dir" -> work = Path.of(args[i + 1]);
                case "--shim" -> shim = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; expected --id, --work-dir, --shim");
            }
        }
        if (id == null || work == null) {
            throw new IllegalArgumentException("--id and --work-dir are required");
        }
        return new ExecutorOptions(id, work, shim);
    }
}
