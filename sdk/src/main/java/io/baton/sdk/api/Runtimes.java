package io.baton.sdk.api;

import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;

/** Wires an executor to its journal (Chronicle, in the work directory), to the shim and to its clock. */
final class Runtimes {
    private Runtimes() {
    }

    static ExecutorHandle start(BatonExecutor author, ExecutorOptions options) {
        ChronicleJournal journal = ChronicleJournal.open(options.workDir().resolve("journal"),
                ChronicleJournal.Options.defaults());
        NettyShimConnection shim = options.overTcp()
                ? NettyShimConnection.tcp(options.shimHost(), options.shimPort(), options.token())
                : new NettyShimConnection(options.shimSocket());
        return new ExecutorRuntime(author, options.executorId(), journal, shim, () -> options.clock().millis() * 1000)
                .start();
    }
}
