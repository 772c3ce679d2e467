package io.baton.shim.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.Kill;
import io.baton.proto.RejectCode;
import io.baton.proto.RequestOffers;
import io.baton.proto.ShimToExecutor;
import io.baton.proto.ShimToFramework;
import io.baton.proto.TaskID;
import io.baton.resources.Resources;
import io.baton.shim.testing.TestFramework;
import io.baton.shim.testing.WireClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Framework calls without the token, or with a wrong one, are refused on the Unix socket and on TCP;
 * the TCP listeners bind to loopback by default. (The token is compared with
 * {@code MessageDigest.isEqual} in FrameworkApi and ExecutorApi, which does not stop at the first
 * differing byte; timing is not measured here.)
 */
class FrameworkAuthIT {
    static final List<String> WRONG_TOKENS = List.of("", "wrong", SecurityShim.TOKEN + "x",
            SecurityShim.TOKEN.substring(0, SecurityShim.TOKEN.length() - 1), SecurityShim.TOKEN.toUpperCase(),
            SecurityShim.TOKEN + "\u0000", " " + SecurityShim.TOKEN);

    @TempDir
    Path dir;
    SecurityShim shim;
    int fwPort;
    int execPort;

    @BeforeEach
    void start() throws Exception {
        fwPort = freePort();
        execPort = freePort();
        shim = new SecurityShim(SecurityShim.config(dir).withTcpPort(fwPort).withExecutorPort(execPort));
    }

    @AfterEach
    void stop() {
        shim.close();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void unixSocketRefusesCallsWithoutOrWithAWrongToken() throws Exception {
        try (TestFramework f = TestFramework.unix(shim.config.frameworkSocket())) {
            assertRefusedThenAccepted(f);
        }
    }

    @Test
    void tcpRefusesCallsWithoutOrWithAWrongToken() throws Exception {
        try (TestFramework f = new TestFramework(WireClient.tcp(fwPort, ShimToFramework.getDefaultInstance()))) {
            assertRefusedThenAccepted(f);
        }
    }

    private void assertRefusedThenAccepted(TestFramework f) throws Exception {
        var before = shim.state();
        int rejections = 0;
        for (FrameworkCall.Builder call : List.of(SecurityShim.stateCall(),
                FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                        .addAllResources(Resources.parse("cpus:1;mem:64").toProto())),
                FrameworkCall.newBuilder().setKill(Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue("a"))))) {
            assertUnauthenticated(f.call(call));
            rejections++;
        }
        for (String wrong : WRONG_TOKENS) {
            FrameworkResponse r = f.subscribe(wrong, true);
            assertUnauthenticated(r);
            assertThat(r.getRejected().getMessage()).contains("token").doesNotContain(SecurityShim.TOKEN);
            assertUnauthenticated(f.call(SecurityShim.stateCall())); // a refused SUBSCRIBE leaves it unauthenticated
            rejections += 2;
        }
        System.out.println("FrameworkAuthIT: " + rejections + " unauthenticated calls refused");
        assertThat(shim.state().getOfferedList()).isEqualTo(before.getOfferedList());
        assertThat(f.subscribe(SecurityShim.TOKEN, false).hasSubscribed()).isTrue();
        assertThat(f.call(SecurityShim.stateCall()).hasState()).isTrue();
    }

    private static void assertUnauthenticated(FrameworkResponse r) {
        assertThat(r.hasRejected()).as("%s", r).isTrue();
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
    }

    @Test
    void executorsOverTcpNeedTheToken() throws Exception {
        try (WireClient<ShimToExecutor> c = WireClient.tcp(execPort, ShimToExecutor.getDefaultInstance())) {
            for (String wrong : WRONG_TOKENS) {
                c.send(ExecutorCall.newBuilder().setCorrelationId(1).setSubscribe(ExecutorSubscribe.newBuilder()
                        .setExecutorId(ExecutorID.newBuilder().setValue("tcp-exec")).setToken(wrong)).build());
                var r = c.await(m -> m.hasResponse()).getResponse();
                assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
            }
        }
        assertThat(shim.state().getExecutorsCount()).isZero();
    }

    @Test
    void tcpListenersBindToLoopbackByDefault() throws Exception {
        // Netty's epoll sockets are dual-stack, so 127.0.0.1 may show up as ::ffff:127.0.0.1 in tcp6
        List<String> listening = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Files.readAllLines(Path.of(table)).stream().skip(1).map(String::trim).map(l -> l.split("\\s+"))
                    .filter(f -> f[3].equals("0A")) // LISTEN
                    .forEach(f -> listening.add(f[1]));
        }
        for (int port : new int[] {fwPort, execPort}) {
            String suffix = String.format(":%04X", port);
            List<String> mine = listening.stream().filter(a -> a.endsWith(suffix)).toList();
            System.out.println("FrameworkAuthIT: port " + port + " listens on " + mine);
            assertThat(mine).as("listeners on port %d", port).isNotEmpty().allSatisfy(a -> assertThat(a)
                    .isIn("0100007F" + suffix, "0000000000000000FFFF00000100007F" + suffix));
        }
    }
}
