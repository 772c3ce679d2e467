package io.baton.ledger;

import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ExecutorEntry;
import java.util.ArrayList;
import java.util.List;

/** A read-only copy of an executor's ledger entry. */
public record ExecutorView(String id, boolean connected, long pid, int uid, Resources overhead,
        Resources allocation, Resources limits, List<String> taskIds, List<TaskStatus> latest,
        java.util.Map<String, Resources> taskResources, long subscribedAtUs) {

    /**
     * What {@link #of} reads, as references and values, without copying: the fields, the task book's status
     * version of the executor ({@link TaskBook#statusVersion}: the latest statuses of the tasks it holds), then the
     * entry itself (compared by identity) and the version of its held tasks ({@link ExecutorEntry#tasksVersion}),
     * so a stamp costs the same however many tasks the executor holds (it listed every held task until
     * 2026-12-04: two thirds of a STATE's work in the shim at 100,000 tasks). Two stamps equal element by element
     * ({@link java.util.Arrays#equals(Object[], Object[])}) mean equal views.
     */
    static Object[] stamp(ExecutorEntry e, Resources limits, TaskBook book) {
        return new Object[] {e.connected, e.pid, e.uid, e.overhead, e.allocation(), limits, book.statusVersion(e.id),
            e, e.tasksVersion()};
    }

    static ExecutorView of(ExecutorEntry e, Resources limits, TaskBook book) {
        List<String> ids = new ArrayList<>(e.tasks().keySet());
        List<TaskStatus> statuses = new ArrayList<>();
        for (String id : ids) {
            TaskStatus s = book.latest(id);
            if (s != null) {
                statuses.add(s);
            }
        }
        java.util.Map<String, Resources> held = new java.util.LinkedHashMap<>();
        e.tasks().forEach((id, t) -> held.put(id, t.resources()));
        return new ExecutorView(e.id, e.connected, e.pid, e.uid, e.overhead, e.allocation(), limits,
                List.copyOf(ids), List.copyOf(statuses), java.util.Collections.unmodifiableMap(held), e.subscribedAtUs);
    }
}
