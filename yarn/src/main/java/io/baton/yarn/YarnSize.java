package io.baton.yarn;

/**
 * The part of a Baton resource value that YARN manages, in YARN's units: memory in MB and whole virtual
 * cores, as the ResourceManager allocates them to a container ({@link YarnResources} converts).
 *
 * <p>Immutable; safe to share between threads.
 *
 * @param memoryMb YARN's {@code memory-mb}, at least 0
 * @param vcores YARN's {@code vcores}, at least 0
 */
public record YarnSize(long memoryMb, int vcores) {

    public static final YarnSize ZERO = new YarnSize(0, 0);

    public YarnSize {
        if (memoryMb < 0 || vcores < 0) {
            throw new IllegalArgumentException("a YARN size cannot be negative: memory " + memoryMb + " MB, "
                    + vcores + " vcores");
        }
    }

    /** True when this size holds {@code other} in both memory and vcores. */
    public boolean covers(YarnSize other) {
        return memoryMb >= other.memoryMb && vcores >= other.vcores;
    }

    /** What this size lacks to hold {@code target}, per dimension (0 where it already holds it). */
    public YarnSize missingFor(YarnSize target) {
        return new YarnSize(Math.max(0, target.memoryMb - memoryMb), Math.max(0, target.vcores - vcores));
    }

    /** The larger amount in each dimension: the size that holds both. */
    public YarnSize union(YarnSize other) {
        return new YarnSize(Math.max(memoryMb, other.memoryMb), Math.max(vcores, other.vcores));
    }

    @Override
    public String toString() {
        return "<memory:" + memoryMb + " MB, vcores:" + vcores + ">";
    }
}
