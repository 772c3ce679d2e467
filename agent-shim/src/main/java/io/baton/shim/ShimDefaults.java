package io.baton.shim;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** Defaults detected from the machine. */
final class ShimDefaults {
    private ShimDefaults() {
    }

    /** Like Mesos: all cores; memory minus 1 GiB for the system (half of it on machines under 2 GiB). */
    static String detectedResources() {
        int cpus = Runtime.getRuntime().availableProcessors();
        long totalMb = 1024;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            totalMb = os.getTotalMemorySize() / (1024 * 1024);
        }
        long mem = totalMb >= 2048 ? totalMb - 1024 : totalMb / 2;
        return "cpus:" + cpus + ";mem:" + mem + ";ports:[31000-32000]";
    }

    static Path workDir() {
        Path system = Path.of("/var/lib/baton/shim");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && (Files.isWritable(system.getParent()) || Files.isWritable(Path.of("/var/lib")))) {
            return system;
        }
        return Path.of(System.getProperty("user.home"), ".baton", "shim");
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }
}
