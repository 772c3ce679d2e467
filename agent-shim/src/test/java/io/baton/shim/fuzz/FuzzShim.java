package io.baton.shim.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.NodeState;
import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestFramework;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A real shim on a fresh temp dir, built through the public API, for the fuzz properties. */
final class FuzzShim implements AutoCloseable {
    static final String TOKEN = "fuzz-token-0123456789";
    static final String TOTAL = "cpus:4;mem:4096;ports:[31000-31099]";

    final Path dir;
    final ShimConfig config;
    final ShimServer server;

    /** What must not move when nobody authorized a change. */
    record LedgerView(Resources allocated, Resources reserved, Resources offered, int executors) {
    }

    FuzzShim(int maxFrame, long idleMs) throws Exception {
        this(maxFrame, idleMs, c -> c);
    }

    FuzzShim(int maxFrame, long idleMs, java.util.function.UnaryOperator<ShimConfig> tweak) throws Exception {
        this.dir = Files.createTempDirectory("baton-fuzz");
        this.config = tweak.apply(ShimConfig.defaults(dir.resolve("work"), Resources.parse(TOTAL), "none")
                .withTimeouts(maxFrame, 30_000, idleMs, 60_000));
        this.server = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
    }

    LedgerView view() throws Exception {
        NodeState s = server.state();
        return new LedgerView(Resources.fromProto(s.getAllocatedList()), Resources.fromProto(s.getReservedList()),
                Resources.fromProto(s.getOfferedList()), s.getExecutorsCount());
    }

    /** The shim still serves: a brand-new framework connection can SUBSCRIBE and read STATE. */
    void assertServes() throws Exception {
        try (TestFramework f = TestFramework.unix(config.frameworkSocket())) {
            assertThat(f.subscribe(TOKEN, false).hasSubscribed()).as("fresh SUBSCRIBE").isTrue();
            assertThat(f.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState()
                    .getIsolator()).isEqualTo("none");
        }
        assertThat(server.verifyLedger()).as("ledger self-check").isNull();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
