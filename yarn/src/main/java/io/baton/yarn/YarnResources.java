package io.baton.yarn;

import io.baton.proto.Resource;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.List;

/**
 * How Baton's resources map onto YARN's. YARN manages two of them; the rest are Baton's alone.
 *
 * <ul>
 *   <li>{@code cpus} become vcores, which YARN counts in whole cores: a container's vcores are the
 *       <em>ceiling of the sum</em> of the cpus it holds (all roles together: YARN has no roles). The sum
 *       is taken first, so two tasks of {@code cpus:0.5} and an overhead of {@code cpus:0.1} need
 *       {@code ceil(1.1) = 2} vcores, not 3; {@code cpus:0.1} alone needs 1.
 *   <li>{@code mem} (MB, as in Mesos) becomes {@code memory-mb}: the ceiling of the sum, so
 *       {@code mem:100.5} needs 101 MB.
 *   <li>Everything else — {@code ports} and other ranges, sets, scalars other than {@code cpus} and
 *       {@code mem} (e.g. {@code gpus}, which this mapping does not hand to YARN's resource types) — YARN
 *       does not see; the ApplicationMaster's own per-node ledger checks them ({@link #ledgerOnly}).
 * </ul>
 *
 * <p>Rounding up means a container can hold up to one vcore and one MB more than its Baton envelope;
 * the ResourceManager's view of a container therefore equals {@code size(envelope)}, not the envelope.
 * A value too large for YARN (more vcores than an {@code int}) is refused with an
 * {@link IllegalArgumentException} naming the numbers.
 *
 * <pre>{@code
 * YarnSize container = YarnResources.size(Resources.parse("cpus:1.25;mem:512;ports:[31000-31000]"));
 * // <memory:512 MB, vcores:2>; the port is checked by the AM's ledger
 * }</pre>
 *
 * <p>Stateless; safe to call from any thread.
 */
public final class YarnResources {
    private static final long MILLIS = 1000;

    private YarnResources() {
    }

    /** The YARN size that holds {@code resources}' cpus and mem, rounded up as the class says. */
    public static YarnSize size(Resources resources) {
        long cpuMillis = resources.scalarMillis("cpus");
        long memMillis = resources.scalarMillis("mem");
        long vcores = ceilDiv(cpuMillis, MILLIS);
        if (vcores > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cpus " + cpuMillis / (double) MILLIS + " need " + vcores
                    + " vcores, more than YARN can ask for (" + Integer.MAX_VALUE + ")");
        }
        return new YarnSize(ceilDiv(memMillis, MILLIS), (int) vcores);
    }

    /**
     * A YARN size as Baton resources: {@code cpus:<vcores>;mem:<memory-mb>}, unreserved (e.g. a
     * NodeManager's capability as the total of the AM's ledger for that node, before its ports are added).
     */
    public static Resources resources(YarnSize size) {
        if (size.memoryMb() > MAX_SCALAR) {
            throw new IllegalArgumentException("YARN memory " + size.memoryMb() + " MB is more than Baton's largest "
                    + "scalar (" + MAX_SCALAR + ")");
        }
        return Resources.ofCpusMem(size.vcores(), size.memoryMb());
    }

    /** Baton's largest scalar value (its fixed point stops at 1e15). */
    private static final long MAX_SCALAR = 1_000_000_000_000_000L;

    /**
     * What of {@code resources} YARN does not manage: every entry but the {@code cpus} and {@code mem}
     * scalars (of any role). The AM's per-node ledger is the only check on these.
     */
    public static Resources ledgerOnly(Resources resources) {
        List<Resource> kept = new ArrayList<>();
        for (Resource r : resources.toProto()) {
            boolean managed = r.getType() == io.baton.proto.ValueType.SCALAR
                    && (r.getName().equals("cpus") || r.getName().equals("mem"));
            if (!managed) {
                kept.add(r);
            }
        }
        return Resources.fromProto(kept);
    }

    /** True when YARN sees nothing of {@code resources} but what it manages (no ports, sets or other scalars). */
    public static boolean onlyYarnManaged(Resources resources) {
        return ledgerOnly(resources).isEmpty();
    }

    /** A Hadoop {@code Resource} (a container's or node's capability) as a {@link YarnSize}. */
    public static YarnSize size(org.apache.hadoop.yarn.api.records.Resource resource) {
        long memory = resource.getMemorySize();
        int vcores = resource.getVirtualCores();
        if (memory < 0 || vcores < 0) {
            throw new IllegalArgumentException("YARN resource " + resource + " is negative: memory " + memory
                    + " MB, " + vcores + " vcores");
        }
        return new YarnSize(memory, vcores);
    }

    /** {@code size} as a Hadoop {@code Resource}, to ask the ResourceManager for. */
    public static org.apache.hadoop.yarn.api.records.Resource toHadoop(YarnSize size) {
        return org.apache.hadoop.yarn.api.records.Resource.newInstance(size.memoryMb(), size.vcores());
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }
}
