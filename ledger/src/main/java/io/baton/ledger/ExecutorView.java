package io.baton.ledger;

import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.ledger.LedgerEntries.ExecutorEntry;
import java.util.ArrayList;
import java.util.List;

/** A read-only copy of an executor's ledger entry. */
public record ExecutorView(String id, boolean connected, long pid, int uid, Resources overhead,
        Resources allocation, Resources limits, List<String> taskIds, List<TaskStatus> latest,
        java.util.Map<String, Resources> taskResources) {

    /**
     * What {@link #of} reads, as references and values, without copying: the fields, the task book's status
     * version of the executor ({@link TaskBook#statusVersion}: the latest statuses of the tasks it holds), then each
     * held task (an immutable record, replaced when it changes). Two stamps equal element by element
     * ({@link java.util.Arrays#equals(Object[], Object[])}) mean equal views.
     */
    static Object[] stamp(ExecutorEntry e, Resources limits, TaskBook book) {
        Object[] out = new Object[7 + e.tasks().size()];
        out[0] = e.connected;
        out[1] = e.pid;
        out[2] = e.uid;
        out[3] = e.overhead;
        out[4] = e.allocation();
        out[5] = limits;
        out[6] = book.statusVersion(e.id);
        int i = 7;
        for (var t : e.tasks().values()) {
            out[i++] = t;
        }
        return out;
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
                List.copyOf(ids), List.copyOf(statuses), java.util.Collections.unmodifiableMap(held));
    }
}
