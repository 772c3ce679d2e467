package io.baton.shim.isolator;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cgroup v1 adapter: one directory per container in the {@code cpu} and the {@code memory}
 * hierarchies, {@code <cpuRoot>/<parent>/<id>} and {@code <memoryRoot>/<parent>/<id>}.
 *
 * <p>Not thread-safe by contract of {@link Isolator}; it holds no mutable state of its own.
 */
public final class CgroupV1Isolator implements Isolator {

    private static final String PROCS = "cgroup.procs";
    private static final String MEMSW = "memory.memsw.limit_in_bytes";

    private final Path cpuParent;
    private final Path memoryParent;
    private final String parent;
    private final CgroupFs fs;

    public CgroupV1Isolator(Path cpuRoot, Path memoryRoot, String parent) {
        this(cpuRoot, memoryRoot, parent, KernelCgroupFs.INSTANCE);
    }

    CgroupV1Isolator(Path cpuRoot, Path memoryRoot, String parent, CgroupFs fs) {
        this.parent = ContainerIds.validateParent(parent);
        this.cpuParent = ContainerIds.requireUnder(cpuRoot, cpuRoot.resolve(parent));
        this.memoryParent = ContainerIds.requireUnder(memoryRoot, memoryRoot.resolve(parent));
        this.fs = fs;
    }

    /**
     * Finds writable v1 {@code cpu} and {@code memory} hierarchies and places {@code parent} under
     * this process's own cgroup in each (some hosts only account memory below the process's own
     * memory cgroup).
     */
    public static Optional<CgroupV1Isolator> detect(String parent) {
        return probe(parent).isolator();
    }

    static Detection<CgroupV1Isolator> probe(String parent) {
        return probe(parent, Detection.readProc("/proc/self/mountinfo"),
                Detection.readProc("/proc/self/cgroup"), Path.of("/sys/fs/cgroup"), KernelCgroupFs.INSTANCE);
    }

    static Detection<CgroupV1Isolator> probe(String parent, String mountinfo, String selfCgroup,
            Path fallbackMounts, CgroupFs fs) {
        List<ProcCgroups.Mount> mounts = ProcCgroups.parseMountinfo(mountinfo);
        Map<String, String> self = ProcCgroups.parseSelfCgroup(selfCgroup);
        Optional<Path> cpu = ownDir(mounts, self, "cpu", fallbackMounts, fs);
        Optional<Path> memory = ownDir(mounts, self, "memory", fallbackMounts, fs);
        if (cpu.isEmpty() || memory.isEmpty()) {
            return Detection.missing("no cgroup v1 " + (cpu.isEmpty() ? "cpu" : "memory")
                    + " hierarchy mounted (checked /proc/self/mountinfo and " + fallbackMounts + ")");
        }
        for (Path dir : List.of(cpu.get(), memory.get())) {
            if (!fs.exists(dir.resolve(PROCS)) || !fs.isWritable(dir)) {
                return Detection.missing("cgroup v1 directory " + dir
                        + " is not writable (run the shim as root or delegate that cgroup to it)");
            }
        }
        CgroupV1Isolator isolator = new CgroupV1Isolator(cpu.get(), memory.get(), parent, fs);
        return Detection.found(isolator, "cgroup v1 is writable: cpu under " + isolator.cpuParent
                + ", memory under " + isolator.memoryParent);
    }

    private static Optional<Path> ownDir(List<ProcCgroups.Mount> mounts, Map<String, String> self,
            String controller, Path fallbackMounts, CgroupFs fs) {
        Optional<Path> dir = ProcCgroups.ownV1Dir(mounts, self, controller);
        if (dir.isPresent()) {
            return dir;
        }
        Path fallback = fallbackMounts.resolve(controller);
        if (!fs.exists(fallback.resolve(PROCS))) {
            return Optional.empty();
        }
        ProcCgroups.Mount assumed = new ProcCgroups.Mount(fallback, "/", "cgroup", List.of(controller));
        return ProcCgroups.ownV1Dir(List.of(assumed), self, controller);
    }

    public Path cpuParent() {
        return cpuParent;
    }

    public Path memoryParent() {
        return memoryParent;
    }

    public Path cpuDir(String containerId) {
        return ContainerIds.resolveUnder(cpuParent, containerId);
    }

    public Path memoryDir(String containerId) {
        return ContainerIds.resolveUnder(memoryParent, containerId);
    }

    @Override
    public String kind() {
        return "cgroup-v1";
    }

    @Override
    public String prepare(String containerId) throws IsolatorException {
        Path cpu = cpuDir(containerId);
        Path memory = memoryDir(containerId);
        fs.mkdir(cpu);
        fs.mkdir(memory);
        return kind() + ":/" + parent + "/" + containerId + " (cpu " + cpu + ", memory " + memory + ")";
    }

    @Override
    public void attach(String containerId, long pid) throws IsolatorException {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be > 0, got " + pid);
        }
        fs.write(existing(cpuDir(containerId), containerId).resolve(PROCS), Long.toString(pid));
        fs.write(existing(memoryDir(containerId), containerId).resolve(PROCS), Long.toString(pid));
    }

    @Override
    public void apply(String containerId, Limits limits) throws IsolatorException {
        applyCpu(containerId, limits.cpuMillis());
        applyMemoryHard(containerId, limits.memoryBytes());
        applyMemorySoft(containerId, limits.memoryBytes());
    }

    @Override
    public void applyCpu(String containerId, long cpuMillis) throws IsolatorException {
        Path cpu = existing(cpuDir(containerId), containerId);
        fs.write(cpu.resolve("cpu.shares"), Long.toString(CpuConversion.shares(cpuMillis)));
        fs.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CpuConversion.PERIOD_US));
        fs.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(CpuConversion.quotaUs(cpuMillis)));
    }

    @Override
    public void applyMemorySoft(String containerId, long bytes) throws IsolatorException {
        Path memory = existing(memoryDir(containerId), containerId);
        fs.write(memory.resolve("memory.soft_limit_in_bytes"), Long.toString(bytes));
    }

    /**
     * v1 insists on limit_in_bytes ≤ memsw.limit_in_bytes. When swap accounting is on and its limit
     * is below the new hard limit, raise memsw first (to the same value, so "no swap" stays no swap);
     * otherwise memsw is left alone.
     */
    @Override
    public void applyMemoryHard(String containerId, long bytes) throws IsolatorException {
        Path memory = existing(memoryDir(containerId), containerId);
        Path memsw = memory.resolve(MEMSW);
        if (fs.exists(memsw) && readLong(memsw) < bytes) {
            fs.write(memsw, Long.toString(bytes));
        }
        fs.write(memory.resolve("memory.limit_in_bytes"), Long.toString(bytes));
    }

    @Override
    public long memoryUsage(String containerId) throws IsolatorException {
        return readLong(existing(memoryDir(containerId), containerId).resolve("memory.usage_in_bytes"));
    }

    @Override
    public Limits read(String containerId) throws IsolatorException {
        Path cpu = existing(cpuDir(containerId), containerId);
        Path memory = existing(memoryDir(containerId), containerId);
        long millis = CpuConversion.millisFrom(readLong(cpu.resolve("cpu.cfs_quota_us")),
                readLong(cpu.resolve("cpu.cfs_period_us")), readLong(cpu.resolve("cpu.shares")));
        return new Limits(millis, readLong(memory.resolve("memory.limit_in_bytes")));
    }

    /** Soft limit as the kernel holds it (rounded down to a page). */
    public long readMemorySoft(String containerId) throws IsolatorException {
        return readLong(existing(memoryDir(containerId), containerId).resolve("memory.soft_limit_in_bytes"));
    }

    /** Pids in the container's memory cgroup. */
    public List<Long> pids(String containerId) throws IsolatorException {
        return parsePids(existing(memoryDir(containerId), containerId).resolve(PROCS));
    }

    @Override
    public void destroy(String containerId) throws IsolatorException {
        evacuateAndRemove(cpuDir(containerId), cpuParent);
        evacuateAndRemove(memoryDir(containerId), memoryParent);
    }

    /** Stragglers go to the parent so the rmdir cannot fail on them. */
    private void evacuateAndRemove(Path dir, Path parentDir) throws IsolatorException {
        if (!fs.exists(dir)) {
            return;
        }
        for (long pid : parsePids(dir.resolve(PROCS))) {
            try {
                fs.write(parentDir.resolve(PROCS), Long.toString(pid));
            } catch (IsolatorException e) {
                if (parsePids(dir.resolve(PROCS)).contains(pid)) {
                    throw e;
                }
                // The process exited meanwhile: nothing to move.
            }
        }
        fs.rmdir(dir);
    }

    private List<Long> parsePids(Path procs) throws IsolatorException {
        String text = fs.read(procs);
        try {
            return text.isEmpty() ? List.of() : text.lines().map(String::trim).map(Long::parseLong).toList();
        } catch (NumberFormatException e) {
            throw new IsolatorException("unexpected content in " + procs + ": '" + text + "'", e);
        }
    }

    private Path existing(Path dir, String containerId) throws IsolatorException {
        if (!fs.exists(dir)) {
            throw new IsolatorException("container " + containerId + " has no cgroup at " + dir
                    + " (prepare it first)");
        }
        return dir;
    }

    private long readLong(Path file) throws IsolatorException {
        String text = fs.read(file);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IsolatorException("expected a number in " + file + ", found '" + text + "'", e);
        }
    }
}
