package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.sdk.transport.ShimUnreachable.Cause;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a failed connect to a shim socket, said in words. The exceptions have the shapes Netty's epoll
 * transport and the JDK give (ShimUnreachableIT checks the real ones): ENOENT is a bare FileNotFoundException;
 * ECONNREFUSED and EACCES are ConnectExceptions "connect(..) failed with error(-N): ...", annotated with the
 * address by the channel (AnnotatedConnectException, whose cause is the original).
 */
class ShimUnreachableTest {
    static final Path SOCKET = Path.of("/tmp/baton/executor.sock");

    /** The shape of Netty's AbstractChannel.AnnotatedConnectException (package-private there). */
    static ConnectException annotated(String netty) {
        ConnectException original = new ConnectException(netty);
        ConnectException e = new ConnectException(netty + ": " + SOCKET);
        e.initCause(original);
        return e;
    }

    @Test
    void aMissingSocketFileAsksWhetherTheShimRunsWithThatWorkDir() {
        for (Throwable t : new Throwable[] {new FileNotFoundException(), new NoSuchFileException(SOCKET.toString()),
                new IOException("connect(..) failed with error(-2): No such file or directory"),
                new CompletionException(new FileNotFoundException())}) {
            assertThat(ShimUnreachable.cause(t)).as("%s", t).isEqualTo(Cause.NO_SOCKET);
            assertThat(ShimUnreachable.explain(t, SOCKET, 1000)).as("%s", t)
                    .isEqualTo("no shim socket at /tmp/baton/executor.sock (is the shim running with --work-dir /tmp/baton?)");
        }
    }

    @Test
    void connectionRefusedOnAnExistingFileIsAStaleSocket() {
        for (Throwable t : new Throwable[] {annotated("connect(..) failed with error(-111): Connection refused"),
                new ConnectException("connect(..) failed with error(-111)"), new SocketException("Connection refused"),
                new CompletionException(annotated("connect(..) failed: Connection refused"))}) {
            assertThat(ShimUnreachable.cause(t)).as("%s", t).isEqualTo(Cause.NOT_LISTENING);
            assertThat(ShimUnreachable.explain(t, SOCKET, 1000)).as("%s", t).isEqualTo("/tmp/baton/executor.sock exists"
                    + " but no shim is listening on it: a stale socket left by a shim that stopped; start the shim"
                    + " (it replaces the file)");
        }
    }

    @Test
    void permissionDeniedNamesThePathAndTheUid() {
        for (Throwable t : new Throwable[] {annotated("connect(..) failed with error(-13): Permission denied"),
                new AccessDeniedException(SOCKET.toString())}) {
            assertThat(ShimUnreachable.cause(t)).as("%s", t).isEqualTo(Cause.PERMISSION_DENIED);
            assertThat(ShimUnreachable.explain(t, SOCKET, 65534)).as("%s", t)
                    .startsWith("permission denied on /tmp/baton/executor.sock for uid 65534: ")
                    .contains("run this as that user (or root)").endsWith("open the socket to uid 65534");
        }
    }

    @Test
    void anythingElseIsPassedOnAsItIs() {
        ConnectException other = new ConnectException("connect(..) failed with error(-110): Connection timed out");
        assertThat(ShimUnreachable.cause(other)).isEqualTo(Cause.OTHER);
        assertThat(ShimUnreachable.cause(null)).isEqualTo(Cause.OTHER);
        assertThat(ShimUnreachable.explain(other, SOCKET, 0)).isEqualTo("cannot connect to /tmp/baton/executor.sock: "
                + other);
    }

    @Test
    void aRelativeSocketPathStillNamesADirectory() {
        assertThat(ShimUnreachable.noSocket(Path.of("executor.sock"))).contains("--work-dir /");
    }
}
