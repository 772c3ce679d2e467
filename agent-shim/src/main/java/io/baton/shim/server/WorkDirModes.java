package io.baton.shim.server;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * What the shim does with an existing work directory, decided from its owner and mode alone. The directory
 * holds the sockets, the framework token and the executor owner records: whoever can write it can replace
 * them, and whoever can read it can list them. So it is the shim's own and private (0700): wider modes of a
 * directory the shim's uid owns are tightened (and the change logged); a directory another uid owns is refused,
 * since that uid could change it back or swap its files, and the shim will not chown what is not its own.
 */
public final class WorkDirModes {
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private WorkDirModes() {
    }

    /** The decision: keep it as it is, tighten it to 0700, or refuse to start. */
    public sealed interface Decision {
    }

    /** Already the shim's and 0700. */
    public record Keep() implements Decision {
    }

    /** The shim's, with a wider (or odd) mode: set 0700 and log {@link #message()}. */
    public record Tighten(String message) implements Decision {
    }

    /** Another uid's: the shim does not start; {@link #message()} says why and what to do. */
    public record Refuse(String message) implements Decision {
    }

    public static Decision decide(Path dir, int ownerUid, int shimUid, Set<PosixFilePermission> mode) {
        if (ownerUid != shimUid) {
            return new Refuse("work directory " + dir + " is owned by uid " + ownerUid + ", but the shim runs as uid "
                    + shimUid + ": another user could replace its sockets, token or executor owner records; give it"
                    + " to the shim's user (chown " + shimUid + " " + dir + "), or pass a --work-dir of its own");
        }
        if (mode.equals(PRIVATE)) {
            return new Keep();
        }
        return new Tighten("tightened " + dir + " from " + PosixFilePermissions.toString(mode) + " to "
                + PosixFilePermissions.toString(PRIVATE) + " (the shim's work directory is private to its uid "
                + shimUid + ")");
    }
}
