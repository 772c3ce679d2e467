package io.baton.samples.http;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
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
 * ({@link PortListeners#leave(Shared, Object)}) instead of taking what is queued and closing it, and hands its
 * keep-alive connections over to it too ({@link HttpConnection}): an idle one at once, a busy one once it has
 * answered (with {@code Connection: keep-alive}); the next server to join the port takes them over with the
 * listener, and the hold's end closes those nobody took. Its drain then lasts only as long as the requests in
 * flight. A connection taken over keeps its thread, which its new server counts (taken over even beyond its
 * bound); one handed over from the old server's queue gets a thread from the new one. A request answered between
 * the drain's start and the listener being held (the acceptor's leaving) still gets {@code Connection: close}.
 *
 * <p>Threading: a server runs on threads it is given ({@link ServerThreads}, shared by the versions of an
 * executor, so a new version starts on threads that already exist): one accepts, and each connection is served by
 * one thread at a time, at most {@code maxServing} ({@code threads} of the task) connections at once (a connection
 * accepted beyond that waits for one of them to close). A drain is over when its connections are: it does not wait for the threads, which go
 * back to the pool (but for those of connections it closed hard at the deadline, which it waits for, up to a
 * second, so that nothing of a killed version still runs).
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
    private final Executor threads;
    private final String name;
    /** At most this many connections served at once; the rest wait in {@link #waiting}. */
    private final int maxServing;
    /** Connections being served (each on a thread of its own) and accepted ones waiting; guarded by itself. */
    private final ArrayDeque<HttpConnection> waiting = new ArrayDeque<>();
    private int serving;
    /** Set when the drain returns: a connection the acceptor still takes afterwards is closed, not served. */
    private boolean stopped;
    private final CountDownLatch acceptorDone = new CountDownLatch(1);
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
    /** Whether this server left the port's listener held for a successor, to which it hands its connections. */
    private volatile boolean handsOver;
    /** Notified when the last open connection closes while draining. */
    private final Object drained = new Object();

    private VersionServer(PortListeners ports, Executor threads, int port, String version, int maxServing)
            throws IOException {
        if (maxServing < 1) {
            throw new IllegalArgumentException("a server needs at least 1 thread for connections, got " + maxServing);
        }
        this.port = port;
        this.version = version;
        this.ports = ports;
        this.threads = threads;
        this.maxServing = maxServing;
        this.listener = ports.join(port);
        try {
            this.selector = Selector.open();
            listener.channel.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            ports.takeHandedOver(listener).forEach(HttpConnection::drop); // a held listener's: nobody takes them now
            if (ports.leave(listener)) {
                closeQuietly(listener.channel);
            }
            throw e;
        }
        this.name = "http-" + port + "-" + SERVERS.incrementAndGet();
        for (HttpConnection c : ports.takeHandedOver(listener)) { // the previous server's, with its listener
            adopt(c);
        }
        try {
            threads.execute(() -> ServerThreads.named(name + "-acceptor", this::acceptLoop));
        } catch (RejectedExecutionException e) {
            closeQuietly(selector);
            open.forEach(HttpConnection::abort); // those taken over: this version never serves
            if (ports.leave(listener)) {
                closeQuietly(listener.channel);
            }
            throw new IOException("no thread to accept on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** Takes over {@code c}, handed over by the port's previous server, unless its thread is done with it. */
    private void adopt(HttpConnection c) {
        open.add(c);
        boolean needsThread = c.needsThread(); // it never ran: the previous server left it to this one's threads
        if (!c.adoptedBy(this)) {
            open.remove(c);
            return;
        }
        if (needsThread) {
            c.needsThread(false);
            try {
                serve(c);
            } catch (RejectedExecutionException e) {
                c.abort();
                open.remove(c);
            }
        }
    }

    /**
     * Serves {@code version} on 127.0.0.1:{@code port}, on the port's listener in {@code ports}, on {@code threads}:
     * at most {@code maxServing} connections at once.
     */
    static VersionServer start(PortListeners ports, Executor threads, int port, String version, int maxServing)
            throws IOException {
        return new VersionServer(ports, threads, port, version, maxServing);
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
            acceptorDone.countDown();
        }
    }

    /**
     * Leaves the listener; the last server of the port serves what is queued on it and closes it, unless it
     * holds it for the next one.
     */
    private void leave() {
        long hold = holdMs;
        boolean last = hold > 0 ? ports.leave(listener, this) : ports.leave(listener);
        handsOver = hold > 0 && ports.heldBy(listener, this);
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
                serve(conn);
            } catch (IOException | RejectedExecutionException e) { // that client is lost, the others are not
                conn.abort();
                open.remove(conn);
            }
        }
    }

    /** Serves {@code conn} on a thread now, or once one of the connections served at most at once has closed. */
    private void serve(HttpConnection conn) {
        synchronized (waiting) {
            if (stopped) { // accepted after a drain that stopped waiting for the acceptor: this version is gone
                throw new RejectedExecutionException("the server of '" + version + "' on port " + port + " stopped");
            }
            if (serving >= maxServing) {
                waiting.add(conn);
                return;
            }
            serving++;
            conn.slotOf(this);
        }
        try {
            startThread(conn);
        } catch (RejectedExecutionException e) {
            giveBackSlot(conn);
            throw e;
        }
    }

    /** Runs {@code conn}, counted already, on a thread of its own, then those waiting after it. */
    private void startThread(HttpConnection conn) {
        threads.execute(() -> ServerThreads.named(name + "-connection", () -> serveFrom(conn)));
    }

    /**
     * Serves {@code first}, then, as long as one waits, the next connection waiting for a thread of the server that
     * counts this thread (the one that took {@code first} over, if one did).
     */
    private static void serveFrom(HttpConnection first) {
        HttpConnection next = first;
        try {
            while (next != null) {
                try {
                    next.run();
                } catch (RuntimeException e) { // a bug met on one connection (closed by now) must not stop the rest
                    VersionServer s = next.server();
                    System.getLogger(VersionServer.class.getName()).log(System.Logger.Level.ERROR,
                            "the server of '" + s.version + "' on port " + s.port + " failed serving a connection", e);
                }
                VersionServer owner = next.giveUpSlot();
                next = owner == null ? null : owner.nextWaiting();
            }
        } catch (Error e) {
            VersionServer owner = next == null ? null : next.giveUpSlot();
            if (owner != null) { // the connections still waiting go on on other threads
                owner.serveElsewhere(owner.nextWaiting());
            }
            throw e;
        }
    }

    /** The next connection waiting for a thread, which the caller's thread serves now; or null, one fewer served. */
    private HttpConnection nextWaiting() {
        synchronized (waiting) {
            HttpConnection next = waiting.poll();
            if (next == null) {
                serving--;
                waiting.notifyAll();
            } else {
                next.slotOf(this);
            }
            return next;
        }
    }

    /** Serves {@code next} and those waiting after it on another thread; with none to be had, closes them. */
    private void serveElsewhere(HttpConnection next) {
        for (; next != null; next = nextWaiting()) {
            HttpConnection conn = next;
            try {
                startThread(conn);
                return;
            } catch (RejectedExecutionException e) {
                conn.releaseSlot(this); // nextWaiting counted it: the loop's next call gives the count back
                conn.abort();
                closed(conn);
            }
        }
    }

    /** {@code c}'s thread no longer counts here (handed over, or never started): one fewer served. */
    private void giveBackSlot(HttpConnection c) {
        if (c.releaseSlot(this)) {
            uncountSlot();
        }
    }

    /** One more connection's thread counted (a connection taken over with its thread). */
    void countSlot() {
        synchronized (waiting) {
            serving++;
        }
    }

    /** One fewer connection's thread counted. */
    void uncountSlot() {
        synchronized (waiting) {
            serving--;
            waiting.notifyAll();
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

    /** Whether it drains for a successor that takes its connections over: they are handed over, not closed. */
    boolean handsOver() {
        return handsOver;
    }

    /** Hands {@code c} (handed over, {@link HttpConnection}) to the port's held listener; false when not held. */
    boolean handOver(HttpConnection c) {
        if (!ports.handOver(listener, this, c)) {
            return false;
        }
        closed(c); // off this server's books: its drain does not wait for it, nor for its thread
        giveBackSlot(c);
        return true;
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
        synchronized (pauseLock) {
            pauseLock.notifyAll(); // a frozen acceptor stops now, not at its next look
        }
        acceptorDone.await(Math.max(1, graceMs), TimeUnit.MILLISECONDS);
        if (handsOver) {
            handOverIdle();
        }
        synchronized (drained) {
            long left;
            while (!open.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(drained, left);
            }
        }
        // with every connection closed (the waiting ones are open ones too) nothing of this version runs any more:
        // its threads are only on their way back to the pool, and the drain does not wait for that
        synchronized (waiting) {
            stopped = true;
        }
        int forced = open.size();
        if (forced > 0) {
            open.forEach(HttpConnection::abort);
            awaitNoneServing(TimeUnit.SECONDS.toNanos(1));
        }
        return new Drained(served.get(), forced);
    }

    /**
     * Hands the successor every connection waiting for a request, and those waiting for a thread (which this
     * server's threads will then not run); a busy one hands itself over once it has answered.
     */
    private void handOverIdle() {
        List<HttpConnection> unstarted;
        synchronized (waiting) {
            unstarted = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (HttpConnection c : unstarted) {
            c.needsThread(true);
            if (!(c.handOverIfIdle() && handOver(c))) { // not held after all: this server serves it (and closes it)
                c.needsThread(false);
                c.handBack();
                serve(c);
            }
        }
        for (HttpConnection c : open) {
            if (c.handOverIfIdle() && !handOver(c)) {
                c.handBack();
            }
        }
    }

    /** How many of its connections are on a thread now. */
    int serving() {
        synchronized (waiting) {
            return serving;
        }
    }

    /** Waits up to {@code nanos} until no thread serves a connection of this server (closed ones end at once). */
    private void awaitNoneServing(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        synchronized (waiting) {
            long left;
            while (serving > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(waiting, left);
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing a listener or selector we are done with: nothing to do about a failure
        }
    }
}
