package io.baton.shim.core;

/**
 * Feeds inputs to a {@link ShimCore} and hands each effect to an {@link Outlet}, in order. An outlet
 * that can answer a request at once (the local node's isolator) returns the answer, which is fed back
 * before the next effect is carried out — so a local shim behaves exactly as if the request had been
 * decided in the same call; an outlet that cannot returns null and feeds the answer later.
 */
public final class ShimDriver {
    /** Carries out one effect; returns the answer input to a request when it is known at once, else null. */
    @FunctionalInterface
    public interface Outlet {
        Input carryOut(Effect effect);
    }

    private final NodeRouter router;
    private final Outlet outlet;

    /** One node's core. */
    public ShimDriver(ShimCore core, Outlet outlet) {
        this(NodeRouter.single(core), outlet);
    }

    /** The cores of one node or several, behind {@code router}. */
    public ShimDriver(NodeRouter router, Outlet outlet) {
        this.router = router;
        this.outlet = outlet;
    }

    public void feed(Input input) {
        for (Effect e : router.on(input).effects()) {
            Input answer = outlet.carryOut(e);
            if (answer != null) {
                feed(answer);
            }
        }
    }

    /** The first node's core (the node shim's only one). */
    public ShimCore core() {
        return router.core();
    }

    public NodeRouter router() {
        return router;
    }
}
