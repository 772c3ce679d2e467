package io.baton.shim.isolator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parses {@code /proc/self/mountinfo} and {@code /proc/self/cgroup} to find the directory of this
 * process's own cgroup in a hierarchy. Pure functions over the file texts, so they are unit-tested
 * with captured samples.
 */
final class ProcCgroups {

    /** One cgroup mount: v1 ({@code cgroup}, with its controllers) or v2 ({@code cgroup2}). */
    record Mount(Path mountPoint, String root, String fsType, List<String> superOptions) {
        boolean isV1With(String controller) {
            return fsType.equals("cgroup") && superOptions.contains(controller);
        }

        boolean isV2() {
            return fsType.equals("cgroup2");
        }
    }

    private ProcCgroups() {
    }

    /** The cgroup and cgroup2 mounts listed in a mountinfo text. */
    static List<Mount> parseMountinfo(String mountinfo) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] fields = line.trim().split(" ");
            int dash = Arrays.asList(fields).indexOf("-");
            if (dash < 6 || fields.length < dash + 4) {
                continue;
            }
            String fsType = fields[dash + 1];
            if (!fsType.equals("cgroup") && !fsType.equals("cgroup2")) {
                continue;
            }
            mounts.add(new Mount(Path.of(unescape(fields[4])), unescape(fields[3]), fsType,
                    List.of(fields[dash + 3].split(","))));
        }
        return mounts;
    }

    /** Controller name → this process's path in that hierarchy; the v2 entry has key "". */
    static Map<String, String> parseSelfCgroup(String selfCgroup) {
        Map<String, String> paths = new HashMap<>();
        for (String line : selfCgroup.split("\n")) {
            String[] parts = line.trim().split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            if (parts[1].isEmpty()) {
                paths.put("", parts[2]);
            } else {
                for (String controller : parts[1].split(",")) {
                    paths.put(controller, parts[2]);
                }
            }
        }
        return paths;
    }

    /** The directory of this process's own v1 cgroup for {@code controller}, if that hierarchy is mounted. */
    static Optional<Path> ownV1Dir(List<Mount> mounts, Map<String, String> self, String controller) {
        String own = self.get(controller);
        return mounts.stream().filter(m -> m.isV1With(controller)).findFirst()
                .map(m -> own == null ? m.mountPoint() : below(m, own));
    }

    /** The directory of this process's own v2 cgroup, if a cgroup2 hierarchy is mounted. */
    static Optional<Path> ownV2Dir(List<Mount> mounts, Map<String, String> self) {
        String own = self.get("");
        return mounts.stream().filter(Mount::isV2).findFirst()
                .map(m -> own == null ? m.mountPoint() : below(m, own));
    }

    /**
     * Maps a hierarchy path to a directory: the mount shows the hierarchy from {@code root} down. In
     * a cgroup namespace the own path may be outside the mount's root ("/.." style); then the mount
     * point itself is the best we can do.
     */
    private static Path below(Mount mount, String ownPath) {
        String root = mount.root().equals("/") ? "" : mount.root();
        if (!ownPath.startsWith("/") || !(ownPath.equals(root) || ownPath.startsWith(root + "/"))) {
            return mount.mountPoint();
        }
        String relative = ownPath.substring(root.length()).replaceAll("^/+", "");
        if (relative.isEmpty()) {
            return mount.mountPoint();
        }
        return ContainerIds.requireUnder(mount.mountPoint(), mount.mountPoint().resolve(relative));
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
