package io.baton.samples.http;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the versions of one executor run on: each version's acceptor and the connections it serves. A
 * version that starts (a replacement's v2, with requests already queued for it on a held listener) hands its
 * acceptor and its first connections to threads that exist and wait for work, where creating and scheduling
 * threads of its own cost it about a millisecond each on a busy two-core machine; a version that stops leaves its
 * threads here for the next one. {@code warm} threads are started with the executor and never end; more are made
 * when every thread is busy and end after a minute idle. A task that finds no idle thread gets a new one: nothing
 * waits in a queue here (a version bounds its own connections, {@link VersionServer}).
 */
final class ServerThreads implements Executor, AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final ThreadPoolExecutor pool;
    private final AtomicInteger made = new AtomicInteger();

    ServerThreads(int warm) {
        if (warm < 0) {
            throw new IllegalArgumentException("warm threads must be at least 0, got " + warm);
        }
        int n = POOLS.incrementAndGet();
        pool = new ThreadPoolExecutor(warm, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, idleName(n, made.incrementAndGet()));
            t.setDaemon(true);
            return t;
        });
        pool.prestartAllCoreThreads();
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Ends the threads (tests; an executor's live as long as its JVM): what is running is interrupted. */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** How many threads this pool has made so far. */
    int threadsMade() {
        return made.get();
    }

    /** How many of its threads wait for work now. */
    int idle() {
        return pool.getPoolSize() - pool.getActiveCount();
    }

    /** Runs {@code task} under {@code name} (a thread dump tells whose acceptor or connection it is), then idles. */
    static void named(String name, Runnable task) {
        Thread t = Thread.currentThread();
        String idle = t.getName();
        t.setName(name);
        try {
            task.run();
        } finally {
            t.setName(idle);
        }
    }

    private static String idleName(int pool, int thread) {
        return "http-threads-" + pool + "-" + thread;
    }
}
