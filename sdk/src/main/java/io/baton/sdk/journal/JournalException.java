package io.baton.sdk.journal;

import java.nio.file.Path;

/**
 * The journal's storage failed (disk full, file deleted under it, permission, corrupt record). The
 * message names the journal directory, what was being done and the cause; the executor cannot
 * continue write-ahead without its journal, so callers treat this as fatal.
 */
public class JournalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalException(Path dir, String what, Throwable cause) {
        super("journal " + dir + ": " + what + " failed: " + cause, cause);
    }

    public JournalException(Path dir, String what) {
        super("journal " + dir + ": " + what);
    }
}
