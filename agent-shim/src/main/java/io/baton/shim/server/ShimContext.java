package io.baton.shim.server;

import io.baton.shim.core.Input;
import io.baton.shim.core.ShimCore;
import io.baton.shim.core.ShimDriver;
import io.baton.shim.core.ShimSettings;
import io.baton.ledger.Ledger;
import io.baton.shim.metrics.ShimMetrics;
import java.security.SecureRandom;
import java.util.function.LongSupplier;

/** The wiring both APIs share: the core and its driver, the connections, the owner records, the clock, the config. */
final class ShimContext {
    final ShimConfig config;
    final Ledger ledger;
    final ShimCore core;
    final Sessions sessions = new Sessions();
    /** STATE answers, each executor's bytes kept from the answer before (see {@link StateEncoding}). */
    final StateEncoding states = new StateEncoding();
    final ExecutorOwners owners;
    final LongSupplier clockUs;
    private final ShimDriver driver;

    ShimContext(ShimConfig config, Ledger ledger, Containers containers, LongSupplier clockUs) {
        this(config, ledger, new IsolatorBackend(containers), clockUs, "", new ShimMetrics());
    }

    ShimContext(ShimConfig config, Ledger ledger, Containers containers, LongSupplier clockUs, String token,
            ShimMetrics metrics) {
        this(config, ledger, new IsolatorBackend(containers), clockUs, token, metrics);
    }

    ShimContext(ShimConfig config, Ledger ledger, NodeBackend backend, LongSupplier clockUs, String token,
            ShimMetrics metrics) {
        this.config = config;
        this.ledger = ledger;
        this.clockUs = clockUs;
        this.owners = new ExecutorOwners(config.workDir());
        SecureRandom random = new SecureRandom();
        ShimSettings settings = new ShimSettings(config.node(), config.defaultOverhead(), config.heartbeatIntervalMs(),
                config.recoveryTimeoutMs(), token, config.tokenFile().toString(),
                new long[] {random.nextLong(), random.nextLong()});
        this.core = new ShimCore(settings, ledger, backend.kind());
        this.driver = new ShimDriver(core, new ShimEffects(sessions, backend, owners, metrics));
    }

    long nowUs() {
        return clockUs.getAsLong();
    }

    void feed(Input input) {
        driver.feed(input);
    }
}
