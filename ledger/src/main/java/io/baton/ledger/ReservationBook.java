package io.baton.ledger;

import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ReservationEntry;
import io.baton.proto.Keep;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live reservations, by replacement id (in the order they came) and by executor, so that an executor's limits
 * and reservations cost what it has, not what the node has. Only {@link #add}, {@link #remove} and {@link #repool}
 * change them; the ledger's audit checks the views agree. Also the recently ended ones: who ended them, and how (for idempotent
 * RELEASE retries).
 */
final class ReservationBook {
    /** How a reservation ended; {@code order} counts endings, so the most recent of several has the largest. */
    record Ended(String executorId, Keep keep, long order) {
    }

    private final Map<String, ReservationEntry> byId = new LinkedHashMap<>();
    private final Map<String, Map<String, ReservationEntry>> byExecutor = new HashMap<>();
    /** The live reservation naming each task (old or new), the earliest when several would (the rules prevent it). */
    private final Map<String, ReservationEntry> byTask = new HashMap<>();
    /**
     * Live reservations naming a task that {@link #byTask} maps to an earlier one, per task in the order they came
     * (never, by the rules; kept so that a removal looks the next one up instead of scanning every live reservation,
     * which was 7.5% of the shim's loop at 16 and 256 under way).
     */
    private final Map<String, ArrayDeque<ReservationEntry>> shadowed = new HashMap<>();
    private final Map<String, Ended> ended = Bounded.map(4096);
    private long endings;
    /**
     * Each executor's live reservations' pools, summed as they come ({@link #add}), go ({@link #remove}) and give
     * back ({@link #repool}): an executor's limits then cost one sum, however many replacements it has under way
     * (summing them on every limits answer was a quarter of the shim's loop at 16 at once). Pools never overlap, so
     * taking one back out is exact; the ledger's audit recomputes the sums.
     */
    private final Map<String, Resources> pooled = new HashMap<>();

    void add(ReservationEntry r) {
        byId.put(r.replacementId, r);
        byExecutor.computeIfAbsent(r.executorId, k -> new LinkedHashMap<>()).put(r.replacementId, r);
        pooled.merge(r.executorId, r.pool, Resources::plus);
        index(r.oldTaskId(), r);
        if (!r.newTaskId().equals(r.oldTaskId())) {
            index(r.newTaskId(), r);
        }
    }

    private void index(String task, ReservationEntry r) {
        if (byTask.putIfAbsent(task, r) != null) {
            shadowed.computeIfAbsent(task, k -> new ArrayDeque<>(2)).add(r);
        }
    }

    /** {@code r} no longer names {@code task}: the earliest live reservation after it that does takes its place. */
    private void unindex(String task, ReservationEntry r) {
        ArrayDeque<ReservationEntry> later = shadowed.get(task);
        if (byTask.get(task) == r) {
            if (later == null) {
                byTask.remove(task);
                return;
            }
            byTask.put(task, later.removeFirst());
        } else if (later == null || !later.remove(r)) {
            return;
        }
        if (later.isEmpty()) {
            shadowed.remove(task);
        }
    }

    /** Drops a reservation from both views; returns it, or null. */
    ReservationEntry remove(String replacementId) {
        ReservationEntry r = byId.remove(replacementId);
        if (r != null) {
            Map<String, ReservationEntry> mine = byExecutor.get(r.executorId);
            mine.remove(replacementId);
            if (mine.isEmpty()) {
                byExecutor.remove(r.executorId);
                pooled.remove(r.executorId);
            } else {
                pooled.computeIfPresent(r.executorId, (k, sum) -> sum.minus(r.pool));
            }
            unindex(r.oldTaskId(), r);
            if (!r.newTaskId().equals(r.oldTaskId())) {
                unindex(r.newTaskId(), r);
            }
        }
        return r;
    }

    /** The live reservation {@code r}'s pool becomes {@code pool} (a give-back): the only change of a pool. */
    void repool(ReservationEntry r, Resources pool) {
        if (byId.get(r.replacementId) == r) {
            pooled.computeIfPresent(r.executorId, (k, sum) -> sum.minus(r.pool).plus(pool));
        }
        r.pool = pool;
    }

    /** The pools of the executor's live reservations, summed (empty when it has none). */
    Resources pooled(String executorId) {
        return pooled.getOrDefault(executorId, Resources.empty());
    }

    /** Read-only: the sums of {@link #pooled}, for the audit. */
    Map<String, Resources> pooledByExecutor() {
        return Collections.unmodifiableMap(pooled);
    }

    /** Read-only, by replacement id. */
    Map<String, ReservationEntry> byId() {
        return Collections.unmodifiableMap(byId);
    }

    /** Read-only: one executor's, by replacement id (empty when it has none). */
    Map<String, ReservationEntry> of(String executorId) {
        return Collections.unmodifiableMap(byExecutor.getOrDefault(executorId, Map.of()));
    }

    /** The live reservation whose old or new task is {@code taskId} (the earliest), or null. */
    ReservationEntry naming(String taskId) {
        return byTask.get(taskId);
    }

    /** Read-only: by task, for the audit. */
    Map<String, ReservationEntry> byTask() {
        return Collections.unmodifiableMap(byTask);
    }

    /** Read-only: the live reservations naming a task after the one {@link #byTask} names, for the audit. */
    Map<String, ArrayDeque<ReservationEntry>> shadowed() {
        return Collections.unmodifiableMap(shadowed);
    }

    /** Read-only: every executor's, for the audit. */
    Map<String, Map<String, ReservationEntry>> byExecutor() {
        return Collections.unmodifiableMap(byExecutor);
    }

    void ended(String replacementId, String executorId, Keep keep) {
        ended.put(replacementId, new Ended(executorId, keep, ++endings));
    }

    /** How a recently ended reservation ended, or null. */
    Ended ended(String replacementId) {
        return ended.get(replacementId);
    }

    /** The executor a live or recently ended reservation belongs to, or null. */
    String owner(String replacementId) {
        ReservationEntry r = byId.get(replacementId);
        if (r != null) {
            return r.executorId;
        }
        Ended e = ended.get(replacementId);
        return e == null ? null : e.executorId();
    }

    /** How a recently ended reservation of this executor ended, or null (live, unknown, or another's). */
    Keep endedBy(String replacementId, String executorId) {
        Ended e = ended.get(replacementId);
        return e == null || byId.containsKey(replacementId) || !e.executorId().equals(executorId) ? null : e.keep();
    }

    boolean hasEnded(String replacementId) {
        return ended.containsKey(replacementId);
    }
}
