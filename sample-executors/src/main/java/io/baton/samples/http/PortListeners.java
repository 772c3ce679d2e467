package io.baton.samples.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The listening sockets of one executor, one per port, shared by every server of that port in the
 * executor and closed when the last one leaves.
 *
 * <p>Why share rather than give each server its own: Linux resets the connections queued on a listening
 * socket when it is closed, even while other SO_REUSEPORT sockets of the port live on (unless
 * {@code net.ipv4.tcp_migrate_req=1}). Measured with a client opening a connection per request, closing
 * the old version's own listener lost about one request every 40 replacements. A server that leaves a
 * shared listener just stops accepting from it; what is queued is taken by the servers still there.
 *
 * <p>Every listener is bound with SO_REUSEPORT, so a new version in another process (or another
 * executor) binds the same port while this one still serves. Thread-safe.
 *
 * <p><b>Held for a successor.</b> The last server to leave may leave the listener <em>held</em>
 * ({@link #leave(Shared, Object)}): it stays open, so the kernel goes on accepting connections into its
 * queue (up to its backlog of 512), and the next server to join the port takes them. A STOP_THEN_START of
 * this port's version does that: the connections made from the old version's kill to the new one's start
 * wait for the new one instead of being refused. The holder bounds its hold once it has drained
 * ({@link #endHoldAfter}); a hold that no server joins by then is closed (what it queued is reset, as a
 * closed port would have refused it). The holder's keep-alive connections are handed over with the hold
 * ({@link #handOver}): the server that joins takes them over ({@link #takeHandedOver}); the hold's end closes them.
 */
final class PortListeners {
    private final Map<Integer, Shared> byPort = new HashMap<>();
    private final ScheduledExecutorService timers;

    /** Listeners that are never held (a version serving on its own, outside an executor). */
    PortListeners() {
        this(null);
    }

    /** {@code timers} closes the holds that nobody joined in time. */
    PortListeners(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    /** A listening socket and how many servers use it. */
    static final class Shared {
        final int port;
        final ServerSocketChannel channel;
        private int users;
        /** Who left it held while no server uses it (compared by identity); null when not held. */
        private Object holder;
        /** When the current hold ends, once its holder bounded it. */
        private ScheduledFuture<?> timer;
        /** Connections handed over with the hold, for the next server to take over with the listener. */
        private final List<HttpConnection> handedOver = new ArrayList<>();

        private Shared(int port, ServerSocketChannel channel) {
            this.port = port;
            this.channel = channel;
        }
    }

    /**
     * The port's listener, bound now (127.0.0.1, SO_REUSEPORT, non-blocking) if this executor has none; a held
     * one is taken over with the connections it queued.
     */
    synchronized Shared join(int port) throws IOException {
        Shared s = byPort.get(port);
        if (s == null) {
            s = new Shared(port, bind(port));
            byPort.put(port, s);
        }
        if (s.holder != null) {
            s.holder = null;
            if (s.timer != null) {
                s.timer.cancel(false); // one that fired already finds the hold gone
                s.timer = null;
            }
        }
        s.users++;
        return s;
    }

    /**
     * The caller stopped accepting from {@code s}. True when it was the last user: then the listener is
     * the caller's to empty and close, and the next {@link #join} binds a new one.
     */
    synchronized boolean leave(Shared s) {
        return leave(s, null);
    }

    /**
     * As {@link #leave(Shared)}; but with a {@code holder}, the last user leaves the listener held instead (false):
     * open, queueing connections for the next server to join, until the holder bounds the hold with
     * {@link #endHoldAfter}. Listeners made without timers are never held.
     */
    synchronized boolean leave(Shared s, Object holder) {
        if (--s.users > 0) {
            return false;
        }
        if (holder != null && timers != null) {
            s.holder = holder;
            return false;
        }
        byPort.remove(s.port, s);
        return true;
    }

    /**
     * {@code holder}'s hold of {@code s} ends in {@code ms} (at once when not positive): the listener is closed then
     * unless a server has joined. Nothing when the listener is not held by {@code holder} (never, or taken over), or
     * its end is set already.
     */
    synchronized void endHoldAfter(Shared s, Object holder, long ms) {
        if (s.holder != holder || holder == null || s.timer != null) {
            return;
        }
        s.timer = timers.schedule(() -> endHold(s, holder), Math.max(0, ms), TimeUnit.MILLISECONDS);
    }

    /** Whether {@code s} is held by {@code holder} (not taken over, not ended). */
    synchronized boolean heldBy(Shared s, Object holder) {
        return holder != null && s.holder == holder;
    }

    /** Hands {@code c} over with {@code holder}'s hold of {@code s}: false (nothing done) when it holds none. */
    synchronized boolean handOver(Shared s, Object holder, HttpConnection c) {
        if (!heldBy(s, holder)) {
            return false;
        }
        s.handedOver.add(c);
        return true;
    }

    /** The connections handed over with the hold of {@code s} that the caller took over by joining the port. */
    synchronized List<HttpConnection> takeHandedOver(Shared s) {
        List<HttpConnection> taken = List.copyOf(s.handedOver);
        s.handedOver.clear();
        return taken;
    }

    /** Whether {@code port}'s listener is held, waiting for a server. */
    synchronized boolean held(int port) {
        Shared s = byPort.get(port);
        return s != null && s.holder != null;
    }

    private void endHold(Shared s, Object holder) {
        List<HttpConnection> dropped;
        synchronized (this) {
            if (s.holder != holder || s.users > 0) {
                return; // taken over meanwhile (and maybe held again, by another)
            }
            s.holder = null;
            s.timer = null;
            byPort.remove(s.port, s);
            dropped = takeHandedOver(s);
        }
        dropped.forEach(HttpConnection::drop);
        try {
            s.channel.close();
        } catch (IOException ignored) {
            // a listener nobody took over: nothing to do about a failed close
        }
    }

    private static ServerSocketChannel bind(int port) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                throw new IOException("this platform has no SO_REUSEPORT: versions cannot share port " + port);
            }
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
            ch.configureBlocking(false);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
