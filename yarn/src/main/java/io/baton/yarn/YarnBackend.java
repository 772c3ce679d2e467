package io.baton.yarn;

import io.baton.ledger.Ledger;
import io.baton.ledger.OfferView;
import io.baton.proto.OfferID;
import io.baton.proto.Reserve;
import io.baton.resources.Resources;
import io.baton.shim.core.Effect;
import io.baton.shim.core.Input;
import io.baton.shim.server.NodeBackend;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shim core's node requests, carried out by YARN: an executor's container is its ledger envelope
 * (overhead + held tasks + the whole pools of its live reservations), sized by {@link YarnResources}.
 *
 * <ul>
 * <li>{@link Effect.RequestGrant} (reserve before kill): the container must hold the envelope plus the offers the
 *     reservation names. If it already does, granted at once; else the node report is read first (the node's
 *     free room must hold the missing amount, or the grant is refused at once with both named), then an in-place
 *     increase by exactly the missing amount is asked of the ResourceManager, and the grant is given once the
 *     NodeManager applied it, or refused when that does not happen within the reserve timeout (the pending
 *     increase is then withdrawn). Afterwards the container is brought back to the ledger's envelope, so a
 *     reservation the ledger refuses after the grant leaves nothing behind.</li>
 * <li>{@link Effect.ApplyLimits}: the container is resized to the envelope: a decrease (commit, give-back,
 *     rollback) is done when the RM confirms it; an increase (a launch onto a full executor) goes the grant's
 *     way and is answered after; a size that grows one dimension and shrinks the other grows first.</li>
 * <li>{@link Effect.Attach}: binds the executor to the container the AM launched for it (over TCP there is no
 *     pid to check).</li>
 * <li>{@link Effect.DestroyContainer}: the container goes back to the RM.</li>
 * <li>a container that ends without Baton giving it back (killed by YARN, over its memory, its process gone for
 *     good) becomes {@link Input.ExecutorGone}: its tasks end at once with the status {@link ContainerEnd} decides
 *     and YARN's reason, and the ledger frees what the executor held.</li>
 * </ul>
 *
 * <p>Threading: called on the shim's loop; each executor's container operations run one at a time, in order,
 * and every step after a YARN answer comes back onto the loop.
 */
final class YarnBackend implements NodeBackend {
    private static final Logger LOG = LoggerFactory.getLogger(YarnBackend.class);

    /** One container operation: started on the loop, it runs {@code end} once, on the loop, when it is over. */
    private interface Op {
        void start(Runnable end);
    }

    private final YarnControl yarn;
    private final long reserveTimeoutMs;
    private final Clock clock;
    private final java.util.List<String> nodes;
    private final Map<String, ArrayDeque<Op>> queues = new HashMap<>();
    private NodeLoop loop;

    /**
     * @param nodes the NodeManagers known at the start (each gets a ledger of its own; more as containers are
     *     placed on others), at least one
     */
    YarnBackend(YarnControl yarn, long reserveTimeoutMs, Clock clock, java.util.List<String> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("the AM needs at least one NodeManager to start on");
        }
        this.yarn = yarn;
        this.reserveTimeoutMs = reserveTimeoutMs;
        this.clock = clock;
        this.nodes = java.util.List.copyOf(nodes);
    }

    @Override
    public java.util.List<String> nodes() {
        return nodes;
    }

    @Override
    public String kind() {
        return "yarn";
    }

    @Override
    public void bind(NodeLoop loop) {
        this.loop = loop;
        yarn.onEnded(end -> loop.answer(end.gone(io.baton.shim.server.ShimServer.micros(clock)))); // the core's note logs it
        // before the container starts, so before its executor can subscribe
        yarn.onPlaced((executor, node) -> loop.answer(new Input.Placed(executor, node, io.baton.shim.server.ShimServer.micros(clock))));
    }

    /**
     * Ends {@code taskIds} of an executor that never came back to this attempt (TASK_LOST with {@code message}): from
     * any thread, onto the loop (see {@link Input.TasksEndedAway}).
     */
    void tasksEndedAway(String executorId, java.util.List<String> taskIds, String message) {
        loop.answer(new Input.TasksEndedAway(executorId, java.util.List.copyOf(taskIds), io.baton.proto.TaskState.TASK_LOST,
                io.baton.proto.TaskReason.REASON_EXECUTOR_TERMINATED, message, io.baton.shim.server.ShimServer.micros(clock)));
    }

    @Override
    public Input attach(Effect.Attach a) {
        String c = yarn.containerOf(a.executorId());
        if (c == null) {
            return new Input.Attached(a.request(), null, "executor " + a.executorId() + " has no running YARN "
                    + "container of this application: executors are started by the AM, each in its own container");
        }
        return new Input.Attached(a.request(), "yarn:" + c, null);
    }

    @Override
    public Input applyLimits(Effect.ApplyLimits a) {
        String id = a.executorId();
        if (!queues.containsKey(id)) {
            String c = yarn.containerOf(id);
            if (c == null) {
                return new Input.LimitsApplied(a.request(), false, noContainer(id));
            }
            if (size(envelope(id)).equals(yarn.sizeOf(c))) {
                return new Input.LimitsApplied(a.request(), false, null);
            }
        }
        return enqueue(id, end -> resizeToEnvelope(id, failure -> {
            loop.answer(new Input.LimitsApplied(a.request(), false, failure));
            end.run();
        }));
    }

    @Override
    public Input requestGrant(Effect.RequestGrant g) {
        String id = g.executorId();
        if (!queues.containsKey(id)) {
            String c = yarn.containerOf(id);
            if (c == null) {
                return new Input.GrantDecided(g.request(), noContainer(id));
            }
            YarnSize now = yarn.sizeOf(c);
            if (now != null && now.covers(size(withReservation(id, g.reserve())))) {
                return new Input.GrantDecided(g.request(), null);
            }
        }
        String rid = g.reserve().getReplacementId().getValue();
        return enqueue(id, end -> grow(id, size(withReservation(id, g.reserve())), failure -> {
            if (failure == null) {
                LOG.info("executor {}'s container holds replacement {}'s pool: granted", id, rid);
            }
            loop.answer(new Input.GrantDecided(g.request(), failure));
            // after the core has booked (or refused) the reservation: the container follows the ledger again
            loop.execute(() -> resizeToEnvelope(id, f -> {
                if (f != null) {
                    LOG.warn("executor {}'s container could not return to its envelope after replacement {}'s grant: "
                            + "{}", id, rid, f);
                }
                end.run();
            }));
        }));
    }

    @Override
    public void destroy(Effect.DestroyContainer d) {
        String c = yarn.containerOf(d.executorId());
        if (c != null) {
            LOG.info("executor {} expired: giving its container {} back to the ResourceManager", d.executorId(), c);
            yarn.release(c);
        }
    }

    // ------------------------------------------------------------------ the envelope, from the ledger

    /** The ledger's limits: overhead + held tasks + the whole pool of each live reservation of the executor's. */
    private Resources envelope(String id) {
        return loop.ledgerOf(id).limitsOf(id);
    }

    /** The envelope once the reservation is booked: plus the offers it names (nothing more when it is). */
    private Resources withReservation(String id, Reserve reserve) {
        Ledger ledger = loop.ledgerOf(id);
        String rid = reserve.getReplacementId().getValue();
        Resources sum = envelope(id);
        if (ledger.reservations().stream().anyMatch(r -> r.replacementId().equals(rid))) {
            return sum;
        }
        Set<String> named = new HashSet<>();
        for (OfferID o : reserve.getOfferIdsList()) {
            named.add(o.getValue());
        }
        for (OfferView o : ledger.offers()) {
            if (named.contains(o.id())) {
                sum = sum.plus(o.resources());
            }
        }
        return sum;
    }

    private static YarnSize size(Resources r) {
        return YarnResources.size(r);
    }

    // ------------------------------------------------------------------ container operations

    private Input enqueue(String id, Op op) {
        ArrayDeque<Op> q = queues.computeIfAbsent(id, k -> new ArrayDeque<>());
        q.add(op);
        if (q.size() == 1) {
            start(id, op);
        }
        return null;
    }

    private void start(String id, Op op) {
        op.start(() -> loop.execute(() -> next(id))); // after the answer the op fed
    }

    private void next(String id) {
        ArrayDeque<Op> q = queues.get(id);
        q.poll();
        if (q.isEmpty()) {
            queues.remove(id);
        } else {
            start(id, q.peek());
        }
    }

    /** Resizes the container to the ledger's envelope as it is now; {@code done} gets null or the failure. */
    private void resizeToEnvelope(String id, Consumer<String> done) {
        String c = yarn.containerOf(id);
        if (c == null) {
            done.accept(noContainer(id));
            return;
        }
        YarnSize now = yarn.sizeOf(c);
        if (now == null) {
            done.accept(noContainer(id));
            return;
        }
        YarnSize target = size(envelope(id));
        if (target.equals(now)) {
            done.accept(null);
            return;
        }
        YarnSize grown = now.union(target);
        if (grown.equals(now)) {
            decrease(c, now, target, done);
            return;
        }
        increase(id, c, now, grown, failure -> {
            if (failure != null || grown.equals(target)) {
                done.accept(failure);
            } else {
                decrease(c, grown, target, done);
            }
        });
    }

    /** Makes the container hold {@code target} (it may already); never shrinks it. */
    private void grow(String id, YarnSize target, Consumer<String> done) {
        String c = yarn.containerOf(id);
        if (c == null) {
            done.accept(noContainer(id));
            return;
        }
        YarnSize now = yarn.sizeOf(c);
        if (now == null) {
            done.accept(noContainer(id));
            return;
        }
        if (now.covers(target)) {
            done.accept(null);
            return;
        }
        increase(id, c, now, now.union(target), done);
    }

    private void increase(String id, String c, YarnSize now, YarnSize target, Consumer<String> done) {
        YarnSize missing = now.missingFor(target);
        String asked = "asked YARN for " + missing + " more for executor " + id + "'s container " + c + " (from "
                + now + " to " + target + ")";
        yarn.roomOf(c).whenComplete((room, error) -> loop.execute(() -> {
            if (error != null) {
                refused(asked + " but could not read its node's report: " + cause(error), done);
            } else if (!room.free().covers(missing)) {
                refused(asked + "; the node had " + room, done);
            } else {
                LOG.info("{}; the node had {}", asked, room);
                bounded(c, yarn.resize(c, target), asked + "; the ResourceManager did not grant it within "
                        + reserveTimeoutMs + " ms (the node had " + room + " when asked)", asked, done);
            }
        }));
    }

    private void decrease(String c, YarnSize now, YarnSize target, Consumer<String> done) {
        String what = "decreasing container " + c + " from " + now + " to " + target;
        bounded(c, yarn.resize(c, target), what + ": the ResourceManager did not confirm it within " + reserveTimeoutMs
                + " ms", what, done);
    }

    /** {@code done} once: with null when the resize completes, its failure, or {@code timedOut} (withdrawn). */
    private void bounded(String c, CompletableFuture<YarnSize> resize, String timedOut,
            String what, Consumer<String> done) {
        boolean[] over = {false};
        yarn.after(reserveTimeoutMs, () -> loop.execute(() -> {
            if (!over[0]) {
                over[0] = true;
                yarn.withdraw(c);
                refused(timedOut, done);
            }
        }));
        resize.whenComplete((size, error) -> loop.execute(() -> {
            if (!over[0]) {
                over[0] = true;
                if (error == null) {
                    done.accept(null);
                } else {
                    refused(what + "; " + cause(error), done);
                }
            }
        }));
    }

    private static void refused(String why, Consumer<String> done) {
        LOG.warn("refused: {}", why);
        done.accept(why);
    }

    private static String noContainer(String id) {
        return "executor " + id + " has no running YARN container";
    }

    private static String cause(Throwable t) {
        Throwable c = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }
}
