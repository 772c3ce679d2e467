package io.baton.shim.isolator;

/**
 * Port to the node's resource isolation: one container (cgroup) per executor.
 *
 * <p>Container ids are validated by the caller against {@link ContainerIds#PATTERN} and validated
 * again here (defense in depth): an id can never escape the isolator's root.
 *
 * <p>Implementations are not thread-safe; the shim calls them from its single ledger thread.
 */
public interface Isolator extends AutoCloseable {

    /** "cgroup-v1", "cgroup-v2" or "none". */
    String kind();

    /** Creates the container if absent (idempotent) and returns a description such as "cgroup-v1:/baton/exec-1". */
    String prepare(String containerId) throws IsolatorException;

    /** Moves a process into the container. */
    void attach(String containerId, long pid) throws IsolatorException;

    /**
     * Sets CPU limits and the memory limits directly: soft = hard = {@code limits.memoryBytes()}.
     * Raising memory is always safe. Lowering the hard limit below current usage may fail or
     * reclaim; callers that lower memory go through {@link MemoryShrinker} instead.
     */
    void apply(String containerId, Limits limits) throws IsolatorException;

    /** Sets only the CPU limits. */
    void applyCpu(String containerId, long cpuMillis) throws IsolatorException;

    /** Sets the memory soft limit (v1 memory.soft_limit_in_bytes, v2 memory.low). */
    void applyMemorySoft(String containerId, long bytes) throws IsolatorException;

    /** Sets the memory hard limit (v1 memory.limit_in_bytes, v2 memory.max). */
    void applyMemoryHard(String containerId, long bytes) throws IsolatorException;

    /** Current memory usage of the container, in bytes. */
    long memoryUsage(String containerId) throws IsolatorException;

    /** The limits as read back from the container (cpu from shares/quota, memory from the hard limit). */
    Limits read(String containerId) throws IsolatorException;

    /** Removes the container (processes must have left it). Idempotent. */
    void destroy(String containerId) throws IsolatorException;

    @Override
    default void close() {
    }
}
