package io.baton.sdk.core;

import com.google.protobuf.ByteString;
import io.baton.proto.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outbox as it was until 2026-12-04 — every call scanning every task with a pending update — kept as the model
 * {@link StatusOutboxEquivalenceTest} holds the indexed {@link StatusOutbox} to.
 */
final class StatusOutboxModel {
    private final long firstBackoffUs;
    private final long maxBackoffUs;
    private final Map<String, ArrayDeque<TaskStatus>> queues = new LinkedHashMap<>();
    private final Map<String, Long> dueAt = new HashMap<>();
    private final Map<String, Long> backoff = new HashMap<>();

    StatusOutboxModel(long firstBackoffUs, long maxBackoffUs) {
        if (firstBackoffUs <= 0 || maxBackoffUs < firstBackoffUs) {
            throw new IllegalArgumentException("backoff must be 0 < first <= max, got " + firstBackoffUs + " and "
                    + maxBackoffUs);
        }
        this.firstBackoffUs = firstBackoffUs;
        this.maxBackoffUs = maxBackoffUs;
    }

    /** Queues an update; returns true if it is its task's head (so it should be sent now). */
    public boolean record(TaskStatus status) {
        if (status.getUuid().size() != 16) {
            throw new IllegalArgumentException("status for task " + status.getTaskId().getValue()
                    + " needs a 16-byte uuid, got " + status.getUuid().size());
        }
        String task = status.getTaskId().getValue();
        ArrayDeque<TaskStatus> q = queues.computeIfAbsent(task, k -> new ArrayDeque<>());
        q.add(status);
        if (q.size() == 1) {
            dueAt.put(task, 0L);
            return true;
        }
        return false;
    }

    /**
     * The framework acknowledged {@code uuid}. Returns the task's next update to send now, or null.
     * An acknowledgement that is not for the head (a duplicate, or stale) changes nothing.
     */
    public TaskStatus acknowledged(String taskId, ByteString uuid) {
        ArrayDeque<TaskStatus> q = queues.get(taskId);
        if (q == null || q.isEmpty() || !q.peekFirst().getUuid().equals(uuid)) {
            return null;
        }
        q.removeFirst();
        backoff.remove(taskId);
        if (q.isEmpty()) {
            queues.remove(taskId);
            dueAt.remove(taskId);
            return null;
        }
        dueAt.put(taskId, 0L);
        return q.peekFirst();
    }

    /** The heads due at {@code nowUs}; each is considered sent now and its next resend is scheduled. */
    public List<TaskStatus> due(long nowUs) {
        List<TaskStatus> out = new ArrayList<>();
        for (Map.Entry<String, ArrayDeque<TaskStatus>> e : queues.entrySet()) {
            String task = e.getKey();
            if (dueAt.getOrDefault(task, 0L) <= nowUs) {
                out.add(e.getValue().peekFirst());
                long next = Math.min(maxBackoffUs, backoff.getOrDefault(task, firstBackoffUs / 2) * 2);
                backoff.put(task, next);
                dueAt.put(task, nowUs + next);
            }
        }
        return out;
    }

    /** When the next resend is due (Long.MAX_VALUE when nothing is pending). */
    public long nextDueUs() {
        long min = Long.MAX_VALUE;
        for (String task : queues.keySet()) {
            min = Math.min(min, dueAt.getOrDefault(task, 0L));
        }
        return min;
    }

    /** Everything unacknowledged, per task in order (for checkpoints and tests). */
    public List<TaskStatus> pending() {
        List<TaskStatus> out = new ArrayList<>();
        queues.values().forEach(out::addAll);
        return out;
    }

    /** After a reconnect: every head is due at once. */
    public void resendAll() {
        dueAt.replaceAll((k, v) -> 0L);
        backoff.clear();
    }

    public int size() {
        int n = 0;
        for (ArrayDeque<TaskStatus> q : queues.values()) {
            n += q.size();
        }
        return n;
    }
}
