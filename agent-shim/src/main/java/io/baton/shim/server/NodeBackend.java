package io.baton.shim.server;

import io.baton.ledger.Ledger;
import io.baton.shim.core.Effect;
import io.baton.shim.core.Input;

/**
 * Who carries out the shim core's requests to the node's resources: put an executor's process into its
 * container ({@link Effect.Attach}), make the container hold the ledger's limits ({@link Effect.ApplyLimits}),
 * decide whether a reservation may have what it asks for ({@link Effect.RequestGrant}), and remove an expired
 * executor's container ({@link Effect.DestroyContainer}). The shim's own default is this node's isolator,
 * which answers every request at once; a cluster resource manager (the YARN ApplicationMaster) answers later.
 *
 * <pre>{@code
 * ShimServer server = ShimServer.withBackend(config, new MyBackend(), token, Clock.systemUTC()).start();
 * }</pre>
 *
 * <p>Threading: the shim calls {@link #bind} first, then every other method on its single event loop, one
 * at a time. A method returns the answer {@link Input} when it is known at once (it is then fed to the
 * core before the next effect is carried out), or null and hands the answer to {@link NodeLoop#answer} later,
 * from any thread. Every request is answered exactly once.
 */
public interface NodeBackend extends AutoCloseable {

    /** What contains executors here, as STATE and LAUNCH report it: "cgroup-v1", "none", "yarn", ... */
    String kind();

    /** Called once, before the shim serves anything: the way to answer later, and the ledgers to read. */
    void bind(NodeLoop loop);

    /**
     * The nodes whose resources this backend owns, each with a core and a ledger of its own (its total is the
     * shim's configured total), when there are several: a cluster resource manager's nodes known at the start;
     * more come with {@link io.baton.shim.core.Input.Placed}, which the backend feeds through
     * {@link NodeLoop#answer} before the executor it places can subscribe. Empty (the default): this shim's own
     * node alone, and no placing.
     */
    default java.util.List<String> nodes() {
        return java.util.List.of();
    }

    /** Answered by {@link Input.Attached}. */
    Input attach(Effect.Attach attach);

    /** Answered by {@link Input.LimitsApplied}. */
    Input applyLimits(Effect.ApplyLimits apply);

    /** Answered by {@link Input.GrantDecided}. */
    Input requestGrant(Effect.RequestGrant grant);

    /** Not answered; a failure is logged by the backend. */
    void destroy(Effect.DestroyContainer destroy);

    /** Called once when the shim closes, off the loop. */
    @Override
    default void close() {
    }

    /** The shim's side of a {@link NodeBackend}. */
    interface NodeLoop {
        /**
         * Feeds the answer to a request to the core, on the loop, after what the loop has queued; also what the
         * backend learns by itself ({@link Input.ExecutorGone}: an executor's container ended for good). Any thread.
         */
        void answer(Input answer);

        /** Runs {@code task} on the loop, after what the loop has queued. Any thread. */
        void execute(Runnable task);

        /**
         * The ledger of the node the executor runs on (the node's only one on a node shim). Read it only on the
         * loop; never change it (the core does).
         */
        Ledger ledgerOf(String executorId);
    }
}
