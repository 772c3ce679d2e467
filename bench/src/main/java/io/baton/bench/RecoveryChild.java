package io.baton.bench;

import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorBootstrap;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
import java.util.Arrays;

/**
 * {@link WorkerExecutor}'s main, printing the wall-clock time (µs) at which the executor runtime starts
 * — after the JVM started and loaded this class, before the journal is opened — so {@link RecoveryBench}
 * can tell the JVM's own start-up apart from the SDK's recovery. Same arguments as the executor, and
 * optionally first {@code --block-size BYTES}: the journal's Chronicle block size instead of the default
 * (wired as the SDK's own {@code Runtimes} does, with that one option changed).
 */
public final class RecoveryChild {
    static final String MARK = "bench: runtime start at epoch us ";

    private RecoveryChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println(MARK + Harness.nowUs());
        System.out.flush();
        if (args.length < 2 || !args[0].equals("--block-size")) {
            ExecutorBootstrap.run(new WorkerExecutor(), ExecutorOptions.fromArgs(args));
            return;
        }
        ExecutorOptions o = ExecutorOptions.fromArgs(Arrays.copyOfRange(args, 2, args.length));
        ChronicleJournal journal = ChronicleJournal.open(o.workDir().resolve("journal"),
                ChronicleJournal.Options.defaults().withBlockSize(Long.parseLong(args[1])));
        try (ExecutorRuntime rt = new ExecutorRuntime(new WorkerExecutor(), o.executorId(), journal,
                new NettyShimConnection(o.shimSocket()), ExecutorBootstrap.SYSTEM_CLOCK_US).start()) {
            rt.awaitShutdown();
        }
    }
}
