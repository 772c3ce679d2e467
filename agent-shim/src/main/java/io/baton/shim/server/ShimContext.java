package io.baton.shim.server;

import io.baton.shim.core.Input;
import io.baton.shim.core.NodeRouter;
import io.baton.shim.core.ShimCore;
import io.baton.shim.core.ShimDriver;
import io.baton.shim.core.ShimSettings;
import io.baton.ledger.Ledger;
import io.baton.shim.metrics.ShimMetrics;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The wiring both APIs share: the node cores behind their router and its driver, the connections, the owner
 * records, the clock, the config.
 */
final class ShimContext {
    final ShimConfig config;
    /** The first node's ledger (the node shim's only one). */
    final Ledger ledger;
    final NodeRouter router;
    final Sessions sessions = new Sessions();
    /** STATE answers, each executor's bytes kept from the answer before (see {@link StateEncoding}). */
    final StateEncoding states = new StateEncoding();
    final ExecutorOwners owners;
    final LongSupplier clockUs;
    private final ShimDriver driver;
    private final SecureRandom random = new SecureRandom();

    ShimContext(ShimConfig config, Ledger ledger, Containers containers, LongSupplier clockUs) {
        this(config, ledger, new IsolatorBackend(containers), clockUs, "", new ShimMetrics());
    }

    ShimContext(ShimConfig config, Ledger ledger, Containers containers, LongSupplier clockUs, String token,
            ShimMetrics metrics) {
        this(config, ledger, new IsolatorBackend(containers), clockUs, token, metrics);
    }

    /** One node, this shim's, with {@code ledger}. */
    ShimContext(ShimConfig config, Ledger ledger, NodeBackend backend, LongSupplier clockUs, String token,
            ShimMetrics metrics) {
        this.config = config;
        this.ledger = ledger;
        this.clockUs = clockUs;
        this.owners = new ExecutorOwners(config.workDir());
        this.router = NodeRouter.single(new ShimCore(settings(config.node(), token), ledger, backend.kind()));
        this.driver = new ShimDriver(router, new ShimEffects(sessions, backend, owners, metrics));
    }

    /**
     * The nodes {@code backend} names ({@link NodeBackend#nodes()}), each with a ledger of {@link ShimConfig#total()}
     * whose offer ids begin with {@code offerPrefix} and the node's number, and more as executors are placed on
     * other nodes; or, when it names none, this shim's own node alone.
     */
    static ShimContext of(ShimConfig config, String offerPrefix, NodeBackend backend, LongSupplier clockUs,
            String token, ShimMetrics metrics) {
        List<String> nodes = backend.nodes();
        if (nodes.isEmpty()) {
            return new ShimContext(config, new Ledger(config.total(), config.offerTtlMs() * 1000, offerPrefix), backend,
                    clockUs, token, metrics);
        }
        return new ShimContext(config, nodes, offerPrefix, backend, clockUs, token, metrics);
    }

    private ShimContext(ShimConfig config, List<String> nodes, String offerPrefix, NodeBackend backend,
            LongSupplier clockUs, String token, ShimMetrics metrics) {
        this.config = config;
        this.clockUs = clockUs;
        this.owners = new ExecutorOwners(config.workDir());
        int[] made = {0};
        java.util.function.Function<String, ShimCore> newNode = node -> new ShimCore(settings(node, token),
                new Ledger(config.total(), config.offerTtlMs() * 1000, offerPrefix + "n" + made[0]++), backend.kind());
        List<ShimCore> initial = new ArrayList<>();
        nodes.forEach(n -> initial.add(newNode.apply(n)));
        this.router = NodeRouter.cluster(config.node(), initial, newNode);
        this.ledger = router.core().ledger();
        this.driver = new ShimDriver(router, new ShimEffects(sessions, backend, owners, metrics));
    }

    private ShimSettings settings(String node, String token) {
        return new ShimSettings(node, config.defaultOverhead(), config.heartbeatIntervalMs(),
                config.recoveryTimeoutMs(), token, config.tokenFile().toString(),
                new long[] {random.nextLong(), random.nextLong()},
                // off only to measure the executor's RESERVE round trip side by side (bench)
                !"false".equals(System.getProperty("baton.shim.reserveOnDelivery")));
    }

    long nowUs() {
        return clockUs.getAsLong();
    }

    void feed(Input input) {
        driver.feed(input);
    }
}
