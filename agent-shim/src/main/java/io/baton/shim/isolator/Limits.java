package io.baton.shim.isolator;

/**
 * What a container may use: CPU in milli-cpus (1000 = one core) and memory in bytes.
 * These are the only resources the isolators enforce; others (ports, disks) are ledger-only.
 */
public record Limits(long cpuMillis, long memoryBytes) {

    public Limits {
        if (cpuMillis < 0) {
            throw new IllegalArgumentException("cpuMillis must be >= 0, got " + cpuMillis);
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes must be >= 0, got " + memoryBytes);
        }
    }

    @Override
    public String toString() {
        return "cpus:" + (cpuMillis / 1000) + "." + String.format("%03d", cpuMillis % 1000)
                + " mem:" + memoryBytes + "B";
    }
}
