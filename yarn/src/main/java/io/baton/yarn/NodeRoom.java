package io.baton.yarn;

/**
 * A NodeManager's room as the ResourceManager's node report gives it: its capability, what its containers use,
 * and what is free (capability − used).
 *
 * @param node the node's id, {@code host:port}
 */
record NodeRoom(String node, YarnSize capability, YarnSize used) {

    YarnSize free() {
        return new YarnSize(Math.max(0, capability.memoryMb() - used.memoryMb()),
                Math.max(0, capability.vcores() - used.vcores()));
    }

    @Override
    public String toString() {
        return free() + " free on node " + node + " (capability " + capability + ", used " + used + ")";
    }
}
