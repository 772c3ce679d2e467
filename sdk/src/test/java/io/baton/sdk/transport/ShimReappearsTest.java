package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The look a waiting shim connection takes for a new shim: real files and real sockets in a temp directory. */
class ShimReappearsTest {
    @TempDir
    Path dir;

    /** Binds a Unix socket at {@code path} (replacing what is there, as the shim does) and leaves it behind, closed. */
    static void bind(Path path) throws Exception {
        Files.deleteIfExists(path);
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(path));
        }
    }

    @Test
    void aSocketBoundWhereThereWasNoneIsNewOnce() throws Exception {
        Path socket = dir.resolve("executor.sock");
        ShimReappears watch = ShimReappears.of(socket, false);
        assertThat(watch.changed()).as("nothing there yet").isFalse();
        bind(socket);
        assertThat(watch.changed()).isTrue();
        assertThat(watch.changed()).as("the same socket, looked at again").isFalse();
        Files.setPosixFilePermissions(socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(watch.changed()).as("its mode set, as the shim does after binding: still the same socket").isFalse();
    }

    @Test
    void aSocketBoundWhereAStaleOneWasIsNew() throws Exception {
        Path socket = dir.resolve("executor.sock");
        bind(socket); // the stale socket of a killed shim
        Files.setLastModifiedTime(socket, FileTime.from(Instant.now().minusSeconds(60)));
        ShimReappears watch = ShimReappears.of(socket, false);
        assertThat(watch.changed()).as("the stale socket is what was there").isFalse();
        bind(socket); // the new shim removes it and binds again (the inode may be reused: the time is not)
        assertThat(watch.changed()).isTrue();
        assertThat(watch.changed()).isFalse();
    }

    @Test
    void aSocketRemovedIsNotAShimAndOneBoundAfterIs() throws Exception {
        Path socket = dir.resolve("executor.sock");
        bind(socket);
        ShimReappears watch = ShimReappears.of(socket, false);
        Files.delete(socket); // a shim that stopped cleanly removes its socket
        assertThat(watch.changed()).isFalse();
        bind(socket);
        assertThat(watch.changed()).isTrue();
    }

    @Test
    void aNewerVersionOfAnAddressFileIsNewAndOtherFilesAreNot() throws Exception {
        Path address = dir.resolve("baton-am.address");
        Files.writeString(address, "tcp://127.0.0.1:1");
        ShimReappears watch = ShimReappears.of(address, true);
        Files.writeString(dir.resolve("baton-am.address.tmp"), "tcp://127.0.0.1:2");
        Files.writeString(dir.resolve("ledger"), "x");
        assertThat(watch.changed()).as("files that are not a version of it").isFalse();
        Files.writeString(dir.resolve("baton-am.address.2"), "tcp://127.0.0.1:3");
        assertThat(watch.changed()).isTrue();
        assertThat(watch.changed()).isFalse();
        Files.writeString(dir.resolve("baton-am.address.1"), "tcp://127.0.0.1:4");
        assertThat(watch.changed()).as("an older version than the newest").isFalse();
    }

    @Test
    void aDirectoryThatIsNotThereIsNoShimUntilItIs() throws Exception {
        Path socket = dir.resolve("shim").resolve("executor.sock");
        ShimReappears watch = ShimReappears.of(socket, false);
        assertThat(watch.changed()).isFalse();
        Files.createDirectories(socket.getParent());
        assertThat(watch.changed()).isFalse();
        bind(socket);
        assertThat(watch.changed()).isTrue();
    }
}
