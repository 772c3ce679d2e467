package io.baton.sdk.core;

import com.google.protobuf.ByteString;
import io.baton.proto.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Status updates on their way to the framework: per task in order, one in flight per task, resent
 * with exponential backoff until acknowledged. Pure; the runtime journals each update before it is
 * recorded here and each acknowledgement before it is applied, so the outbox survives restarts
 * (after which everything unacknowledged is due at once).
 */
public final class StatusOutbox {
    private final long firstBackoffUs;
    private final long maxBackoffUs;
    private final Map<String, ArrayDeque<TaskStatus>> queues = new LinkedHashMap<>();
    /** When each task's head is due next (every queued task has one). */
    private final Map<String, Long> dueAt = new HashMap<>();
    private final Map<String, Long> backoff = new HashMap<>();
    /** Each queued task's place in {@link #queues}' order, given when its queue was made. */
    private final Map<String, Long> order = new HashMap<>();
    /**
     * Every due time set, earliest first; an entry whose task's due time or place has changed since is stale and
     * skipped. {@link #due} and {@link #nextDueUs} then cost the due heads, not every task with a pending update.
     */
    private final PriorityQueue<Due> schedule = new PriorityQueue<>();
    private long nextOrder;
    private int size;

    private record Due(long atUs, long order, String task) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(atUs, o.atUs);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    public StatusOutbox(long firstBackoffUs, long maxBackoffUs) {
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
        ArrayDeque<TaskStatus> q = queues.get(task);
        if (q == null) {
            q = new ArrayDeque<>();
            queues.put(task, q);
            order.put(task, nextOrder++);
        }
        q.add(status);
        size++;
        if (q.size() == 1) {
            dueAt(task, 0L);
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
        size--;
        backoff.remove(taskId);
        if (q.isEmpty()) {
            queues.remove(taskId);
            dueAt.remove(taskId);
            order.remove(taskId);
            return null;
        }
        dueAt(taskId, 0L);
        return q.peekFirst();
    }

    /**
     * The heads due at {@code nowUs}, in the order their tasks' queues were made; each is considered sent now and
     * its next resend is scheduled.
     */
    public List<TaskStatus> due(long nowUs) {
        List<Due> ready = new ArrayList<>();
        while (!schedule.isEmpty() && schedule.peek().atUs() <= nowUs) {
            Due d = schedule.poll();
            if (current(d)) {
                ready.add(d);
                long next = Math.min(maxBackoffUs, backoff.getOrDefault(d.task(), firstBackoffUs / 2) * 2);
                backoff.put(d.task(), next);
                dueAt(d.task(), nowUs + next); // later than nowUs: not polled again here
            }
        }
        ready.sort(java.util.Comparator.comparingLong(Due::order));
        List<TaskStatus> out = new ArrayList<>(ready.size());
        for (Due d : ready) {
            out.add(queues.get(d.task()).peekFirst());
        }
        return out;
    }

    /** When the next resend is due (Long.MAX_VALUE when nothing is pending). */
    public long nextDueUs() {
        while (!schedule.isEmpty() && !current(schedule.peek())) {
            schedule.poll();
        }
        return schedule.isEmpty() ? Long.MAX_VALUE : schedule.peek().atUs();
    }

    /** Everything unacknowledged, per task in order (for checkpoints and tests). */
    public List<TaskStatus> pending() {
        List<TaskStatus> out = new ArrayList<>(size);
        queues.values().forEach(out::addAll);
        return out;
    }

    /** After a reconnect: every head is due at once. */
    public void resendAll() {
        backoff.clear();
        schedule.clear();
        for (String task : queues.keySet()) {
            dueAt(task, 0L);
        }
    }

    public int size() {
        return size;
    }

    private void dueAt(String task, long atUs) {
        dueAt.put(task, atUs);
        schedule.add(new Due(atUs, order.get(task), task));
    }

    private boolean current(Due d) {
        Long at = dueAt.get(d.task());
        return at != null && at == d.atUs() && order.get(d.task()) == d.order();
    }
}
