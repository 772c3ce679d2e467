package io.baton.sdk.journal;

import net.openhft.posix.internal.PosixAPIHolder;

/**
 * Keeps Chronicle from loading its native POSIX binding, which no Baton journal needs, at every executor start.
 *
 * <p>Chronicle Core's {@code Jvm} loads {@code PosixAPI} eagerly in its static initializer (outside JUnit): through
 * jnr-ffi, which generates and loads native call stubs — about 190 ms of an executor's start on a 2-core machine,
 * measured in JFR profiles of the recovery benchmark. Chronicle Queue and Bytes use that binding only for
 * {@code msync} (its {@code SyncMode}, and the pretoucher); Baton's journal makes its own records durable with
 * {@code fsync} of the cycle files, directory and metadata ({@link DurableFiles}, {@link ChronicleJournal#sync}),
 * which on Linux also writes back pages dirtied through the mapping. So before Chronicle's first use this installs
 * Chronicle's own no-op binding (its documented fallback when the native one cannot load: {@code msync} and
 * {@code madvise} succeed without a call).
 *
 * <p>{@code -Dbaton.journal.chroniclePosix=true} leaves Chronicle's binding alone (for comparison, or should a
 * later Chronicle need it). {@code PosixAPIHolder} is an internal class of the pinned {@code net.openhft:posix}
 * version; {@code ChroniclePosixTest} fails if it stops having the effect.
 */
final class ChroniclePosix {
    static final String KEEP_PROPERTY = "baton.journal.chroniclePosix";
    private static volatile boolean done;

    private ChroniclePosix() {
    }

    /** Idempotent; call before anything touches a Chronicle class. */
    static void beforeFirstUse() {
        if (done) {
            return;
        }
        synchronized (ChroniclePosix.class) {
            if (!done && !Boolean.getBoolean(KEEP_PROPERTY)) {
                PosixAPIHolder.useNoOpPosixApi();
            }
            done = true;
        }
    }
}
