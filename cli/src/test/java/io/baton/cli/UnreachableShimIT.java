package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11: 'baton status' on a work dir without a shim, or with a stale socket, says what it means. */
class UnreachableShimIT {
    @TempDir
    Path dir;

    @Test
    void aMissingAndAStaleSocketAreToldApartInTheExecutorsWords() throws Exception {
        Path socket = dir.resolve("framework.sock");
        Files.writeString(dir.resolve("framework.token"), "t\n");
        String todo = " — start it with 'baton shim --work-dir " + dir + "', or pass its --work-dir or --socket";

        CliNode.Run none = CliNode.run("status", "--work-dir", dir.toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err().strip()).isEqualTo("baton status: cannot reach the shim at unix:" + socket
                + " — no shim socket at " + socket + " (is the shim running with --work-dir " + dir + "?)" + todo);

        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(socket)); // closed without removing the file, as by a killed shim
        }
        CliNode.Run stale = CliNode.run("status", "--work-dir", dir.toString());
        assertThat(stale.exit()).isEqualTo(2);
        assertThat(stale.err().strip()).isEqualTo("baton status: cannot reach the shim at unix:" + socket + " — "
                + socket + " exists but no shim is listening on it: a stale socket left by a shim that stopped; start"
                + " the shim (it replaces the file)" + todo);
    }
}
