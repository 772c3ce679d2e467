package io.baton.shim.server;

import io.baton.ledger.Ledger;
import io.baton.shim.core.Input;
import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link NodeBackend}'s way back into the shim: answers and tasks go onto the shim's event loop. */
final class BackendLoop implements NodeBackend.NodeLoop {
    private static final Logger LOG = LoggerFactory.getLogger(BackendLoop.class);

    private final EventLoop loop;
    private final ShimContext ctx;

    BackendLoop(EventLoop loop, ShimContext ctx) {
        this.loop = loop;
        this.ctx = ctx;
    }

    @Override
    public void answer(Input answer) {
        execute(() -> ctx.feed(answer));
    }

    @Override
    public void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.info("the shim is closing; dropped a late answer of its node backend ({})", e.getMessage());
        }
    }

    @Override
    public Ledger ledgerOf(String executorId) {
        return ctx.router.ledgerOf(executorId);
    }
}
