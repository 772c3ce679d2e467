package io.baton.shim.isolator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * A cgroupfs stand-in on a temporary directory that behaves like the kernel where the isolators
 * care: mkdir populates the hierarchy's interface files, a write replaces the value (appends a pid
 * for cgroup.procs, adds/removes controllers for cgroup.subtree_control), writing a missing file
 * fails, and rmdir of a cgroup with processes is refused.
 */
final class FakeCgroupFs implements CgroupFs {

    /** Interface files and their initial values, per hierarchy root. */
    private final Map<Path, Map<String, String>> filesByRoot = new LinkedHashMap<>();
    private final List<String> writes = new ArrayList<>();
    private final Path base;
    /** Returns an errno-style message to refuse a write, or null to accept it. */
    private BiFunction<Path, String, String> refuse = (file, value) -> null;

    FakeCgroupFs(Path base) {
        this.base = base;
    }

    /** Declares a hierarchy: creates its root with {@code files} (the root's own values may differ later). */
    FakeCgroupFs hierarchy(Path root, Map<String, String> files) {
        filesByRoot.put(root, files);
        populate(root, files);
        return this;
    }

    FakeCgroupFs refuseWrites(BiFunction<Path, String, String> rule) {
        this.refuse = rule;
        return this;
    }

    /** Writes so far, as "path-relative-to-base=value". */
    List<String> writes() {
        return List.copyOf(writes);
    }

    void clearWrites() {
        writes.clear();
    }

    /** What the kernel would show, for assertions. */
    String value(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets a kernel-owned value such as memory.current. */
    void kernelSets(Path file, String value) {
        try {
            Files.writeString(file, value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void mkdir(Path dir) throws IsolatorException {
        Path root = filesByRoot.keySet().stream().filter(dir::startsWith).findFirst()
                .orElseThrow(() -> new IsolatorException("cannot create cgroup " + dir + ": not a cgroup hierarchy"));
        Path current = root;
        for (Path segment : root.relativize(dir)) {
            current = current.resolve(segment);
            if (!Files.isDirectory(current)) {
                populate(current, filesByRoot.get(root));
            }
        }
    }

    @Override
    public void rmdir(Path dir) throws IsolatorException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path procs = dir.resolve("cgroup.procs");
        if (Files.exists(procs) && !value(procs).isBlank()) {
            throw new IsolatorException("cannot remove cgroup " + dir + ": Device or resource busy");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new IsolatorException("cannot remove cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public boolean isWritable(Path path) {
        return Files.isWritable(path);
    }

    @Override
    public String read(Path file) throws IsolatorException {
        if (!Files.isRegularFile(file)) {
            throw new IsolatorException("cannot read " + file + ": No such file or directory");
        }
        return value(file).trim();
    }

    @Override
    public void write(Path file, String value) throws IsolatorException {
        writes.add(base.relativize(file) + "=" + value);
        if (!Files.isRegularFile(file)) {
            throw new IsolatorException("cannot write '" + value + "' to " + file + ": No such file or directory");
        }
        String refusal = refuse.apply(file, value);
        if (refusal != null) {
            throw new IsolatorException("cannot write '" + value + "' to " + file + ": " + refusal);
        }
        String name = file.getFileName().toString();
        if (name.equals("cgroup.procs")) {
            movePid(file, value.trim());
        } else if (name.equals("cgroup.subtree_control")) {
            Set<String> enabled = new LinkedHashSet<>(Arrays.asList(value(file).trim().split("\\s+")));
            enabled.remove("");
            for (String token : value.trim().split("\\s+")) {
                if (token.startsWith("+")) {
                    enabled.add(token.substring(1));
                } else if (token.startsWith("-")) {
                    enabled.remove(token.substring(1));
                }
            }
            kernelSets(file, String.join(" ", enabled) + "\n");
        } else {
            kernelSets(file, value + "\n");
        }
    }

    /** A task is in exactly one cgroup per hierarchy: take it out of the others. */
    private void movePid(Path procs, String pid) {
        Path root = filesByRoot.keySet().stream().filter(procs::startsWith).findFirst().orElseThrow();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path other : files.filter(p -> p.endsWith("cgroup.procs")).toList()) {
                List<String> pids = pidsIn(other);
                if (pids.remove(pid)) {
                    kernelSets(other, pids.stream().map(p -> p + "\n").reduce("", String::concat));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> pids = pidsIn(procs);
        pids.add(pid);
        kernelSets(procs, pids.stream().map(p -> p + "\n").reduce("", String::concat));
    }

    private List<String> pidsIn(Path procs) {
        return new ArrayList<>(value(procs).lines().filter(l -> !l.isBlank()).toList());
    }

    private void populate(Path dir, Map<String, String> files) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = dir.resolve(f.getKey());
                if (!Files.exists(file)) {
                    Files.writeString(file, f.getValue() + "\n", StandardCharsets.US_ASCII);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> v2Files(String controllers) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("cgroup.controllers", controllers);
        files.put("cgroup.subtree_control", "");
        files.put("cgroup.procs", "");
        files.put("cpu.weight", "100");
        files.put("cpu.max", "max 100000");
        files.put("memory.max", "max");
        files.put("memory.low", "0");
        files.put("memory.current", "0");
        return files;
    }

    static Map<String, String> v1CpuFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("cgroup.procs", "");
        files.put("cpu.shares", "1024");
        files.put("cpu.cfs_period_us", "100000");
        files.put("cpu.cfs_quota_us", "-1");
        return files;
    }

    static Map<String, String> v1MemoryFiles(boolean memsw) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("cgroup.procs", "");
        files.put("memory.limit_in_bytes", "9223372036854771712");
        files.put("memory.soft_limit_in_bytes", "9223372036854771712");
        files.put("memory.usage_in_bytes", "0");
        if (memsw) {
            files.put("memory.memsw.limit_in_bytes", "9223372036854771712");
        }
        return files;
    }
}
