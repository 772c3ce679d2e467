package io.baton.bench;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.samples.http.HttpServiceExecutor;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorBootstrap;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.ExecutorThreads;
import io.baton.sdk.transport.NettyShimConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The HTTP sample, unchanged, with the times of its launch and kill hooks printed to stdout (the bench's
 * log of the executor) as {@value #MARK} lines: when each was entered and returned, when a kill reported
 * the task KILLED, and for a launch the executor's journal appends and fsyncs since the last KILLED
 * report ({@link TracedJournal}) — what the driver loop did in between — and for a kill those of the second
 * before it was entered. The times are
 * {@link System#nanoTime()}, which on Linux is CLOCK_MONOTONIC, one clock for every process of the
 * machine: the bench puts them on the same axis as its load's requests. Printed after the hook body, so
 * the printing is not on the measured path. Wired as {@code ExecutorBootstrap.start} wires an executor,
 * with the journal wrapped.
 */
public final class TimedHttpExecutor extends BatonExecutor {
    static final String MARK = "baton-bench-hook";

    private final HttpServiceExecutor sample = new HttpServiceExecutor();
    private volatile TracedJournal journal;
    private volatile long lastKilledNs = Long.MAX_VALUE;

    /**
     * One hook call: which hook, of which task, entered and returned; for a kill when it reported the task
     * KILLED, for a launch -1 (ns, CLOCK_MONOTONIC); for a launch the journal's operations since the last
     * KILLED report.
     */
    record Mark(String hook, String taskId, long enteredNs, long returnedNs, long killedNs,
            List<TracedJournal.Op> journal) {
        static Mark parse(String line) {
            String[] f = line.trim().split(" ");
            if (f.length < 6 || !f[0].equals(MARK) || (f.length - 6) % 3 != 0) {
                throw new IllegalArgumentException("not a hook mark (want '" + MARK
                        + " HOOK TASK ENTERED_NS RETURNED_NS KILLED_NS [KIND START_NS END_NS]...'): '" + line + "'");
            }
            List<TracedJournal.Op> ops = new ArrayList<>();
            for (int i = 6; i < f.length; i += 3) {
                ops.add(new TracedJournal.Op(f[i], Long.parseLong(f[i + 1]), Long.parseLong(f[i + 2])));
            }
            return new Mark(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), ops);
        }

        /** The same mark with every time moved by {@code -zeroNs} (-1 stays -1). */
        Mark since(long zeroNs) {
            return new Mark(hook, taskId, enteredNs - zeroNs, returnedNs - zeroNs, killedNs < 0 ? -1 : killedNs - zeroNs,
                    journal.stream().map(o -> new TracedJournal.Op(o.kind(), o.startNs() - zeroNs, o.endNs() - zeroNs))
                            .toList());
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(MARK).append(' ').append(hook).append(' ').append(taskId).append(' ')
                    .append(enteredNs).append(' ').append(returnedNs).append(' ').append(killedNs);
            journal.forEach(o -> b.append(' ').append(o.kind()).append(' ').append(o.startNs()).append(' ')
                    .append(o.endNs()));
            return b.toString();
        }
    }

    @Override
    public void launch(Task task) throws Exception {
        long entered = System.nanoTime();
        try {
            sample.launch(task);
        } finally {
            long returned = System.nanoTime();
            long since = lastKilledNs;
            TracedJournal j = journal;
            System.out.println(new Mark("launch", task.id(), entered, returned, -1,
                    j == null || since == Long.MAX_VALUE ? List.of() : j.since(since)));
        }
    }

    @Override
    public void kill(Task task, Duration gracePeriod) throws Exception {
        timedKill(task, timed -> sample.kill(timed, gracePeriod));
    }

    @Override
    public void kill(Task task, Duration gracePeriod, TaskInfo successor) throws Exception {
        timedKill(task, timed -> sample.kill(timed, gracePeriod, successor));
    }

    /** A hook body on a task handle. */
    private interface Body {
        void run(Task task) throws Exception;
    }

    private void timedKill(Task task, Body kill) throws Exception {
        long entered = System.nanoTime();
        long[] killed = {-1};
        Task timed = new Task(task.info(), (id, state, message) -> {
            if (state == TaskState.TASK_KILLED) {
                killed[0] = System.nanoTime();
                lastKilledNs = killed[0];
            }
            task.update(state, message);
        });
        try {
            kill.run(timed);
        } finally {
            long returned = System.nanoTime();
            TracedJournal j = journal; // what the driver journaled in the second before the kill began
            System.out.println(new Mark("kill", task.id(), entered, returned, killed[0], j == null ? List.of()
                    : j.since(entered - 1_000_000_000L).stream().filter(o -> o.startNs() <= entered).toList()));
        }
    }

    @Override
    public boolean ready(Task task) throws Exception {
        return sample.ready(task);
    }

    @Override
    public void freeze(Task task) {
        sample.freeze(task);
    }

    @Override
    public void thaw(Task task) {
        sample.thaw(task);
    }

    @Override
    public void resize(Task task, TaskInfo to) throws Exception {
        sample.resize(task, to);
    }

    @Override
    public Set<String> recover(Collection<Task> tasks) throws Exception {
        return sample.recover(tasks);
    }

    /** {@code --id ID --work-dir DIR --shim SOCKET}, as the sample's own main (Unix socket only). */
    public static void main(String[] args) throws InterruptedException {
        ExecutorOptions options = ExecutorOptions.fromArgs(args);
        TimedHttpExecutor executor = new TimedHttpExecutor();
        executor.journal = new TracedJournal(ChronicleJournal.open(options.workDir().resolve("journal"),
                ChronicleJournal.Options.defaults()));
        ExecutorThreads threads = ExecutorThreads.named();
        ExecutorRuntime wired = new ExecutorRuntime(executor, options.executorId(), executor.journal,
                new NettyShimConnection(options.shimSocket(), threads.io()), ExecutorBootstrap.SYSTEM_CLOCK_US, threads);
        ExecutorBootstrap.warmUpAfterFirstSubscription(wired, threads); // as ExecutorBootstrap.start does
        try (ExecutorRuntime runtime = wired.start()) {
            runtime.awaitShutdown();
        }
    }
}
