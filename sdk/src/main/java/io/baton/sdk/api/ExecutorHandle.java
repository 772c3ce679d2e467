package io.baton.sdk.api;

/** A started executor. */
public interface ExecutorHandle extends AutoCloseable {

    /** Blocks until the executor is shut down (SHUTDOWN from the shim, or {@link #close()}). */
    void awaitShutdown() throws InterruptedException;

    /** Stops the executor's threads (its tasks keep running: they are recovered on the next start). */
    @Override
    void close();
}
