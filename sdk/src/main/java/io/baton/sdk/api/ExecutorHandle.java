package io.baton.sdk.api;

/** A started executor. */
public interface ExecutorHandle extends AutoCloseable {

    /** Blocks until the executor is shut down (SHUTDOWN from the shim, or {@link #close()}). */
    void awaitShutdown() throws InterruptedException;

    /**
     * Why the executor stopped on its own: its journal could not be opened, replayed or recovered, or could not take
     * a step's records. Null while it runs, and when it was shut down (SHUTDOWN from the shim, or {@link #close()}).
     */
    default Throwable failure() {
        return null;
    }

    /** Stops the executor's threads (its tasks keep running: they are recovered on the next start). */
    @Override
    void close();
}
