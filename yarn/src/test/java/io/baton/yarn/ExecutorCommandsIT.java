package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor's container command through the same two shells the NodeManager uses: a launch script
 * running {@code exec /bin/bash -c "<command>"} from the container's work directory.
 */
@Tag("integration")
class ExecutorCommandsIT {
    @TempDir
    Path dir;

    private int runAsTheNodeManagerWould(String command) throws Exception {
        return runAsTheNodeManagerWould(command, null);
    }

    /** With {@code localDirs} as the container's {@code LOCAL_DIRS} (the NodeManager's launch script exports it). */
    private int runAsTheNodeManagerWould(String command, String localDirs) throws Exception {
        Path script = dir.resolve("launch_container.sh");
        Files.writeString(script, "#!/bin/bash\nexec /bin/bash -c \"" + command + "\"\n");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().remove("LOCAL_DIRS");
        if (localDirs != null) {
            pb.environment().put("LOCAL_DIRS", localDirs);
        }
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    @Test
    void everyArgumentArrivesAsItWasGivenAndTheJournalIsInTheWorkDir() throws Exception {
        String awkward = "/opt/my dir/it's \"$HOME\" `id`\\x.jar";
        ExecutorLaunch launch = new ExecutorLaunch("w1", new YarnSize(64, 1), "/usr/bin/printf", List.of("%s\\n"),
                awkward, "Main");
        int exit = runAsTheNodeManagerWould(ExecutorCommands.command(launch, dir.toString()));
        assertThat(exit).isZero();
        assertThat(Files.readAllLines(dir.resolve("executor.out"))).containsExactly("-cp", awkward, "Main", "--id", "w1",
                "--work-dir", dir.toRealPath() + "/journal", "--shim-file", "baton-am.address", "--token-file", "baton.token");
    }

    @Test
    void theFirstStartIsAskedToMakeTheArchiveInTheApplicationsFirstLocalDirAndLaterStartsMapIt() throws Exception {
        Path app = Files.createDirectories(dir.resolve("app dir 1"));
        Files.createDirectories(dir.resolve("app2"));
        Path java = Files.writeString(dir.resolve("java"), "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        ExecutorLaunch launch = new ExecutorLaunch("w1", new YarnSize(64, 1), java.toString(), List.of("-Xmx64m"),
                "baton.jar:.", "Main");
        String command = ExecutorCommands.command(launch, dir.toString());
        Path archive = app.resolve(ExecutorCommands.archiveName(launch));

        assertThat(runAsTheNodeManagerWould(command, app + "," + dir.resolve("app2"))).isZero();
        assertThat(Files.readAllLines(dir.resolve("executor.out"))).startsWith("-Dbaton.cds.dump=" + archive, "-Dbaton.cds.container-mb=64", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-Xmx64m", "-cp", "baton.jar:.", "Main");

        Files.write(archive, new byte[] {1});
        Files.delete(dir.resolve("executor.out"));
        assertThat(runAsTheNodeManagerWould(command, app + "," + dir.resolve("app2"))).isZero();
        assertThat(Files.readAllLines(dir.resolve("executor.out"))).startsWith("-XX:SharedArchiveFile=" + archive,
                "-Xshare:auto", "-Dbaton.cds.archive=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-Xmx64m");
    }

    @Test
    void aJvmKilledBySignalAsksForARelaunchAndAnOrdinaryFailureDoesNot() throws Exception {
        ExecutorLaunch killed = new ExecutorLaunch("w1", new YarnSize(64, 1), "/bin/sh", List.of("-c", "kill -9 $$"),
                "cp", "Main");
        assertThat(runAsTheNodeManagerWould(ExecutorCommands.command(killed, dir.toString())))
                .isEqualTo(ExecutorCommands.RELAUNCH_EXIT);
        ExecutorLaunch failed = new ExecutorLaunch("w1", new YarnSize(64, 1), "/bin/sh", List.of("-c", "exit 3"),
                "cp", "Main");
        assertThat(runAsTheNodeManagerWould(ExecutorCommands.command(failed, dir.toString()))).isEqualTo(3);
    }
}
