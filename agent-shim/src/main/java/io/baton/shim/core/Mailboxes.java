package io.baton.shim.core;

import io.baton.proto.ExecutorEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What waits for executors: a bounded mailbox per disconnected executor (the seed's "executor is
 * re-registering: enqueue the request"), and the REPLACEs forwarded to an executor that has not shown it
 * has them yet (no RESERVE, no update naming the replacement) — an executor that dies before journaling
 * one gets it again when it re-subscribes.
 */
final class Mailboxes {
    static final int CAPACITY = 256;
    static final int UNCONFIRMED_CAPACITY = 4096;

    private final Map<String, ArrayDeque<ExecutorEvent>> boxes = new HashMap<>();
    private final Map<String, ExecutorEvent> unconfirmed = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ExecutorEvent> eldest) {
            if (size() > UNCONFIRMED_CAPACITY) {
                unconfirmedOwner.remove(eldest.getKey());
                return true;
            }
            return false;
        }
    };
    private final Map<String, String> unconfirmedOwner = new HashMap<>();

    /** Queues the event for an executor that is away; false when its mailbox is full. */
    boolean queue(String executorId, ExecutorEvent event) {
        ArrayDeque<ExecutorEvent> box = boxes.computeIfAbsent(executorId, k -> new ArrayDeque<>());
        if (box.size() >= CAPACITY) {
            return false;
        }
        box.add(event);
        return true;
    }

    /** What waits in the executor's mailbox, without taking it. */
    List<ExecutorEvent> queuedFor(String executorId) {
        ArrayDeque<ExecutorEvent> box = boxes.get(executorId);
        return box == null ? List.of() : new ArrayList<>(box);
    }

    List<ExecutorEvent> drain(String executorId) {
        ArrayDeque<ExecutorEvent> box = boxes.remove(executorId);
        return box == null ? List.of() : new ArrayList<>(box);
    }

    void awaitConfirmation(String replacementId, String executorId, ExecutorEvent replace) {
        unconfirmed.put(replacementId, replace);
        unconfirmedOwner.put(replacementId, executorId);
    }

    void confirmed(String replacementId) {
        unconfirmed.remove(replacementId);
        unconfirmedOwner.remove(replacementId);
    }

    /** The REPLACEs an executor has not confirmed, in the order they were forwarded. */
    List<ExecutorEvent> unconfirmedFor(String executorId) {
        List<ExecutorEvent> out = new ArrayList<>();
        unconfirmed.forEach((rid, e) -> {
            if (executorId.equals(unconfirmedOwner.get(rid))) {
                out.add(e);
            }
        });
        return out;
    }

    /** Waiting events of every kind (mailboxes and unconfirmed REPLACEs). */
    int size() {
        int n = unconfirmed.size();
        for (ArrayDeque<ExecutorEvent> b : boxes.values()) {
            n += b.size();
        }
        return n;
    }
}
