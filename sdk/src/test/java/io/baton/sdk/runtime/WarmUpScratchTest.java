package io.baton.sdk.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A warm-up's scratch journal left by a killed executor is removed by the next warm-up; nothing else is. */
class WarmUpScratchTest {
    @TempDir
    Path tmp;

    private Path scratch(String name) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.write(dir.resolve("metadata.cq4t"), new byte[1024]);
        return dir;
    }

    @Test
    void removesTheDirectoriesOfProcessesThatAreGoneAndOldOnesOfTheOlderName() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long me = ProcessHandle.current().pid();
        Path dead = scratch(WarmUpScratch.PREFIX + gone.pid() + "-1");
        Path mine = scratch(WarmUpScratch.PREFIX + me + "-2");
        Path init = scratch(WarmUpScratch.PREFIX + "1-3"); // pid 1 is alive
        Path notOurs = scratch(WarmUpScratch.PREFIX + "abc-4");
        Path oldStale = scratch(WarmUpScratch.PREFIX + "1234567890123");
        Path oldFresh = scratch(WarmUpScratch.PREFIX + "9876543210987");
        long now = System.currentTimeMillis();
        Files.setLastModifiedTime(oldStale, FileTime.fromMillis(now - WarmUpScratch.ORPHAN_AFTER_MS - 60_000));
        Path file = Files.write(tmp.resolve(WarmUpScratch.PREFIX + gone.pid() + "-file"), new byte[1]);

        assertThat(WarmUpScratch.sweep(tmp, now)).isEqualTo(2);

        assertThat(dead).doesNotExist();
        assertThat(oldStale).doesNotExist();
        assertThat(mine).isDirectory();
        assertThat(init).isDirectory();
        assertThat(notOurs).isDirectory();
        assertThat(oldFresh).isDirectory();
        assertThat(file).isRegularFile();
    }

    @Test
    void createSweepsThenNamesItsDirectoryAfterThisProcess() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dead = scratch(WarmUpScratch.PREFIX + gone.pid() + "-1");
        Path made = WarmUpScratch.create(tmp);
        assertThat(dead).doesNotExist();
        assertThat(made).isDirectory().hasParent(tmp);
        assertThat(made.getFileName().toString()).startsWith(WarmUpScratch.PREFIX + ProcessHandle.current().pid() + "-");
        WarmUpScratch.remove(made);
        assertThat(made).doesNotExist();
    }
}
