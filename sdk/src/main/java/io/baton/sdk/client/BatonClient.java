package io.baton.sdk.client;

import com.google.protobuf.ByteString;
import io.baton.proto.Acknowledge;
import io.baton.proto.Decline;
import io.baton.proto.ExecutorID;
import io.baton.proto.Forwarded;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkResponse.ResultCase;
import io.baton.proto.FrameworkSubscribe;
import io.baton.proto.FrameworkSubscribed;
import io.baton.proto.GetState;
import io.baton.proto.Kill;
import io.baton.proto.Launch;
import io.baton.proto.NodeState;
import io.baton.proto.Offer;
import io.baton.proto.OfferID;
import io.baton.proto.Reconcile;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskStatus;
import io.baton.proto.UpdateRef;
import io.baton.resources.Resources;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework side of the shim: offers, launches, kills, replacements, reconciliation, the node's
 * state, and the stream of status updates — over {@code <work-dir>/framework.sock} or the shim's
 * loopback TCP port, authenticated by the framework token.
 *
 * <pre>{@code
 * try (BatonClient client = BatonClient.connect(ClientOptions.workDir(Path.of("/var/lib/baton/shim")).build())) {
 *     client.onUpdate(s -> log.info("{} is {}", s.getTaskId().getValue(), s.getState()));
 *     List<Offer> offers = client.offers(Resources.parse("cpus:1;mem:256")).join();
 *     client.launch("exec-1", webV1, BatonClient.offerIds(offers)).join();
 *     ReplaceHandle h = client.replace(ReplaceSpec.of("web-v1", webV2));
 *     ReplaceOutcome o = h.outcome().get(5, TimeUnit.MINUTES);   // COMMITTED, ROLLED_BACK, ...
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> The client is thread-safe. One Netty IO thread owned by the client reads and
 * writes the socket and completes the returned futures, so their dependent stages must not block
 * (use the {@code *Async} variants for that); blocking on a future from any other thread is fine.
 * Update listeners, the {@link #updates()} queue and automatic acknowledgements run on a second
 * single thread owned by the client: listeners see updates one at a time in the order the shim sent
 * them, never block IO, and may block or call the client (a slow listener delays later updates only).
 * When the connection ends every future still waiting fails with a {@link ShimUnavailableException};
 * the client does not reconnect — connect a new one. Both threads are made by
 * {@link ClientOptions#threads()} when it is set; {@link #close()} ends them.
 */
public final class BatonClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatonClient.class);

    /** Unregisters an update listener. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final ClientOptions options;
    private final String endpoint;
    private final PendingCalls pending = new PendingCalls();
    private final ShimCalls calls;
    private final Outcomes outcomes;
    private final ExecutorService delivery;
    private final UpdateStream stream;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile Transport transport;
    private volatile FrameworkSubscribed subscribed;
    private volatile boolean closing;

    private BatonClient(ClientOptions options) {
        this.options = options;
        this.endpoint = options.endpoint();
        this.calls = new ShimCalls(endpoint, options.maxFrameBytes(), pending);
        this.outcomes = new Outcomes(options.recentOutcomes());
        this.delivery = ClientThreads.delivery(options, t -> deliveryThread = t);
        this.stream = new UpdateStream(delivery, options.autoAcknowledge() ? this::autoAcknowledge : null,
                outcomes::offer, options.dedupWindow(), options.updateQueueCapacity());
    }

    /**
     * Connects and subscribes. Blocks for at most the connect timeout (twice: connecting, then the
     * SUBSCRIBE answer).
     *
     * @throws ShimRejectedException the shim refused the subscription (e.g. UNAUTHENTICATED: wrong token)
     * @throws ShimUnavailableException no shim answered at the socket or port
     */
    public static BatonClient connect(ClientOptions options) throws InterruptedException {
        return connect(options, null);
    }

    /**
     * Like {@link #connect(ClientOptions)}, with an update listener registered before subscribing, so
     * it hears (and is run before the acknowledgement of) every update of this connection.
     */
    public static BatonClient connect(ClientOptions options, Consumer<TaskStatus> listener)
            throws InterruptedException {
        String token = options.token();
        BatonClient client = new BatonClient(options);
        if (listener != null) {
            client.onUpdate(listener);
        }
        try {
            client.open(token);
            return client;
        } catch (RuntimeException | InterruptedException e) {
            client.close();
            throw e;
        }
    }

    private void open(String token) throws InterruptedException {
        long keepAliveMs = options.updates() ? 0 : options.keepAlive().toMillis();
        ClientHandler handler = new ClientHandler(endpoint, pending, this::received, this::keepAlive, this::lost,
                p -> {
                    if (!progressListeners.isEmpty()) { // else no hand-off: an older shim sends them unasked
                        delivery.execute(() -> progressListeners.forEach(l -> l.accept(p)));
                    }
                },
                o -> delivery.execute(() -> outcomes.offer(o))); // a retry's answer: the outcome only, no update
        transport = Transport.connect(options, new ClientInitializer(options.maxFrameBytes(), keepAliveMs, handler));
        calls.attach(transport.channel());
        String what = "SUBSCRIBE to " + endpoint;
        CompletableFuture<FrameworkSubscribed> answer = calls.call(FrameworkCall.newBuilder().setSubscribe(
                FrameworkSubscribe.newBuilder().setToken(token).setUpdates(options.updates()).setName(options.name())
                        .setWithoutProgress(!options.progress())),
                what, Responses.expect(what, ResultCase.SUBSCRIBED, r -> {
                    // on the IO thread, before it reads anything after the answer: the first updates' acknowledgements
                    // already know what this shim takes (found in review: they were sent as to an unknown shim)
                    subscribed = r.getSubscribed();
                    return r.getSubscribed();
                }));
        try {
            subscribed = answer.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new ShimUnavailableException(endpoint, "the shim at " + endpoint + " did not answer SUBSCRIBE "
                    + "within " + options.connectTimeout().toMillis() + " ms", e);
        }
        LOG.debug("connected to the shim at {} (node {})", endpoint, subscribed.getNode());
    }

    /**
     * Carves an offer from the node's free resources ({@code null} or empty: everything free). Where the shim serves
     * several nodes (the YARN application master), from the first node that has them free: to launch onto an
     * executor or to replace a task, ask with {@link #offersOn} or {@link #offersNear}.
     */
    public CompletableFuture<List<Offer>> offers(Resources wanted) {
        return offers(wanted, RequestOffers.newBuilder(), "OFFERS " + wanted);
    }

    /** {@link #offers} on the node executor {@code executorId} runs on (for a LAUNCH onto it). */
    public CompletableFuture<List<Offer>> offersOn(String executorId, Resources wanted) {
        return offers(wanted, RequestOffers.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(executorId)),
                "OFFERS " + wanted + " on executor " + executorId + "'s node");
    }

    /** {@link #offers} on the node of the executor that holds task {@code taskId} (for a REPLACE of it). */
    public CompletableFuture<List<Offer>> offersNear(String taskId, Resources wanted) {
        return offers(wanted, RequestOffers.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)),
                "OFFERS " + wanted + " on task " + taskId + "'s node");
    }

    private CompletableFuture<List<Offer>> offers(Resources wanted, RequestOffers.Builder r, String what) {
        if (wanted != null) {
            r.addAllResources(wanted.toProto());
        }
        return calls.call(FrameworkCall.newBuilder().setOffers(r), what, ResultCase.OFFERS,
                x -> x.getOffers().getOffersList());
    }

    /** Returns offers to the free pool. */
    public CompletableFuture<Void> decline(Collection<String> offerIds) {
        Decline.Builder d = Decline.newBuilder();
        offerIds.forEach(o -> d.addOfferIds(OfferID.newBuilder().setValue(o)));
        return calls.call(FrameworkCall.newBuilder().setDecline(d), "DECLINE " + offerIds,
                Responses.accepted("DECLINE"));
    }

    /** Launches {@code task} on the executor with resources from the offers; completes once forwarded. */
    public CompletableFuture<Forwarded> launch(String executorId, TaskInfo task, Collection<String> offerIds) {
        Launch.Builder l = Launch.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(executorId))
                .setTask(task);
        offerIds.forEach(o -> l.addOfferIds(OfferID.newBuilder().setValue(o)));
        return calls.call(FrameworkCall.newBuilder().setLaunch(l), "LAUNCH " + task.getTaskId().getValue() + " on "
                + executorId, ResultCase.FORWARDED, FrameworkResponse::getForwarded);
    }

    /** Asks the task's executor to kill it ({@code gracePeriodMs} 0: the task's own grace period). */
    public CompletableFuture<Forwarded> kill(String taskId, long gracePeriodMs) {
        Kill.Builder k = Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId))
                .setGracePeriodMs(gracePeriodMs);
        return calls.call(FrameworkCall.newBuilder().setKill(k), "KILL " + taskId, ResultCase.FORWARDED,
                FrameworkResponse::getForwarded);
    }

    /**
     * Replaces a running task (MESOS-938). See {@link ReplaceHandle}: {@code forwarded()} is the shim's
     * answer, {@code outcome()} the replacement's final update — which needs {@code updates(true)}.
     */
    public ReplaceHandle replace(ReplaceSpec spec) {
        ReplaceSpec s = spec.withIdChosen();
        String rid = s.replacementId();
        CompletableFuture<ReplaceOutcome> outcome = outcomes.register(rid);
        String what = "REPLACE " + rid + " (" + s.oldTaskId() + " -> " + s.newTask().getTaskId().getValue() + ")";
        CompletableFuture<Forwarded> forwarded = calls.call(FrameworkCall.newBuilder().setReplace(s.toProto()), what,
                ResultCase.FORWARDED, FrameworkResponse::getForwarded);
        outcomes.follow(s, forwarded, options.updates());
        return new ReplaceHandle(rid, forwarded, outcome);
    }

    /** The latest known status of each named task ({@code TASK_UNKNOWN} for unknown ones), or of all tasks. */
    public CompletableFuture<List<TaskStatus>> reconcile(String... taskIds) {
        Reconcile.Builder r = Reconcile.newBuilder();
        for (String t : taskIds) {
            r.addTaskIds(TaskID.newBuilder().setValue(t));
        }
        return calls.call(FrameworkCall.newBuilder().setReconcile(r), "RECONCILE", ResultCase.STATUSES,
                x -> x.getStatuses().getStatusesList());
    }

    /** A snapshot of the node: ledger, executors, offers, reservations. */
    public CompletableFuture<NodeState> state() {
        return calls.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance()), "STATE", ResultCase.STATE,
                FrameworkResponse::getState);
    }

    /** Acknowledges an update (done for you with auto-acknowledge, the default). */
    public CompletableFuture<Void> acknowledge(String taskId, ByteString uuid) {
        return calls.call(FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(taskId)).setUuid(uuid)), "ACKNOWLEDGE " + taskId,
                Responses.accepted("ACKNOWLEDGE " + taskId));
    }

    /**
     * Acknowledges several updates in one call (auto-acknowledge does this for the updates it delivers together).
     * The shim takes each on its own; the future fails with {@link ShimRejectedException} naming those it did not
     * take (the rest were). To a shim that does not take several in one call (older than this client) it sends one
     * call per update.
     *
     * @throws IllegalArgumentException no updates, or one without a uuid (nothing to acknowledge)
     */
    public CompletableFuture<Void> acknowledge(List<TaskStatus> updates) {
        Acknowledge.Builder ack = acknowledgement(updates);
        FrameworkSubscribed shim = subscribed;
        if (updates.size() > 1 && shim != null && !shim.getAcknowledgesTogether()) { // an older shim: one call each
            return CompletableFuture.allOf(updates.stream().map(s -> acknowledge(s.getTaskId().getValue(), s.getUuid()))
                    .toArray(CompletableFuture[]::new));
        }
        String what = what(updates);
        return calls.call(FrameworkCall.newBuilder().setAcknowledge(ack), what, Responses.accepted(what));
    }

    private static String what(List<TaskStatus> updates) {
        return updates.size() == 1 ? "ACKNOWLEDGE " + updates.get(0).getTaskId().getValue()
                : "ACKNOWLEDGE of " + updates.size() + " updates";
    }

    /** One ACKNOWLEDGE of {@code updates}, the first named in its own fields and the rest in {@code more}. */
    private static Acknowledge.Builder acknowledgement(List<TaskStatus> updates) {
        if (updates.isEmpty()) {
            throw new IllegalArgumentException("no updates to acknowledge");
        }
        Acknowledge.Builder ack = Acknowledge.newBuilder();
        for (TaskStatus s : updates) {
            if (s.getUuid().isEmpty()) {
                throw new IllegalArgumentException("the update of task " + s.getTaskId().getValue() + " ("
                        + s.getState() + ") has no uuid: it needs no acknowledgement; nothing was sent");
            }
            if (ack.hasTaskId()) {
                ack.addMore(UpdateRef.newBuilder().setTaskId(s.getTaskId()).setUuid(s.getUuid()));
            } else {
                ack.setTaskId(s.getTaskId()).setUuid(s.getUuid());
            }
        }
        return ack;
    }

    /**
     * Runs {@code listener} on the client's update thread for every new update from now on (updates
     * already delivered are in {@link #updates()}); close the result to stop.
     */
    public Registration onUpdate(Consumer<TaskStatus> listener) {
        return stream.add(listener);
    }

    /**
     * Runs {@code listener} on the client's update thread for every replacement phase change the
     * shim relays (best effort: live displays only; the outcome comes with the final update). Only for a client
     * built with {@link ClientOptions.Builder#progress progress(true)}: the others subscribe without progress, and the
     * shim sends them none (one from before 2026-12-07 does, and they drop it).
     */
    public Registration onProgress(Consumer<io.baton.proto.ReplacementProgress> listener) {
        Objects.requireNonNull(listener, "listener");
        if (!options.progress()) {
            throw new IllegalStateException("this client subscribed without replacement progress, so the shim sends it "
                    + "none: build it with ClientOptions...progress(true) to listen for progress");
        }
        progressListeners.add(listener);
        return () -> progressListeners.remove(listener);
    }

    private final java.util.List<Consumer<io.baton.proto.ReplacementProgress>> progressListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Every new update, in order, also queued here (bounded by {@code updateQueueCapacity}; when full
     * the oldest is dropped with a warning). Auto-acknowledgement does not wait for the queue to be drained.
     */
    public BlockingQueue<TaskStatus> updates() {
        return stream.queue();
    }

    /** The node name the shim announced. */
    public String node() {
        return subscribed.getNode();
    }

    public Resources nodeTotal() {
        return Resources.fromProto(subscribed.getNodeTotalList());
    }

    public String endpoint() {
        return endpoint;
    }

    public boolean isConnected() {
        Transport t = transport;
        return !closed.isDone() && t != null && t.channel().isActive();
    }

    /** Completes when the connection has ended (lost, or closed by {@link #close()}). */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    /** The offers' ids, for {@link #launch} and {@link #decline}. */
    public static List<String> offerIds(Collection<Offer> offers) {
        return offers.stream().map(o -> o.getId().getValue()).toList();
    }

    /**
     * Closes the connection, fails whatever still waits, and stops the client's threads. Idempotent. Updates
     * already received are delivered first, and their automatic acknowledgements answered (each bounded by
     * {@link #CLOSE_FLUSH_MS}), so an update this client saw is not sent to it again — unless {@code close} is
     * called by an update listener, which cannot wait for its own thread.
     */
    @Override
    public void close() {
        if (!closing && !deliveryThread()) {
            flush();
        } else if (!closing) {
            // closed by a listener: what its burst delivered so far is acknowledged (answers come on the IO thread)
            stream.acknowledgePending();
            confirmQuiet();
            acks.await(CLOSE_FLUSH_MS);
        }
        closing = true;
        Transport t = transport;
        if (t != null) {
            t.close();
        }
        ended(new ShimUnavailableException(endpoint, "the client of the shim at " + endpoint + " was closed", null));
        delivery.shutdown();
    }

    private void received(TaskStatus status) {
        stream.accept(status); // a final update completes its outcome there, after the listeners saw it
    }

    /** How long {@link #close} waits for updates already received, then for their acknowledgements. */
    static final long CLOSE_FLUSH_MS = 2_000;

    /** This client's delivery thread (another client's does not count: its close() must flush as any caller's). */
    private volatile Thread deliveryThread;

    private boolean deliveryThread() {
        return Thread.currentThread() == deliveryThread;
    }

    private void flush() {
        acks.flush(delivery, () -> {
            stream.acknowledgePending();
            confirmQuiet();
        }, CLOSE_FLUSH_MS);
    }

    private final InFlightAcks acks = new InFlightAcks();

    /** Quiet acknowledgements were sent since the last HEARTBEAT that {@link #confirmQuiet} sent (delivery thread). */
    private boolean quietUnconfirmed;

    private void autoAcknowledge(List<TaskStatus> burst) {
        FrameworkSubscribed shim = subscribed;
        if (shim != null && shim.getQuietAcknowledges() && shim.getAcknowledgesTogether()) {
            // no answer to wait for: the shim answers a quiet ACKNOWLEDGE only to refuse (some of) it
            quietUnconfirmed = true;
            calls.send(FrameworkCall.newBuilder().setQuiet(true).setAcknowledge(acknowledgement(burst)), what(burst));
            return;
        }
        acks.track(acknowledge(burst)).whenComplete((v, t) -> {
            if (t != null) {
                LOG.debug("acknowledgement of {} update(s), the first of task {} ({}), not (all) taken: {}",
                        burst.size(), burst.get(0).getTaskId().getValue(), burst.get(0).getState(), t.getMessage());
            }
        });
    }

    /**
     * After quiet acknowledgements, a HEARTBEAT (tracked, so {@link #close} waits for its answer): the shim takes or
     * refuses an ACKNOWLEDGE before it answers any later call on the connection, so its answer says every
     * acknowledgement sent before it was taken or refused.
     * On the delivery thread.
     */
    private void confirmQuiet() {
        if (quietUnconfirmed) {
            quietUnconfirmed = false;
            acks.track(calls.call(FrameworkCall.newBuilder().setHeartbeat(io.baton.proto.Heartbeat.getDefaultInstance()),
                    "heartbeat after acknowledgements", Responses.accepted("heartbeat after acknowledgements")));
        }
    }

    /** Without updates the shim closes silent connections; a HEARTBEAT keeps this one open. */
    private void keepAlive() {
        calls.call(FrameworkCall.newBuilder().setHeartbeat(io.baton.proto.Heartbeat.getDefaultInstance()), "heartbeat",
                Responses.accepted("keep-alive"));
    }

    private void lost() {
        if (!closing) {
            LOG.warn("lost the connection to the shim at {}", endpoint);
        }
        ended(new ShimUnavailableException(endpoint, closing ? "the client of the shim at " + endpoint + " was closed"
                : "lost the connection to the shim at " + endpoint, null));
    }

    private void ended(ShimUnavailableException cause) {
        pending.failAll(cause);
        outcomes.failAll(cause);
        closed.complete(null);
    }
}
