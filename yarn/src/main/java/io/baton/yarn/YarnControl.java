package io.baton.yarn;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What {@link YarnBackend} needs of YARN, for one application's executor containers (implemented by
 * {@link ExecutorContainers}). Containers are named by their string id. Futures complete on YARN's client
 * threads or the AM's own; none of these calls blocks.
 */
interface YarnControl {

    /** The running container of executor {@code executorId}, or null when it has none. */
    String containerOf(String executorId);

    /** The size YARN last confirmed for the container, or null when it is not running. */
    YarnSize sizeOf(String container);

    /** The room on the container's node, from a fresh node report of the ResourceManager. */
    CompletableFuture<NodeRoom> roomOf(String container);

    /**
     * Resizes the container in place, in one direction ({@link ContainerResizer}); completes with the size
     * YARN confirmed. An increase the scheduler cannot fit never completes: bound it, then {@link #withdraw}.
     */
    CompletableFuture<YarnSize> resize(String container, YarnSize target);

    /**
     * Gives up the container's pending resize: its future fails, the ResourceManager's pending increase is
     * cancelled, and one it grants anyway is given back at once instead of being applied on the NodeManager.
     */
    void withdraw(String container);

    /** Gives the container back to the ResourceManager (which stops it). */
    void release(String container);

    /**
     * Where to report an executor's container that ended without Baton giving it back ({@link #release}): killed,
     * preempted, over its memory, its node lost, its process ended. Called on YARN's client threads.
     */
    void onEnded(Consumer<ContainerEnd> listener);
    /**
     * Where to report that an executor's container was placed on a node ({@code host:port} of its NodeManager):
     * called before the AM asks the NodeManager to start it, and for each container a new attempt takes over.
     */
    void onPlaced(java.util.function.BiConsumer<String, String> listener);

    /** Runs {@code task} once, {@code delayMs} from now, on a thread of the AM's. */
    void after(long delayMs, Runnable task);
}
