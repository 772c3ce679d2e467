package io.baton.shim.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.shim.ShimMain;
import io.baton.shim.testing.JavaProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: a real shim makes an existing 0755 work directory 0700 and says so; another uid's is refused. */
class WorkDirModesIT {
    @TempDir
    Path tmp;

    private JavaProcess shim(Path workDir) throws Exception {
        return JavaProcess.start(tmp.resolve("shim.log"), ShimMain.class.getName(), "--work-dir", workDir.toString(),
                "--isolator", "none", "--resources", "cpus:1;mem:256", "--node", "n1");
    }

    @Test
    void anExistingOpenWorkDirIsTightenedTo0700AndTheChangeLogged() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("work"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // past the umask
        try (JavaProcess p = shim(dir)) {
            String line = p.awaitLine("tightened");
            p.awaitLine("baton shim ready");
            assertThat(line).contains("INFO").contains("tightened " + dir + " from rwxr-xr-x to rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
            assertThat(dir.resolve("framework.token")).exists();
        }
        try (JavaProcess again = shim(dir)) {
            again.awaitLine("baton shim ready");
            assertThat(again.output()).as("nothing to tighten the second time").doesNotContain("tightened");
        }
    }

    @Test
    void aWorkDirOwnedByAnotherUidIsRefusedAndLeftAlone() throws Exception {
        boolean root = "0".equals(String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid")));
        if (!root) {
            System.out.println("WorkDirModesIT: skipped the other-owner case: chown to uid 12345 needs root");
        }
        Assumptions.assumeTrue(root, "chown to uid 12345 needs root");
        Path dir = Files.createDirectory(tmp.resolve("theirs"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(dir, "unix:uid", 12345);
        try (JavaProcess p = shim(dir)) {
            assertThat(p.process.waitFor(20, TimeUnit.SECONDS)).as("the shim stops").isTrue();
            assertThat(p.process.exitValue()).isEqualTo(2);
            assertThat(p.output()).contains("baton shim: work directory " + dir + " is owned by uid 12345, but the "
                    + "shim runs as uid 0").contains("chown 0 " + dir).contains("--work-dir");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxr-xr-x");
        try (var files = Files.list(dir)) {
            assertThat(files).as("no token, lock or socket written into it").isEmpty();
        }
    }
}
