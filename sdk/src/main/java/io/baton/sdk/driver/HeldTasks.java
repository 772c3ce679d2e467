package io.baton.sdk.driver;

import io.baton.proto.TaskInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The handles the executor holds, by task id, each with its <em>incarnation</em>: a number the driver gives
 * every launch (and every task recovery adopts), never reused within the process. This is not a second task
 * table — what a task is (its TaskInfo, its state) lives in the engine alone; this only names the author's
 * handles. A task id can be launched again (a same-id replacement, a rollback's relaunch), so a report or a
 * hook result names its handle's incarnation: one from an earlier incarnation is stale — it tells of a
 * process that has been replaced — and must never be read as news of the current one.
 */
final class HeldTasks {
    private final Map<String, Long> byId = new LinkedHashMap<>();
    private final Map<Long, String> idByIncarnation = new HashMap<>();
    private long lastIncarnation;

    /** A new handle for a task about to be launched; its incarnation. */
    long launch(String id) {
        long incarnation = ++lastIncarnation;
        put(id, incarnation);
        return incarnation;
    }

    /** Handles for tasks found in the journal (the recover hook is asked about them). */
    List<HeldTask> adopt(Map<String, TaskInfo> tasks) {
        List<HeldTask> adopted = new ArrayList<>();
        tasks.forEach((id, info) -> adopted.add(new HeldTask(info, launch(id))));
        return adopted;
    }

    /** A resize: the handle (incarnation and the author's attachment) now belongs to {@code toId}. */
    void rename(String fromId, String toId) {
        Long incarnation = byId.get(fromId);
        remove(fromId);
        put(toId, incarnation == null ? ++lastIncarnation : incarnation);
    }

    private void put(String id, long incarnation) {
        Long replaced = byId.put(id, incarnation);
        if (replaced != null) {
            idByIncarnation.remove(replaced);
        }
        idByIncarnation.put(incarnation, id);
    }

    boolean holds(String id) {
        return byId.containsKey(id);
    }

    /** The incarnation held for this id, or 0 when none is held (0 is never given out). */
    long incarnation(String id) {
        Long incarnation = byId.get(id);
        return incarnation == null ? 0 : incarnation;
    }

    /** The id whose handle has this incarnation now (a resize may have renamed it), or null. */
    String idOf(long incarnation) {
        return idByIncarnation.get(incarnation);
    }

    boolean remove(String id) {
        Long incarnation = byId.remove(id);
        if (incarnation != null) {
            idByIncarnation.remove(incarnation);
        }
        return incarnation != null;
    }

    Set<String> ids() {
        return byId.keySet();
    }
}
