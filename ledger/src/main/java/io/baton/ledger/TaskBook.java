package io.baton.ledger;

import io.baton.tasks.TaskStates;
import com.google.protobuf.ByteString;
import io.baton.proto.TaskStatus;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who owns each task id and its latest status. Tasks that left the ledger's holdings are kept as
 * "retired" — still owned, so their updates are still accepted and nobody else can claim the id —
 * until their terminal update is acknowledged, or until the bounded retired list evicts them.
 */
final class TaskBook {
    static final int MAX_RETIRED = 65_536;

    private final Map<String, String> owner = new HashMap<>();
    private final Map<String, TaskStatus> latest = new LinkedHashMap<>();
    /**
     * Per executor: how many times the latest status of a task it owns was set or removed, or it came to own a
     * task ({@link #statusVersion}). A held task is always owned by the executor that holds it (the audit checks
     * it), so an unchanged number means unchanged latest statuses of its held tasks. Never removed: an id's count
     * only grows, also across the executor leaving and coming back, so a stamp never repeats (one entry per
     * executor id ever seen).
     */
    private final Map<String, long[]> versions = new HashMap<>();
    private final Map<String, Boolean> retired = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            if (size() > MAX_RETIRED) {
                changed(eldest.getKey());
                owner.remove(eldest.getKey());
                latest.remove(eldest.getKey());
                return true;
            }
            return false;
        }
    };

    /**
     * Updates relayed for tasks nobody owns here (resent after their owner was forgotten: an acknowledged
     * terminal update whose acknowledgement never reached the executor, or a shim restart), by uuid: their
     * acknowledgements still go back to the executor that sent them, or it would resend them forever.
     */
    private final Map<ByteString, String> relayedUnowned = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteString, String> eldest) {
            return size() > MAX_RETIRED;
        }
    };

    void relayedUnowned(ByteString uuid, String executorId) {
        relayedUnowned.put(uuid, executorId);
    }

    /** Whether an update with this uuid was relayed without an owner and is not acknowledged yet. */
    boolean awaitsUnownedAck(ByteString uuid) {
        return relayedUnowned.containsKey(uuid);
    }

    /** The executor that sent an update relayed without an owner, once (null if none). */
    String takeUnownedSender(ByteString uuid) {
        return relayedUnowned.remove(uuid);
    }

    void own(String taskId, String executorId) {
        changed(taskId);
        owner.put(taskId, executorId);
        retired.remove(taskId);
        changed(taskId);
    }

    /** See {@link #versions}: changes whenever a latest status of a task the executor owns may have changed. */
    long statusVersion(String executorId) {
        long[] v = versions.get(executorId);
        return v == null ? 0 : v[0];
    }

    private void changed(String taskId) {
        String o = owner.get(taskId);
        if (o != null) {
            versions.computeIfAbsent(o, k -> new long[1])[0]++;
        }
    }

    String ownerOf(String taskId) {
        return owner.get(taskId);
    }

    void record(TaskStatus status) {
        String id = status.getTaskId().getValue();
        latest.put(id, status);
        changed(id);
    }

    TaskStatus latest(String taskId) {
        return latest.get(taskId);
    }

    Collection<TaskStatus> latestAll() {
        return Collections.unmodifiableCollection(latest.values());
    }

    void retire(String taskId) {
        if (owner.containsKey(taskId)) {
            retired.put(taskId, Boolean.TRUE);
        }
    }

    void forget(String taskId) {
        changed(taskId);
        owner.remove(taskId);
        latest.remove(taskId);
        retired.remove(taskId);
    }

    boolean isRetired(String taskId) {
        return retired.containsKey(taskId);
    }

    /** A terminal update of a retired task was acknowledged: nothing more will come for it. */
    void acknowledged(String taskId, ByteString uuid) {
        TaskStatus s = latest.get(taskId);
        if (retired.containsKey(taskId) && s != null && s.getUuid().equals(uuid)
                && TaskStates.isTerminal(s.getState())) {
            changed(taskId);
            retired.remove(taskId);
            owner.remove(taskId);
            latest.remove(taskId);
        }
    }

    int retiredCount() {
        return retired.size();
    }
}
