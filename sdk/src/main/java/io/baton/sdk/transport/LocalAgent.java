package io.baton.sdk.transport;

import io.baton.proto.AcknowledgedEvent;
import io.baton.proto.Adjust;
import io.baton.proto.ContainerLimits;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.ExecutorSubscribed;
import io.baton.proto.KillEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.Release;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.Reserve;
import io.baton.proto.ReservationRecord;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.Ledger;
import io.baton.ledger.Verdict;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * An in-process stand-in for the shim, for embedding an executor in a framework (and for tests): the
 * same ledger and validation as the shim, against a fixed envelope, but no sockets and no cgroups.
 * The embedding code plays the framework: {@link #offer}, {@link #launch}, {@link #replace},
 * {@link #kill}, and {@link #onUpdate} (updates are acknowledged automatically after listeners ran).
 *
 * <p>Thread-safe: every method synchronizes on the agent.
 */
public final class LocalAgent implements ShimConnection {
    private final Ledger ledger;
    private final LongSupplier clockUs;
    private final List<Consumer<TaskStatus>> updateListeners = new CopyOnWriteArrayList<>();
    private Listener listener;
    private String executorId;

    public LocalAgent(Resources envelope) {
        this(envelope, () -> {
            java.time.Instant now = java.time.Instant.now(); // microseconds, as the executor's clock
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
        });
    }

    public LocalAgent(Resources envelope, LongSupplier clockUs) {
        this.ledger = new Ledger(envelope, 30_000_000L, "local");
        this.clockUs = clockUs;
    }

    // ------------------------------------------------------------------ the framework's side

    public synchronized String offer(Resources wanted) {
        return value(ledger.requestOffer(wanted, clockUs.getAsLong())).id();
    }

    public synchronized void launch(TaskInfo task, String... offerIds) {
        value(ledger.launch(executorId, task, List.of(offerIds), clockUs.getAsLong()));
        listener.event(ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder().setTask(task)).build());
    }

    /** Validates and forwards a replace; an invalid one throws {@link ShimRejection} with the shim's message. */
    public synchronized void replace(Replace replace) {
        long now = clockUs.getAsLong();
        value(ledger.precheckReplace(replace, now));
        listener.event(ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(replace)
                .setRequestedAtUs(now)).build());
    }

    public synchronized void kill(String taskId) {
        listener.event(ExecutorEvent.newBuilder().setKill(KillEvent.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(taskId))).build());
    }

    public AutoCloseable onUpdate(Consumer<TaskStatus> l) {
        updateListeners.add(l);
        return () -> updateListeners.remove(l);
    }

    public synchronized Resources free() {
        return ledger.free();
    }

    public synchronized Resources limits() {
        return ledger.limitsOf(executorId);
    }

    /** The ledger's self-check: null when balanced. */
    public synchronized String verify() {
        return ledger.verify();
    }

    // ------------------------------------------------------------------ the executor's side

    @Override
    public synchronized void start(Listener l) {
        this.listener = l;
        l.connected();
    }

    @Override
    public synchronized CompletableFuture<ExecutorSubscribed> subscribe(ExecutorSubscribe s) {
        return result(ledger.subscribe(s, ProcessHandle.current().pid(), 0, clockUs.getAsLong()),
                ok -> {
                    executorId = s.getExecutorId().getValue();
                    return ExecutorSubscribed.newBuilder().setExecutorId(s.getExecutorId())
                            .addAllNodeTotal(ledger.total().toProto()).setContainer("local").build();
                });
    }

    @Override
    public synchronized CompletableFuture<ReservationRecord> reserve(Reserve r) {
        return result(ledger.reserve(executorId, r, clockUs.getAsLong()), v -> v.toRecord());
    }

    @Override
    public synchronized CompletableFuture<ContainerLimits> adjust(Adjust a) {
        return result(ledger.adjust(executorId, a.getReplacementId().getValue(), Resources.fromProto(a.getInUseList())),
                LocalAgent::limits);
    }

    @Override
    public synchronized CompletableFuture<ContainerLimits> release(Release r) {
        return result(ledger.release(executorId, r), LocalAgent::limits);
    }

    @Override
    public CompletableFuture<Void> update(TaskStatus s) {
        synchronized (this) {
            Verdict<Ledger.StatusEffect> v = ledger.recordStatus(executorId, s);
            if (!v.accepted()) {
                return result(v, x -> null);
            }
        }
        updateListeners.forEach(l -> l.accept(s));
        listener.event(ExecutorEvent.newBuilder().setAcknowledged(AcknowledgedEvent.newBuilder()
                .setTaskId(s.getTaskId()).setUuid(s.getUuid())).build());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
    }

    private static ContainerLimits limits(Resources r) {
        return ContainerLimits.newBuilder().addAllLimits(r.toProto()).build();
    }

    private static <T> T value(Verdict<T> v) {
        if (v instanceof Verdict.Rejected<T> r) {
            throw new ShimRejection(r.code(), r.message());
        }
        return v.value();
    }

    private static <T, R> CompletableFuture<R> result(Verdict<T> v, java.util.function.Function<T, R> ok) {
        if (v instanceof Verdict.Rejected<T> r) {
            return CompletableFuture.failedFuture(new ShimRejection(r.code(), r.message()));
        }
        return CompletableFuture.completedFuture(ok.apply(v.value()));
    }
}
