package io.baton.shim.isolator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * cgroup v2 adapter: one directory per container, {@code <root>/<parent>/<id>}, with
 * {@code cpu.weight}, {@code cpu.max}, {@code memory.max} (hard) and {@code memory.low} (soft).
 *
 * <p>Not thread-safe by contract of {@link Isolator}; it holds no mutable state of its own.
 */
public final class CgroupV2Isolator implements Isolator {

    private static final String PROCS = "cgroup.procs";
    private static final String SUBTREE = "cgroup.subtree_control";
    private static final List<String> CONTROLLERS = List.of("cpu", "memory");
    private static final String UNLIMITED = "max";

    private final Path root;
    private final Path parentDir;
    private final String parent;
    private final CgroupFs fs;

    public CgroupV2Isolator(Path root, String parent) {
        this(root, parent, KernelCgroupFs.INSTANCE);
    }

    CgroupV2Isolator(Path root, String parent, CgroupFs fs) {
        this.root = root;
        this.parent = ContainerIds.validateParent(parent);
        this.parentDir = ContainerIds.requireUnder(root, root.resolve(parent));
        this.fs = fs;
    }

    /** A writable v2 hierarchy (this process's own cgroup in it) offering the cpu and memory controllers. */
    public static Optional<CgroupV2Isolator> detect(String parent) {
        return probe(parent).isolator();
    }

    static Detection<CgroupV2Isolator> probe(String parent) {
        return probe(parent, Detection.readProc("/proc/self/mountinfo"),
                Detection.readProc("/proc/self/cgroup"), KernelCgroupFs.INSTANCE);
    }

    static Detection<CgroupV2Isolator> probe(String parent, String mountinfo, String selfCgroup, CgroupFs fs) {
        List<ProcCgroups.Mount> mounts = ProcCgroups.parseMountinfo(mountinfo);
        Map<String, String> self = ProcCgroups.parseSelfCgroup(selfCgroup);
        Optional<Path> own = ProcCgroups.ownV2Dir(mounts, self);
        if (own.isEmpty()) {
            return Detection.missing("no cgroup v2 hierarchy mounted (checked /proc/self/mountinfo)");
        }
        Path dir = own.get();
        Path controllersFile = dir.resolve("cgroup.controllers");
        Set<String> available;
        try {
            available = Set.of(fs.read(controllersFile).split("\\s+"));
        } catch (IsolatorException e) {
            return Detection.missing("cgroup v2 at " + dir + " is unusable: " + e.getMessage());
        }
        if (!available.containsAll(CONTROLLERS)) {
            return Detection.missing("cgroup v2 at " + dir + " has no cpu,memory controllers (" + controllersFile
                    + " lists '" + String.join(" ", available).trim() + "')");
        }
        if (!fs.isWritable(dir)) {
            return Detection.missing("cgroup v2 directory " + dir
                    + " is not writable (run the shim as root or delegate that cgroup to it)");
        }
        return Detection.found(new CgroupV2Isolator(dir, parent, fs), "cgroup v2 at " + dir
                + " offers cpu and memory and is writable");
    }

    public Path parentDir() {
        return parentDir;
    }

    public Path dir(String containerId) {
        return ContainerIds.resolveUnder(parentDir, containerId);
    }

    @Override
    public String kind() {
        return "cgroup-v2";
    }

    /** Creates the parent chain, delegating cpu and memory down to the parent, then the container. */
    @Override
    public String prepare(String containerId) throws IsolatorException {
        Path dir = dir(containerId);
        Path level = root;
        enableControllers(level);
        for (Path segment : root.relativize(parentDir)) {
            level = level.resolve(segment);
            fs.mkdir(level);
            enableControllers(level);
        }
        fs.mkdir(dir);
        return kind() + ":/" + parent + "/" + containerId + " (" + dir + ")";
    }

    private void enableControllers(Path dir) throws IsolatorException {
        Path subtree = dir.resolve(SUBTREE);
        if (!fs.exists(subtree)) {
            return;
        }
        List<String> enabled = List.of(fs.read(subtree).split("\\s+"));
        List<String> missing = new ArrayList<>();
        for (String controller : CONTROLLERS) {
            if (!enabled.contains(controller)) {
                missing.add("+" + controller);
            }
        }
        if (!missing.isEmpty()) {
            fs.write(subtree, String.join(" ", missing));
        }
    }

    @Override
    public void attach(String containerId, long pid) throws IsolatorException {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be > 0, got " + pid);
        }
        fs.write(existing(containerId).resolve(PROCS), Long.toString(pid));
    }

    @Override
    public void apply(String containerId, Limits limits) throws IsolatorException {
        applyCpu(containerId, limits.cpuMillis());
        applyMemoryHard(containerId, limits.memoryBytes());
        applyMemorySoft(containerId, limits.memoryBytes());
    }

    @Override
    public void applyCpu(String containerId, long cpuMillis) throws IsolatorException {
        Path dir = existing(containerId);
        long weight = CpuConversion.weight(CpuConversion.shares(cpuMillis));
        fs.write(dir.resolve("cpu.weight"), Long.toString(weight));
        fs.write(dir.resolve("cpu.max"), CpuConversion.quotaUs(cpuMillis) + " " + CpuConversion.PERIOD_US);
    }

    @Override
    public void applyMemorySoft(String containerId, long bytes) throws IsolatorException {
        fs.write(existing(containerId).resolve("memory.low"), Long.toString(bytes));
    }

    @Override
    public void applyMemoryHard(String containerId, long bytes) throws IsolatorException {
        fs.write(existing(containerId).resolve("memory.max"), Long.toString(bytes));
    }

    @Override
    public long memoryUsage(String containerId) throws IsolatorException {
        Path file = existing(containerId).resolve("memory.current");
        return parse(file, fs.read(file));
    }

    @Override
    public Limits read(String containerId) throws IsolatorException {
        Path dir = existing(containerId);
        Path cpuMax = dir.resolve("cpu.max");
        String[] max = fs.read(cpuMax).split("\\s+");
        long quota = max[0].equals(UNLIMITED) ? -1 : parse(cpuMax, max[0]);
        long period = max.length > 1 ? parse(cpuMax, max[1]) : CpuConversion.PERIOD_US;
        Path weightFile = dir.resolve("cpu.weight");
        long shares = CpuConversion.sharesFromWeight(parse(weightFile, fs.read(weightFile)));
        Path memoryMax = dir.resolve("memory.max");
        String memory = fs.read(memoryMax);
        long hard = memory.equals(UNLIMITED) ? Long.MAX_VALUE : parse(memoryMax, memory);
        return new Limits(CpuConversion.millisFrom(quota, period, shares), hard);
    }

    /**
     * v2 forbids processes in a cgroup that delegates controllers, so stragglers cannot be parked in
     * the parent: the container must be empty.
     */
    @Override
    public void destroy(String containerId) throws IsolatorException {
        Path dir = dir(containerId);
        if (!fs.exists(dir)) {
            return;
        }
        String procs = fs.read(dir.resolve(PROCS));
        if (!procs.isEmpty()) {
            throw new IsolatorException("cannot remove cgroup " + dir + ": processes "
                    + procs.lines().toList() + " are still in it; kill them first");
        }
        fs.rmdir(dir);
    }

    private Path existing(String containerId) throws IsolatorException {
        Path dir = dir(containerId);
        if (!fs.exists(dir)) {
            throw new IsolatorException("container " + containerId + " has no cgroup at " + dir
                    + " (prepare it first)");
        }
        return dir;
    }

    private static long parse(Path file, String text) throws IsolatorException {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IsolatorException("expected a number in " + file + ", found '" + text + "'", e);
        }
    }
}
