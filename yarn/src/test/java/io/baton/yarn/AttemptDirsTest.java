package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attempt 3 of an application finds the directories its attempts 1 and 2 left, and nothing else. */
class AttemptDirsTest {
    @TempDir
    Path work;

    @Test
    void onlyEarlierAttemptsOfTheSameApplicationAreFoundAndRemoved() throws Exception {
        String app = "application_1796279196165_0001";
        Path one = AttemptDirs.create(work, app, 1);
        Path two = AttemptDirs.create(work, app, 2);
        Files.createDirectories(two.resolve("shim"));
        Files.writeString(two.resolve("shim").resolve("executor.sock"), "");
        Path current = AttemptDirs.create(work, app, 3);
        Path otherApp = AttemptDirs.create(work, "application_1796279196165_0002", 1);
        Path tenth = AttemptDirs.create(work, app, 10);
        Path unmarked = Files.createDirectories(work.resolve(AttemptDirs.prefix(1) + "someone-else"));
        Path file = Files.writeString(work.resolve(AttemptDirs.prefix(1) + "file"), "not a directory");

        assertThat(AttemptDirs.earlier(work, app, 3)).containsExactlyInAnyOrder(one, two);
        for (Path p : AttemptDirs.earlier(work, app, 3)) {
            AttemptDirs.delete(p);
        }
        assertThat(one).doesNotExist();
        assertThat(two).doesNotExist();
        assertThat(List.of(current, otherApp, tenth, unmarked, file)).allSatisfy(p -> assertThat(p).exists());
        assertThat(AttemptDirs.earlier(work.resolve("missing"), app, 3)).isEmpty();
    }
}
