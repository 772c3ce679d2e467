package io.baton.shim.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Issue 11: an existing work directory is made private, or refused when another uid owns it. */
class WorkDirModesTest {
    static final Path DIR = Path.of("/var/lib/baton/shim");

    @Test
    void theShimsOwnDirectoryIsKeptWhenPrivateAndTightenedOtherwise() {
        assertThat(WorkDirModes.decide(DIR, 1000, 1000, PosixFilePermissions.fromString("rwx------")))
                .isInstanceOf(WorkDirModes.Keep.class);
        for (String wider : new String[] {"rwxr-xr-x", "rwx--x--x", "rwxrwxrwx", "rwx-----x", "r-x------"}) {
            WorkDirModes.Decision d = WorkDirModes.decide(DIR, 1000, 1000, PosixFilePermissions.fromString(wider));
            assertThat(d).as(wider).isEqualTo(new WorkDirModes.Tighten("tightened /var/lib/baton/shim from " + wider
                    + " to rwx------ (the shim's work directory is private to its uid 1000)"));
        }
    }

    @Test
    void anotherUidsDirectoryIsRefusedNamingThePathBothUidsAndWhatToDo() {
        for (String mode : new String[] {"rwx------", "rwxr-xr-x"}) {
            WorkDirModes.Decision d = WorkDirModes.decide(DIR, 12345, 0, PosixFilePermissions.fromString(mode));
            assertThat(d).as(mode).isEqualTo(new WorkDirModes.Refuse("work directory /var/lib/baton/shim is owned by "
                    + "uid 12345, but the shim runs as uid 0: another user could replace its sockets, token or executor"
                    + " owner records; give it to the shim's user (chown 0 /var/lib/baton/shim), or pass a --work-dir"
                    + " of its own"));
        }
        assertThat(WorkDirModes.decide(DIR, 0, 1000, WorkDirModes.PRIVATE)).as("root's, for a non-root shim")
                .isInstanceOf(WorkDirModes.Refuse.class);
    }
}
