package io.baton.sdk.journal;

import java.nio.file.Path;

/**
 * An append was refused because the journal's file system has no room for it. Nothing was written
 * (the journal is unchanged and still readable); appends succeed again once space is freed. Thrown
 * instead of letting a write to an unallocated memory-mapped page raise SIGBUS, which would crash the
 * JVM.
 */
public final class JournalFullException extends JournalException {
    private static final long serialVersionUID = 1L;

    private final long freeBytes;
    private final long neededBytes;

    public JournalFullException(Path dir, String what, long freeBytes, long neededBytes) {
        super(dir, what + " refused: the file system has " + freeBytes + " bytes free, " + neededBytes
                + " needed; free space on it (the executor keeps running and retries)");
        this.freeBytes = freeBytes;
        this.neededBytes = neededBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }

    public long neededBytes() {
        return neededBytes;
    }
}
