package io.baton.samples.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client connection: reads HTTP/1.1 requests one after the other (keep-alive unless the client or
 * a draining server says close) and answers each GET or HEAD with the server's version. Request bodies
 * announced by Content-Length are skipped; chunked ones are refused (501) since no GET needs them.
 *
 * <p><b>Handed over.</b> A server that drains for a successor on its port ({@link VersionServer#handsOver}) hands
 * its keep-alive connections over at a request boundary instead of closing them: an idle one at once, a busy one
 * once it has answered. The connection then belongs to no server: a request arriving on it waits, as a connection
 * queued on the held listener does, until the next server of the port takes it over ({@link #adoptedBy}) and
 * answers it; if none does before the hold ends, it is closed ({@link #drop}). Its thread stays with it.
 */
final class HttpConnection implements Runnable {
    /** Waiting for a request, its server's. */
    private static final int IDLE = 0;
    /** Reading or answering a request. */
    private static final int BUSY = 1;
    /** Between servers: handed over, not yet taken over. */
    private static final int HANDED = 2;
    /** Its thread is done with it: no server takes it over any more. */
    private static final int CLOSED = 3;
    /**
     * The longest a request on a handed-over connection waits for a server: a safety net, as the hold's end
     * (handoff_hold_ms after the drain) or a successor ends the wait long before.
     */
    private static final long HANDED_MAX_WAIT_MS = 60_000;

    private static final int POLL_MS = 50;
    private static final int REQUEST_TIMEOUT_MS = 5_000;
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final SocketChannel channel;
    /** The server that answers its requests: the one that accepted it, or the one that took it over. */
    private volatile VersionServer server;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /**
     * The server whose count of connections served at once holds this one's thread (null: none, as while handed
     * over, or waiting for a thread). Whoever takes a server out of it gives that server's count back.
     */
    private final AtomicReference<VersionServer> slot = new AtomicReference<>();
    /** Handed over from its server's queue, before any thread ran it: the server taking it over serves it. */
    private volatile boolean needsThread;
    /** Closed while handed over, nobody having taken it over; guarded by this. */
    private boolean dropped;

    HttpConnection(SocketChannel channel, VersionServer server) {
        this.channel = channel;
        this.server = server;
    }

    /** {@code owner} counts this connection's thread now (it was counted, or waiting for a thread, before). */
    void slotOf(VersionServer owner) {
        slot.set(owner);
    }

    /** The server counting this connection's thread, no longer counting it (null when none did). */
    VersionServer giveUpSlot() {
        return slot.getAndSet(null);
    }

    /** Whether {@code owner} counted this connection's thread and no longer does. */
    boolean releaseSlot(VersionServer owner) {
        return slot.compareAndSet(owner, null);
    }

    /** The server that answers its requests now. */
    VersionServer server() {
        return server;
    }

    boolean needsThread() {
        return needsThread;
    }

    /** Marks it as handed over from its server's queue (or back in it: {@code false}). */
    void needsThread(boolean needs) {
        needsThread = needs;
    }

    /** Hands it over if it waits for a request (true), for its server's drain; else it hands itself over later. */
    boolean handOverIfIdle() {
        return state.compareAndSet(IDLE, HANDED);
    }

    /** Back to its server after all (the hold it was handed to was gone). */
    synchronized void handBack() {
        state.set(IDLE);
        notifyAll();
    }

    /**
     * {@code next}, which joined the port, takes it over: it answers the requests from now on, and counts its
     * thread (one that needs a thread gets it from {@code next} afterwards). False when its thread is done with it.
     */
    synchronized boolean adoptedBy(VersionServer next) {
        if (state.get() == CLOSED) {
            return false;
        }
        if (!needsThread) {
            next.countSlot();
            VersionServer before = slot.getAndSet(next);
            if (before != null) { // its former server had not given it back yet
                before.uncountSlot();
            }
        }
        server = next;
        state.set(IDLE);
        notifyAll();
        return true;
    }

    /** The hold it was handed to ended with no server taking it over: closed (a waiting request fails). */
    void drop() {
        synchronized (this) {
            dropped = true;
            notifyAll();
        }
        abort();
    }

    /** Waits while handed over; true once a server took it over, false when dropped (or interrupted, or too long). */
    private synchronized boolean awaitNextServer() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANDED_MAX_WAIT_MS);
        try {
            long left;
            while (state.get() == HANDED && !dropped && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !dropped && state.get() != HANDED;
    }

    /** A parsed request head: what the response depends on. */
    record Request(String method, String version, boolean closeRequested, long contentLength, boolean chunked) {
    }

    @Override
    public void run() {
        try (channel) {
            Socket socket = channel.socket();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            long idleSince = System.nanoTime();
            while (true) {
                socket.setSoTimeout(POLL_MS);
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException idle) {
                    // handed over, it waits for the next server whatever its idleness: the hold bounds that
                    if (state.get() == IDLE && server.closeIdle(idleSince, KEEP_ALIVE_NANOS)) {
                        return;
                    }
                    continue;
                }
                if (first < 0) {
                    return; // the client closed
                }
                while (!state.compareAndSet(IDLE, BUSY)) { // handed over: the request waits for the next server
                    if (!awaitNextServer()) {
                        return; // never taken over: the request fails, as on a port closed meanwhile
                    }
                }
                VersionServer current = server; // the one that answers this request
                socket.setSoTimeout(REQUEST_TIMEOUT_MS);
                Request r = parse(readHead(first, in));
                if (r == null) {
                    respond(out, 400, "bad request\n", true, false);
                    return;
                }
                if (r.chunked()) {
                    respond(out, 501, "chunked request bodies are not supported\n", true, false);
                    return;
                }
                in.skipNBytes(r.contentLength());
                boolean handOver = !r.closeRequested() && current.handsOver();
                boolean close = r.closeRequested() || (current.draining() && !handOver);
                boolean get = r.method().equals("GET") || r.method().equals("HEAD");
                respond(out, get ? 200 : 405, get ? current.version : "only GET and HEAD\n", close,
                        r.method().equals("HEAD"));
                current.served();
                if (close) {
                    return;
                }
                idleSince = System.nanoTime();
                if (handOver) {
                    state.set(HANDED);
                    if (!current.handOver(this)) {
                        return; // the hold was gone: closed after all, as at any keep-alive timeout
                    }
                } else {
                    state.set(IDLE);
                    // a drain for a successor that began while it answered found it busy: it hands itself over
                    if (current.handsOver() && handOverIfIdle() && !current.handOver(this)) {
                        handBack();
                    }
                }
            }
        } catch (IOException gone) {
            // the client went away, or the connection was closed at the drain deadline
        } finally {
            VersionServer last;
            synchronized (this) { // from now on no server takes it over
                state.set(CLOSED);
                last = server;
            }
            last.closed(this);
        }
    }

    /** Closes the connection now (drain deadline, or the server is stopping). */
    void abort() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private static String readHead(int first, InputStream in) throws IOException {
        StringBuilder head = new StringBuilder().append((char) first);
        while (head.length() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the middle of a request");
            }
            head.append((char) b); // ISO-8859-1: the head is ASCII
            int n = head.length();
            if (n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'
                    && head.charAt(n - 4) == '\r') {
                return head.toString();
            }
        }
        return ""; // too long: answered as a bad request
    }

    /** The request head, or null when it is not HTTP/1.x. */
    static Request parse(String head) {
        String[] lines = head.split("\r\n");
        if (lines.length == 0) {
            return null; // no request line at all (a head of empty lines)
        }
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            return null;
        }
        boolean http10 = requestLine[2].equals("HTTP/1.0");
        boolean close = http10;
        long length = 0;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "connection" -> close = value.contains("close") || (http10 && !value.contains("keep-alive"));
                case "content-length" -> {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                case "transfer-encoding" -> chunked = !value.equals("identity");
                default -> { }
            }
        }
        return length < 0 ? null : new Request(requestLine[0], requestLine[2], close, length, chunked);
    }

    private static void respond(OutputStream out, int code, String body, boolean close, boolean headOnly)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String reason = switch (code) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 405 -> "Method Not Allowed";
            default -> "Not Implemented";
        };
        String head = "HTTP/1.1 " + code + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + bytes.length + "\r\nConnection: " + (close ? "close" : "keep-alive") + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (!headOnly) {
            out.write(bytes);
        }
        out.flush();
    }
}
