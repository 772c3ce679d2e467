package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch a waiting shim connection keeps on the file its shim announces itself by: real files, real inotify. */
class ShimReappearsTest {
    @TempDir
    Path dir;

    @Test
    void theFileBeingCreatedOrChangedIsSeenOnce() throws Exception {
        Path socket = dir.resolve("executor.sock");
        try (ShimReappears watch = ShimReappears.watch(socket, false)) {
            assertThat(watch.changed()).as("nothing happened yet").isFalse();
            Files.writeString(socket, "x");
            await().atMost(Duration.ofSeconds(10)).until(watch::changed);
            Files.writeString(socket, "y"); // a change (the shim's chmod after its bind is one)
            await().atMost(Duration.ofSeconds(10)).until(watch::changed);
        }
    }

    @Test
    void onlyTheFilesOwnNameCountsAndWithVersionsItsNumberedVersions() throws Exception {
        try (ShimReappears socket = ShimReappears.watch(dir.resolve("executor.sock"), false);
             ShimReappears address = ShimReappears.watch(dir.resolve("baton-am.address"), true)) {
            assertThat(socket.names("executor.sock")).isTrue();
            assertThat(socket.names("framework.sock")).isFalse();
            assertThat(socket.names("executor.sock.2")).as("a socket has no versions").isFalse();
            assertThat(address.names("baton-am.address")).isTrue();
            assertThat(address.names("baton-am.address.2")).isTrue();
            assertThat(address.names("baton-am.address.12")).isTrue();
            assertThat(address.names("baton-am.address.")).isFalse();
            assertThat(address.names("baton-am.address.tmp")).isFalse();
            assertThat(address.names("baton-am.addresses")).isFalse();
        }
    }

    @Test
    void anotherFileInTheDirectoryIsNotTheShim() throws Exception {
        try (ShimReappears watch = ShimReappears.watch(dir.resolve("baton-am.address"), true)) {
            Files.writeString(dir.resolve("ledger.state"), "x");
            Files.writeString(dir.resolve("framework.sock"), "y");
            Files.writeString(dir.resolve("baton-am.address.tmp"), "z");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !watch.changed());
            Files.writeString(dir.resolve("baton-am.address.3"), "tcp://127.0.0.1:1");
            await().atMost(Duration.ofSeconds(10)).until(watch::changed);
        }
    }

    @Test
    void aDirectoryThatIsNotThereCannotBeWatched() {
        assertThatThrownBy(() -> ShimReappears.watch(dir.resolve("missing").resolve("executor.sock"), false))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aClosedWatchSeesNothing() throws Exception {
        Path socket = dir.resolve("executor.sock");
        ShimReappears watch = ShimReappears.watch(socket, false);
        watch.close();
        Files.writeString(socket, "x");
        assertThat(watch.changed()).isFalse();
    }
}
