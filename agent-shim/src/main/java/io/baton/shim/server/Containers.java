package io.baton.shim.server;

import io.baton.resources.Resources;
import io.baton.shim.isolator.Isolator;
import io.baton.shim.isolator.IsolatorException;
import io.baton.shim.isolator.MemoryShrinker;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies the ledger's container limits to the isolator: CPU directly, memory through the
 * {@link MemoryShrinker} (raise at once; lower the soft limit first and the hard limit only once
 * usage allows). Only cpus and mem are enforced; other resources are ledger-only.
 */
final class Containers {
    private final Isolator isolator;
    private final MemoryShrinker shrinker;
    private final Map<String, Resources> applied = new HashMap<>();
    private final Map<String, String> descriptions = new HashMap<>();
    /** Executors over TCP: their pid cannot be verified, so no cgroup is made for them. */
    private final java.util.Set<String> uncontained = new java.util.HashSet<>();

    Containers(Isolator isolator, MemoryShrinker shrinker) {
        this.isolator = isolator;
        this.shrinker = shrinker;
    }

    String kind() {
        return isolator.kind();
    }

    /** Creates the executor's container (idempotent) and moves its process in. */
    String attach(String executorId, long pid) throws IsolatorException {
        if (pid <= 0) {
            uncontained.add(executorId);
            String description = "uncontained (executor over TCP: its pid cannot be verified)";
            descriptions.put(executorId, description);
            return description;
        }
        uncontained.remove(executorId);
        String description = isolator.prepare(executorId);
        isolator.attach(executorId, pid);
        descriptions.put(executorId, description);
        return description;
    }

    /** Sets the container to hold {@code limits}. No-op when they are what was applied last. */
    void apply(String executorId, Resources limits) throws IsolatorException {
        if (limits.equals(applied.get(executorId))) {
            return;
        }
        if (uncontained.contains(executorId)) {
            applied.put(executorId, limits); // the ledger's view; nothing to enforce
            return;
        }
        isolator.applyCpu(executorId, limits.cpusMillis());
        long mem = limits.memBytes();
        if (mem > 0) {
            shrinker.setMemory(executorId, mem);
        }
        applied.put(executorId, limits);
    }

    /** Forces the next apply to write, e.g. after a shim restart. */
    void forget(String executorId) {
        applied.remove(executorId);
    }

    void destroy(String executorId) throws IsolatorException {
        shrinker.cancel(executorId);
        applied.remove(executorId);
        descriptions.remove(executorId);
        if (!uncontained.remove(executorId)) {
            isolator.destroy(executorId);
        }
    }

    Resources applied(String executorId) {
        return applied.getOrDefault(executorId, Resources.empty());
    }

    String description(String executorId) {
        return descriptions.getOrDefault(executorId, isolator.kind());
    }

    boolean shrinkPending(String executorId) {
        return shrinker.pending(executorId);
    }

    void close() {
        isolator.close();
    }
}
