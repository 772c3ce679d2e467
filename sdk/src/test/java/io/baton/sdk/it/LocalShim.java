package io.baton.sdk.it;

import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Path;

/** A real shim on Unix sockets under {@code dir} (4 cpus, 1 GiB, no cgroups) with a subscribed test framework. */
final class LocalShim implements AutoCloseable {
    final ShimConfig config;
    final ShimServer shim;
    final TestFramework fw;

    LocalShim(Path dir, String token) throws Exception {
        config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:4;mem:1024"), "none");
        shim = new ShimServer(config, new InMemoryIsolator(), token).start();
        fw = TestFramework.unix(config.frameworkSocket());
        fw.subscribe(token, true);
    }

    @Override
    public void close() {
        fw.close();
        shim.close();
    }
}
