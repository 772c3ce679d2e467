package io.baton.shim.isolator;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the isolator for {@code --isolator=auto|cgroup-v1|cgroup-v2|none}. */
public final class Isolators {

    private static final Logger LOG = LoggerFactory.getLogger(Isolators.class);

    private Isolators() {
    }

    /**
     * Returns the isolator for {@code mode}, its cgroups placed under {@code parent} (e.g. "baton").
     * {@code auto} takes cgroup v2 if usable, else v1 if writable, else none, and logs the choice.
     *
     * @throws IllegalArgumentException for an unknown mode or an invalid parent
     * @throws IsolatorException when the explicitly requested cgroup version is not usable here
     */
    public static Isolator create(String mode, String parent) throws IsolatorException {
        return create(mode, parent, () -> CgroupV2Isolator.probe(parent), () -> CgroupV1Isolator.probe(parent));
    }

    static Isolator create(String mode, String parent, Supplier<Detection<CgroupV2Isolator>> v2,
            Supplier<Detection<CgroupV1Isolator>> v1) throws IsolatorException {
        ContainerIds.validateParent(parent);
        switch (mode == null ? "" : mode) {
            case "none":
                LOG.info("isolator: none (requested); limits are recorded, not enforced");
                return new InMemoryIsolator();
            case "cgroup-v2":
                return explicit("cgroup-v2", v2.get(), "cgroup-v1");
            case "cgroup-v1":
                return explicit("cgroup-v1", v1.get(), "cgroup-v2");
            case "auto":
                return auto(v2.get(), v1);
            default:
                throw new IllegalArgumentException("unknown isolator mode " + ContainerIds.quote(mode)
                        + ": use auto, cgroup-v1, cgroup-v2 or none");
        }
    }

    private static Isolator explicit(String mode, Detection<? extends Isolator> detection, String other)
            throws IsolatorException {
        Isolator isolator = detection.isolator().orElseThrow(() -> new IsolatorException(mode
                + " requested but " + detection.reason() + "; use --isolator=" + other + " or none"));
        LOG.info("isolator: {} (requested): {}", mode, detection.reason());
        return isolator;
    }

    private static Isolator auto(Detection<CgroupV2Isolator> v2, Supplier<Detection<CgroupV1Isolator>> v1Probe) {
        if (v2.isolator().isPresent()) {
            LOG.info("isolator: cgroup-v2 (auto): {}", v2.reason());
            return v2.isolator().get();
        }
        Detection<CgroupV1Isolator> v1 = v1Probe.get();
        if (v1.isolator().isPresent()) {
            LOG.info("isolator: cgroup-v1 (auto): {}; cgroup-v2 not used: {}", v1.reason(), v2.reason());
            return v1.isolator().get();
        }
        LOG.warn("isolator: none (auto); limits are recorded, NOT enforced. cgroup-v2: {}; cgroup-v1: {}",
                v2.reason(), v1.reason());
        return new InMemoryIsolator();
    }
}
