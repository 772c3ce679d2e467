package io.baton.samples.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;

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
 */
final class PortListeners {
    private final Map<Integer, Shared> byPort = new HashMap<>();

    /** A listening socket and how many servers use it. */
    static final class Shared {
        final int port;
        final ServerSocketChannel channel;
        private int users;

        private Shared(int port, ServerSocketChannel channel) {
            this.port = port;
            this.channel = channel;
        }
    }

    /** The port's listener, bound now (127.0.0.1, SO_REUSEPORT, non-blocking) if this executor has none. */
    synchronized Shared join(int port) throws IOException {
        Shared s = byPort.get(port);
        if (s == null) {
            s = new Shared(port, bind(port));
            byPort.put(port, s);
        }
        s.users++;
        return s;
    }

    /**
     * The caller stopped accepting from {@code s}. True when it was the last user: then the listener is
     * the caller's to empty and close, and the next {@link #join} binds a new one.
     */
    synchronized boolean leave(Shared s) {
        if (--s.users > 0) {
            return false;
        }
        byPort.remove(s.port, s);
        return true;
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
