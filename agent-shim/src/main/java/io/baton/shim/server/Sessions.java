package io.baton.shim.server;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.FrameworkEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Live connections: the executor bound to each executor id, the frameworks that receive updates,
 * and a bounded mailbox per disconnected executor (the seed's "executor is re-registering: enqueue
 * the request"). Confined to the shim's event loop.
 */
final class Sessions {
    static final int MAILBOX_CAPACITY = 256;

    private final Map<String, ExecutorSession> executors = new HashMap<>();
    private final Set<FrameworkSession> subscribers = new LinkedHashSet<>();
    private final Map<String, ArrayDeque<ExecutorEvent>> mailboxes = new HashMap<>();
    /**
     * REPLACEs forwarded to an executor that has not shown it has them yet (no RESERVE, no update naming
     * the replacement): an executor that dies before journaling one gets it again when it re-subscribes.
     */
    private final Map<String, ExecutorEvent> unconfirmed = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ExecutorEvent> eldest) {
            return size() > 4096;
        }
    };
    private final Map<String, String> unconfirmedOwner = new HashMap<>();

    ExecutorSession executor(String executorId) {
        return executors.get(executorId);
    }

    void bind(ExecutorSession s) {
        executors.put(s.executorId, s);
    }

    /** Unbinds the session if it is still the one bound to its executor id. */
    boolean unbind(ExecutorSession s) {
        if (s.executorId != null && executors.get(s.executorId) == s) {
            executors.remove(s.executorId);
            return true;
        }
        return false;
    }

    /** Sends to the executor now, or queues it until the executor re-subscribes; false when the mailbox is full. */
    boolean deliver(String executorId, ExecutorEvent event) {
        ExecutorSession s = executors.get(executorId);
        if (s != null) {
            s.send(event);
            return true;
        }
        ArrayDeque<ExecutorEvent> box = mailboxes.computeIfAbsent(executorId, k -> new ArrayDeque<>());
        if (box.size() >= MAILBOX_CAPACITY) {
            return false;
        }
        box.add(event);
        return true;
    }

    /** What waits in the executor's mailbox, without taking it. */
    List<ExecutorEvent> queuedFor(String executorId) {
        ArrayDeque<ExecutorEvent> box = mailboxes.get(executorId);
        return box == null ? List.of() : new ArrayList<>(box);
    }

    List<ExecutorEvent> drainMailbox(String executorId) {
        ArrayDeque<ExecutorEvent> box = mailboxes.remove(executorId);
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

    boolean isConnected(String executorId) {
        return executors.containsKey(executorId);
    }

    void subscribe(FrameworkSession s) {
        subscribers.add(s);
    }

    void unsubscribe(FrameworkSession s) {
        subscribers.remove(s);
    }

    void publish(FrameworkEvent event) {
        for (FrameworkSession s : subscribers) {
            s.send(event);
        }
    }

    int subscriberCount() {
        return subscribers.size();
    }
}
