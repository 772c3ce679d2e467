package io.baton.ledger;

import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ledger's mutable records. Package-private: only {@link Ledger} changes them. */
final class LedgerEntries {
    private LedgerEntries() {
    }

    /** A task an executor runs outside any replacement, with the resources it holds. */
    record HeldTask(TaskInfo info, Resources resources) {
        String id() {
            return info.getTaskId().getValue();
        }
    }

    /**
     * An executor's entry. Its allocation (overhead + held tasks) is kept as tasks come and go, so an operation
     * on one executor costs the same however many tasks it (or any other) holds; {@link #recomputedAllocation}
     * is the audit's sum from scratch.
     */
    static final class ExecutorEntry {
        final String id;
        final Resources overhead;
        private final Map<String, HeldTask> tasks = new LinkedHashMap<>();
        private Resources allocation;
        /** Counts every change of {@link #tasks} (only {@link #hold} and {@link #drop} make them). */
        private long tasksVersion;
        boolean connected;
        long pid;
        int uid;
        long disconnectedAtUs;
        /** When the shim accepted the entry's subscription (microseconds since the epoch, the shim's clock). */
        long subscribedAtUs;

        ExecutorEntry(String id, Resources overhead) {
            this.id = id;
            this.overhead = overhead;
            this.allocation = overhead;
        }

        /** Holds {@code t} (replacing a held task of the same id). */
        void hold(HeldTask t) {
            HeldTask before = tasks.put(t.id(), t);
            tasksVersion++;
            if (before != null) {
                allocation = allocation.minus(before.resources());
            }
            allocation = allocation.plus(t.resources());
        }

        /** Stops holding task {@code id}; returns what it held, or null. */
        HeldTask drop(String id) {
            HeldTask t = tasks.remove(id);
            if (t != null) {
                tasksVersion++;
                allocation = allocation.minus(t.resources());
            }
            return t;
        }

        /** Changes whenever a task is held, replaced or dropped: equal versions of one entry, equal {@link #tasks}. */
        long tasksVersion() {
            return tasksVersion;
        }

        HeldTask held(String id) {
            return tasks.get(id);
        }

        /** The held tasks, by id, in the order they came (read-only). */
        Map<String, HeldTask> tasks() {
            return java.util.Collections.unmodifiableMap(tasks);
        }

        Resources allocation() {
            return allocation;
        }

        Resources recomputedAllocation() {
            Resources sum = overhead;
            for (HeldTask t : tasks.values()) {
                sum = sum.plus(t.resources());
            }
            return sum;
        }
    }

    static final class ReservationEntry {
        final String replacementId;
        final String executorId;
        final TaskInfo oldTask;
        final Resources oldResources;
        final TaskInfo newTask;
        final Resources newResources;
        final boolean concurrent;
        final List<String> offerIds;
        /** Changed only through {@code ReservationBook.repool}, which keeps the executor's sum of pools. */
        Resources pool;
        Resources inUse;

        ReservationEntry(String replacementId, String executorId, TaskInfo oldTask, Resources oldResources,
                TaskInfo newTask, Resources newResources, boolean concurrent, List<String> offerIds,
                Resources pool) {
            this.replacementId = replacementId;
            this.executorId = executorId;
            this.oldTask = oldTask;
            this.oldResources = oldResources;
            this.newTask = newTask;
            this.newResources = newResources;
            this.concurrent = concurrent;
            this.offerIds = List.copyOf(offerIds);
            this.pool = pool;
            this.inUse = oldResources;
        }

        String oldTaskId() {
            return oldTask.getTaskId().getValue();
        }

        String newTaskId() {
            return newTask.getTaskId().getValue();
        }
    }

    static final class OfferEntry {
        final String id;
        final Resources resources;
        final long expiresAtUs;
        /** Set when a REPLACE routed to an executor names this offer: only that reservation may use it. */
        String designatedExecutor;
        String designatedReplacement;

        OfferEntry(String id, Resources resources, long expiresAtUs) {
            this.id = id;
            this.resources = resources;
            this.expiresAtUs = expiresAtUs;
        }
    }

    static List<String> ids(List<HeldTask> tasks) {
        List<String> out = new ArrayList<>(tasks.size());
        for (HeldTask t : tasks) {
            out.add(t.id());
        }
        return out;
    }
}
