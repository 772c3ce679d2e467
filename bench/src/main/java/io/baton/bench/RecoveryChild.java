package io.baton.bench;

import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.api.ExecutorOptions;

/**
 * {@link WorkerExecutor}'s main, printing the wall-clock time (µs) at which the executor runtime starts
 * — after the JVM started and loaded this class, before the journal is opened — so {@link RecoveryBench}
 * can tell the JVM's own start-up apart from the SDK's recovery. Same arguments as the executor.
 */
public final class RecoveryChild {
    static final String MARK = "bench: runtime start at epoch us ";

    private RecoveryChild() {
    }

    public static void main(String[] args) {
        System.out.println(MARK + Harness.nowUs());
        System.out.flush();
        new WorkerExecutor().run(ExecutorOptions.fromArgs(args));
    }
}
