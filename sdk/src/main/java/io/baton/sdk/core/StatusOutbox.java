package io.baton.sdk.core;

import com.google.protobuf.ByteString;
import io.baton.proto.TaskStatus;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
    /** Each task with an update pending, in the order its queue was made. */
    private final Map<String, Pending> queues = new LinkedHashMap<>();
    /*
     * Every due time set, in three lanes, each earliest first: heads due at once, in a FIFO; first resends, due one
     * first backoff after their send, in a FIFO (sends come in time order, so those are in order too; one whose time
     * would come before the last one's, when the clock went back, goes to the heap instead); and the rest (later
     * resends) in a heap. An entry whose task's due time or place has changed since is stale and skipped when it
     * comes up. Nearly every update is sent at once and acknowledged before its first resend: its two entries then
     * cost a FIFO's add and poll each, where one heap of them all (as before) held every acknowledged update's resend
     * until its time, thousands at full throughput, and polling its due heads was 6% of the driver loop.
     */
    private final ArrayDeque<Due> now = new ArrayDeque<>();
    private final ArrayDeque<Due> firstResends = new ArrayDeque<>();
    private final PriorityQueue<Due> schedule = new PriorityQueue<>();
    private long nextOrder;
    private int size;

    /**
     * A task's pending updates, when its head is due next, its current backoff (0 before the head's first send) and
     * its queue's place in {@link #queues}' order, given when the queue was made. One object per task: one lookup per
     * operation (four maps cost a tenth of the driver loop at full throughput).
     */
    private static final class Pending {
        final ArrayDeque<TaskStatus> updates = new ArrayDeque<>(2);
        final long order;
        long dueAtUs;
        long backoffUs;

        Pending(long order) {
            this.order = order;
        }
    }

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
        Pending p = queues.get(task);
        if (p == null) {
            p = new Pending(nextOrder++);
            queues.put(task, p);
        }
        p.updates.add(status);
        size++;
        if (p.updates.size() == 1) {
            dueAt(task, p, 0L);
            return true;
        }
        return false;
    }

    /**
     * The framework acknowledged {@code uuid}. Returns the task's next update to send now, or null.
     * An acknowledgement that is not for the head (a duplicate, or stale) changes nothing.
     */
    public TaskStatus acknowledged(String taskId, ByteString uuid) {
        Pending p = queues.get(taskId);
        if (p == null || p.updates.isEmpty() || !p.updates.peekFirst().getUuid().equals(uuid)) {
            return null;
        }
        p.updates.removeFirst();
        size--;
        p.backoffUs = 0;
        if (p.updates.isEmpty()) {
            queues.remove(taskId);
            return null;
        }
        dueAt(taskId, p, 0L);
        return p.updates.peekFirst();
    }

    /**
     * The heads due at {@code nowUs}, in the order their tasks' queues were made; each is considered sent now and
     * its next resend is scheduled.
     */
    public List<TaskStatus> due(long nowUs) {
        List<Due> ready = new ArrayList<>();
        // the due heads of every lane first, then each one's resend (at nowUs + its backoff: not due in this call)
        takeDue(this.now, nowUs, ready);
        takeDue(firstResends, nowUs, ready);
        takeDue(schedule, nowUs, ready);
        for (Due d : ready) {
            Pending p = queues.get(d.task());
            long next = Math.min(maxBackoffUs, (p.backoffUs == 0 ? firstBackoffUs / 2 : p.backoffUs) * 2);
            p.backoffUs = next;
            dueAt(d.task(), p, nowUs + next);
        }
        if (ready.size() > 1) {
            ready.sort(java.util.Comparator.comparingLong(Due::order));
        }
        List<TaskStatus> out = new ArrayList<>(ready.size());
        for (Due d : ready) {
            out.add(queues.get(d.task()).updates.peekFirst());
        }
        return out;
    }

    /** When the next resend is due (Long.MAX_VALUE when nothing is pending). */
    public long nextDueUs() {
        return Math.min(Math.min(head(now), head(firstResends)), head(schedule));
    }

    /** The lane's earliest due time that is not stale (dropping the stale ones before it), or Long.MAX_VALUE. */
    private long head(java.util.Queue<Due> lane) {
        while (!lane.isEmpty() && current(lane.peek()) == null) {
            lane.poll();
        }
        return lane.isEmpty() ? Long.MAX_VALUE : lane.peek().atUs();
    }

    /** Moves the lane's entries due at {@code nowUs} that are not stale to {@code ready}. */
    private void takeDue(java.util.Queue<Due> lane, long nowUs, List<Due> ready) {
        while (!lane.isEmpty() && lane.peek().atUs() <= nowUs) {
            Due d = lane.poll();
            Pending p = current(d);
            if (p != null) {
                p.dueAtUs = -1; // taken: another entry of the same due time (set twice) is stale now
                ready.add(d);
            }
        }
    }

    /** Everything unacknowledged, per task in order (for checkpoints and tests). */
    public List<TaskStatus> pending() {
        List<TaskStatus> out = new ArrayList<>(size);
        queues.values().forEach(p -> out.addAll(p.updates));
        return out;
    }

    /** After a reconnect: every head is due at once. */
    public void resendAll() {
        now.clear();
        firstResends.clear();
        schedule.clear();
        queues.forEach((task, p) -> {
            p.backoffUs = 0;
            dueAt(task, p, 0L);
        });
    }

    public int size() {
        return size;
    }

    private void dueAt(String task, Pending p, long atUs) {
        p.dueAtUs = atUs;
        Due d = new Due(atUs, p.order, task);
        if (atUs == 0L) {
            now.add(d);
        } else if (p.backoffUs == firstBackoffUs && (firstResends.isEmpty() || firstResends.peekLast().atUs() <= atUs)) {
            firstResends.add(d);
        } else {
            schedule.add(d);
        }
    }

    /** The task's pending updates if {@code d} is still when its head is due, else null (a stale entry). */
    private Pending current(Due d) {
        Pending p = queues.get(d.task());
        return p != null && p.dueAtUs == d.atUs() && p.order == d.order() ? p : null;
    }
}
