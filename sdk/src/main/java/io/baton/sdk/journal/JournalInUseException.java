package io.baton.sdk.journal;

import java.nio.file.Path;

/**
 * Another writer has the journal open ({@link WriterLock}): an executor already runs on this work directory, in
 * another process or in this one. Nothing was written, deleted or locked.
 */
public final class JournalInUseException extends JournalException {
    private static final long serialVersionUID = 1L;

    private final String holder;

    JournalInUseException(Path dir, String holder) {
        super(dir, "already open for writing by " + holder + " (" + WriterLock.NAME + " is locked): one executor per"
                + " journal directory; stop that one first, or give this one another work directory");
        this.holder = holder;
    }

    /** Who has it: "this process (pid N)", or "another process, pid N (its command)", as far as can be told. */
    public String holder() {
        return holder;
    }
}
