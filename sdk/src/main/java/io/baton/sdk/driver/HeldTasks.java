package io.baton.sdk.driver;

import io.baton.proto.TaskInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tasks this executor holds a handle of, each with the <em>incarnation</em> of its handle: a number
 * the driver gives every launch (and every task recovery adopts), never reused within the process. A
 * task id can be launched again (a same-id replacement, a rollback's relaunch), so a report or a hook
 * result names its handle's incarnation: one from an earlier incarnation is stale — it tells of a process
 * that has been replaced — and must never be read as news of the current one.
 */
final class HeldTasks {
    private final Map<String, HeldTask> byId = new LinkedHashMap<>();
    private final Map<Long, String> idByIncarnation = new HashMap<>();
    private long lastIncarnation;

    /** A new handle for a task about to be launched. */
    HeldTask launch(TaskInfo task) {
        HeldTask h = new HeldTask(task, ++lastIncarnation);
        put(h);
        return h;
    }

    /** Handles for tasks found in the journal (the recover hook is asked about them). */
    List<HeldTask> adopt(Map<String, TaskInfo> tasks) {
        List<HeldTask> adopted = new ArrayList<>();
        tasks.values().forEach(t -> adopted.add(launch(t)));
        return adopted;
    }

    /** A resize: the handle (incarnation and the author's attachment) now carries {@code to}. */
    void rename(String fromId, TaskInfo to) {
        HeldTask old = byId.get(fromId);
        remove(fromId);
        put(new HeldTask(to, old == null ? ++lastIncarnation : old.incarnation()));
    }

    private void put(HeldTask h) {
        HeldTask replaced = byId.put(h.id(), h);
        if (replaced != null) {
            idByIncarnation.remove(replaced.incarnation());
        }
        idByIncarnation.put(h.incarnation(), h.id());
    }

    boolean holds(String id) {
        return byId.containsKey(id);
    }

    HeldTask get(String id) {
        return byId.get(id);
    }

    TaskInfo info(String id) {
        HeldTask h = byId.get(id);
        return h == null ? null : h.info();
    }

    /** The incarnation held for this id, or 0 when none is held. */
    long incarnation(String id) {
        HeldTask h = byId.get(id);
        return h == null ? 0 : h.incarnation();
    }

    /** The held task whose handle has this incarnation (whatever id it has now), or null. */
    HeldTask byIncarnation(long incarnation) {
        String id = idByIncarnation.get(incarnation);
        return id == null ? null : byId.get(id);
    }

    boolean remove(String id) {
        HeldTask h = byId.remove(id);
        if (h != null) {
            idByIncarnation.remove(h.incarnation());
        }
        return h != null;
    }

    Set<String> ids() {
        return byId.keySet();
    }
}
