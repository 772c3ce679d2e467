package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second executor on a work directory whose journal another one writes is refused at once, saying why. */
class WorkDirInUseIT {
    @TempDir
    Path dir;

    @Test
    void aSecondExecutorOnTheSameWorkDirIsRefusedAndTheFirstGoesOn() throws Exception {
        try (CliNode node = new CliNode(dir)) {
            Path work = dir.resolve("w1");
            node.worker("w1", work);
            Path journal = work.resolve("journal");
            long files = Files.list(journal).count();

            CliNode.Run second = CliNode.run("executor", "worker", "--id", "w2", "--work-dir", work.toString(),
                    "--shim", node.config.executorSocket().toString());
            assertThat(second.exit()).isEqualTo(1);
            assertThat(second.err().strip()).isEqualTo("baton executor: executor w2 not started — its journal "
                    + journal + " is open for writing by this process (pid " + ProcessHandle.current().pid()
                    + "), and a journal has one writer — stop that executor first, or give this one another --work-dir");
            assertThat(Files.list(journal).count()).as("nothing made or deleted").isEqualTo(files);

            CliNode.Run status = node.baton("status");
            assertThat(status.exit()).isZero();
            assertThat(status.out()).contains("w1").doesNotContain("w2");
        }
    }
}
