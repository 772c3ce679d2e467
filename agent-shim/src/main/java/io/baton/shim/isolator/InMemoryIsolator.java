package io.baton.shim.isolator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Isolation that only remembers: limits, attached pids and a settable memory usage per container.
 * Used as {@code --isolator=none} on machines without writable cgroups (nothing is enforced) and as
 * the hand-written fake in tests: it records the latest {@value #RECORDED_CALLS} calls and can fail the next
 * call of an operation. Every operation costs the same however many containers there are (a shim with
 * {@code --isolator=none} attaches every executor here).
 *
 * <p>Thread-safe (all methods synchronized), so tests may drive it from a scheduler thread.
 */
public final class InMemoryIsolator implements Isolator {

    /** A container with no limits applied yet: unlimited memory, no CPU figure. */
    private static final long UNLIMITED = Long.MAX_VALUE;

    private static final class Container {
        long cpuMillis;
        long soft = UNLIMITED;
        long hard = UNLIMITED;
        long usage;
        final Set<Long> pids = new LinkedHashSet<>();
    }

    /** How many calls {@link #calls()} remembers: a long-running shim must not keep all of them. */
    static final int RECORDED_CALLS = 10_000;

    private final Map<String, Container> containers = new HashMap<>();
    /** The container each attached pid is in (a pid is in one container at most). */
    private final Map<Long, String> homes = new HashMap<>();
    private final java.util.ArrayDeque<String> calls = new java.util.ArrayDeque<>();
    private final Set<String> failNext = new HashSet<>();

    @Override
    public String kind() {
        return "none";
    }

    @Override
    public synchronized String prepare(String containerId) throws IsolatorException {
        call("prepare", containerId);
        containers.computeIfAbsent(containerId, id -> new Container());
        return kind() + ":" + containerId;
    }

    @Override
    public synchronized void attach(String containerId, long pid) throws IsolatorException {
        call("attach", containerId, pid);
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be > 0, got " + pid);
        }
        String home = homes.remove(pid);
        if (home != null && containers.containsKey(home)) {
            containers.get(home).pids.remove(pid);
        }
        container(containerId).pids.add(pid);
        homes.put(pid, containerId);
    }

    @Override
    public synchronized void apply(String containerId, Limits limits) throws IsolatorException {
        call("apply", containerId, limits);
        Container c = container(containerId);
        c.cpuMillis = limits.cpuMillis();
        c.hard = limits.memoryBytes();
        c.soft = limits.memoryBytes();
    }

    @Override
    public synchronized void applyCpu(String containerId, long cpuMillis) throws IsolatorException {
        call("applyCpu", containerId, cpuMillis);
        container(containerId).cpuMillis = cpuMillis;
    }

    @Override
    public synchronized void applyMemorySoft(String containerId, long bytes) throws IsolatorException {
        call("applyMemorySoft", containerId, bytes);
        container(containerId).soft = bytes;
    }

    @Override
    public synchronized void applyMemoryHard(String containerId, long bytes) throws IsolatorException {
        call("applyMemoryHard", containerId, bytes);
        container(containerId).hard = bytes;
    }

    @Override
    public synchronized long memoryUsage(String containerId) throws IsolatorException {
        call("memoryUsage", containerId);
        return container(containerId).usage;
    }

    @Override
    public synchronized Limits read(String containerId) throws IsolatorException {
        call("read", containerId);
        Container c = container(containerId);
        return new Limits(c.cpuMillis, c.hard);
    }

    @Override
    public synchronized void destroy(String containerId) throws IsolatorException {
        call("destroy", containerId);
        Container gone = containers.remove(containerId);
        if (gone != null) {
            gone.pids.forEach(pid -> homes.remove(pid, containerId));
        }
    }

    /** Sets what {@link #memoryUsage} reports for a prepared container. */
    public synchronized void setUsage(String containerId, long bytes) {
        Container c = containers.get(containerId);
        if (c == null) {
            throw new IllegalStateException("container " + containerId + " is not prepared");
        }
        c.usage = bytes;
    }

    /** The next call of {@code op} (a method name such as "applyMemoryHard") throws IsolatorException. */
    public synchronized void failNext(String op) {
        failNext.add(op);
    }

    /**
     * The calls so far (the latest {@value #RECORDED_CALLS}), e.g. "applyMemoryHard exec-1 1048576", in order
     * (failed ones included).
     */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized void clearCalls() {
        calls.clear();
    }

    public synchronized boolean exists(String containerId) {
        return containers.containsKey(containerId);
    }

    public synchronized Optional<Long> softLimit(String containerId) {
        return Optional.ofNullable(containers.get(containerId)).map(c -> c.soft);
    }

    public synchronized Optional<Long> hardLimit(String containerId) {
        return Optional.ofNullable(containers.get(containerId)).map(c -> c.hard);
    }

    public synchronized Set<Long> pids(String containerId) {
        Container c = containers.get(containerId);
        return c == null ? Set.of() : Set.copyOf(c.pids);
    }

    private void call(String op, String containerId, Object... args) throws IsolatorException {
        StringBuilder line = new StringBuilder(op).append(' ').append(containerId);
        for (Object arg : args) {
            line.append(' ').append(arg);
        }
        if (calls.size() == RECORDED_CALLS) {
            calls.removeFirst();
        }
        calls.addLast(line.toString());
        ContainerIds.validate(containerId);
        if (failNext.remove(op)) {
            throw new IsolatorException("injected failure: " + line);
        }
    }

    private Container container(String containerId) throws IsolatorException {
        Container c = containers.get(containerId);
        if (c == null) {
            throw new IsolatorException("container " + containerId + " is not prepared");
        }
        return c;
    }
}
