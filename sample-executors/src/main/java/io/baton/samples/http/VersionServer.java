package io.baton.samples.http;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tiny HTTP/1.1 server on 127.0.0.1 that answers every GET with its version. Its listener is bound
 * with SO_REUSEPORT and shared with the other servers of the port in this executor ({@link PortListeners}),
 * so a new version serves the same port while the old one still does, which is what START_THEN_STOP
 * needs for zero downtime.
 *
 * <p><b>Stopping</b> ({@link #stop}) drains: the server stops accepting (it leaves the listener to the
 * servers still on the port; the last one to leave takes what the kernel queued, then closes it); each
 * open connection answers its next request with {@code Connection: close} and closes; connections idle
 * for {@link #DRAIN_IDLE_MS} after the drain began are closed (found within 50 ms more: each idle
 * connection looks every 50 ms); whatever is still open at the grace deadline is closed hard. Stopped for a
 * successor on the same port, the last server leaves the listener held for it
 * ({@link PortListeners#leave(Shared, Object)}) instead of taking what is queued and closing it.
 *
 * <p>Threading: one acceptor thread per server; connections are served by a fixed pool of worker
 * threads, one connection per worker at a time (a connection waiting for a worker is queued).
 */
final class VersionServer {
    /**
     * How long a drain waits for an idle keep-alive connection's next request (answered with {@code Connection:
     * close}) before closing it. Short, because a drain is part of a STOP_THEN_START's gap: a pooled connection a
     * client keeps idle would otherwise hold the old version, and the requests queued for the new one, that long.
     * A client sending less often than this on a keep-alive connection finds it closed, as at any keep-alive
     * timeout. It was 500 ms until 2026-12-06: Baton's STOP_THEN_START on YARN drained for 550 ms, held by the
     * benchmark's idle probe connection.
     */
    static final long DRAIN_IDLE_MS = 100;
    private static final AtomicInteger SERVERS = new AtomicInteger();

    final int port;
    final String version;
    private final PortListeners ports;
    private final PortListeners.Shared listener;
    private final Selector selector;
    private final ExecutorService workers;
    private final Thread acceptor;
    private final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong served = new AtomicLong();
    private volatile boolean draining;
    private volatile boolean paused;
    private final Object pauseLock = new Object();
    private volatile long drainStartedNanos;
    /** How long the last server to leave holds the port's listener for the next one once drained (0: none). */
    private volatile long holdMs;
    /** Whether the drain is over, so that a hold left from now on is bounded at once. */
    private volatile boolean drainOver;
    /** Notified when the last open connection closes while draining. */
    private final Object drained = new Object();

    private VersionServer(PortListeners ports, int port, String version, int threads) throws IOException {
        this.port = port;
        this.version = version;
        this.ports = ports;
        this.listener = ports.join(port);
        try {
            this.selector = Selector.open();
            listener.channel.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            if (ports.leave(listener)) {
                closeQuietly(listener.channel);
            }
            throw e;
        }
        int n = SERVERS.incrementAndGet();
        AtomicInteger worker = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> daemon(r, "http-" + port + "-" + n + "-worker-"
                + worker.incrementAndGet()));
        this.acceptor = daemon(this::acceptLoop, "http-" + port + "-" + n + "-acceptor");
        acceptor.start();
    }

    /** Serves {@code version} on 127.0.0.1:{@code port}, on the port's listener in {@code ports}. */
    static VersionServer start(PortListeners ports, int port, String version, int threads) throws IOException {
        return new VersionServer(ports, port, version, threads);
    }

    private void acceptLoop() {
        try {
            while (!draining) {
                if (paused) {
                    awaitResume();
                    continue;
                }
                selector.select(100);
                selector.selectedKeys().clear();
                if (!paused) { // a connection that arrived while pausing stays queued for whoever accepts next
                    acceptQueued();
                }
            }
        } catch (IOException e) {
            System.getLogger(VersionServer.class.getName()).log(System.Logger.Level.ERROR,
                    "the server of '" + version + "' on port " + port + " stopped accepting: " + e);
        } finally {
            closeQuietly(selector); // deregisters from the listener: stop accepting
            leave();
        }
    }

    /**
     * Leaves the listener; the last server of the port serves what is queued on it and closes it, unless it
     * holds it for the next one.
     */
    private void leave() {
        long hold = holdMs;
        boolean last = hold > 0 ? ports.leave(listener, this) : ports.leave(listener);
        if (!last) {
            if (hold > 0 && drainOver) { // left after the drain ended (it did not wait for this): bounded now
                ports.endHoldAfter(listener, this, hold);
            }
            return;
        }
        try {
            acceptQueued();
        } catch (IOException e) {
            // the listener is going away; nothing queued can be served
        }
        closeQuietly(listener.channel);
    }

    private void acceptQueued() throws IOException {
        for (SocketChannel c; (c = listener.channel.accept()) != null;) {
            HttpConnection conn = new HttpConnection(c, this);
            open.add(conn);
            try {
                c.configureBlocking(true);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                workers.execute(conn);
            } catch (IOException | RejectedExecutionException e) { // that client is lost, the others are not
                conn.abort();
                open.remove(conn);
            }
        }
    }

    /**
     * Freeze: stops accepting but keeps its place on the port's listener, so new connections queue there
     * (none is refused) for whoever accepts next — a version that joins the port, or this one once
     * {@link #resume}d. Connections already open are still served.
     */
    void pause() {
        paused = true;
        selector.wakeup();
    }

    /** Thaw: accepts again. */
    void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    private void awaitResume() {
        synchronized (pauseLock) {
            while (paused && !draining) {
                try {
                    pauseLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    boolean draining() {
        return draining;
    }

    /** Whether a connection idle since {@code idleSinceNanos} should be closed now. */
    boolean closeIdle(long idleSinceNanos, long keepAliveNanos) {
        long now = System.nanoTime();
        if (draining) {
            return now - Math.max(idleSinceNanos, drainStartedNanos) >= TimeUnit.MILLISECONDS.toNanos(DRAIN_IDLE_MS);
        }
        return now - idleSinceNanos >= keepAliveNanos;
    }

    void served() {
        served.incrementAndGet();
    }

    void closed(HttpConnection c) {
        open.remove(c);
        if (draining && open.isEmpty()) {
            synchronized (drained) {
                drained.notifyAll(); // the drain ends now, not at its next look
            }
        }
    }

    /** What a drain did: requests served in the server's life, connections closed hard at the deadline. */
    record Drained(long served, int forced) {
    }

    /** Stops accepting, lets open connections finish within {@code graceMs}, then closes the rest. */
    Drained stop(long graceMs) throws InterruptedException {
        return stop(graceMs, 0);
    }

    /**
     * As {@link #stop(long)}; if this is the port's last server, the listener is held for the next server of the
     * port (a successor), which takes the connections queued meanwhile: from the moment this one stops accepting
     * until {@code holdMs} after its drain ends.
     */
    Drained stop(long graceMs, long holdMs) throws InterruptedException {
        this.holdMs = holdMs;
        try {
            return drain(graceMs);
        } finally {
            drainOver = true;
            if (holdMs > 0) {
                ports.endHoldAfter(listener, this, holdMs);
            }
        }
    }

    private Drained drain(long graceMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
        drainStartedNanos = System.nanoTime();
        draining = true;
        selector.wakeup();
        acceptor.join(Math.max(1, graceMs));
        synchronized (drained) {
            long left;
            while (!open.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        int forced = open.size();
        open.forEach(HttpConnection::abort);
        workers.shutdownNow();
        workers.awaitTermination(1, TimeUnit.SECONDS);
        return new Drained(served.get(), forced);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a listener or selector we are done with: nothing to do about a failure
        }
    }
}
