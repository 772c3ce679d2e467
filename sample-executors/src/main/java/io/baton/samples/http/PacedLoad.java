package io.baton.samples.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady, bounded HTTP load on 127.0.0.1: {@code connections} client threads, each sending GETs at a
 * fixed rate (request i is due at start + i × period); half keep their connection alive (reconnecting
 * when the server closes it), half open a fresh connection per request. The client never retries: a
 * request without a 200 is a failed request. Latency is measured from when the request was <em>due</em>,
 * not when it was sent, so a stalled server shows as latency on the requests queued behind the stall
 * (no coordinated omission). Bounded by {@code maxMillis} and by rate × time in requests.
 *
 * <p>The load client of the HTTP sample, shared by the benchmarks ({@code bench}'s HttpDowntime) and the
 * YARN module's tests and comparison; it lives here, next to the service it drives.
 */
public final class PacedLoad {
    /** One request: when it was due (ns since the load started), its latency from then (ns), whether it failed. */
    public record Sample(long dueNanos, long latencyNanos, boolean failed, boolean keepAlive, String version) {
    }

    private final int port;
    private final long periodNanos;
    private final long maxNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final List<List<Sample>> perThread = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final long startNanos;
    private volatile boolean stop;

    public PacedLoad(int port, int connections, int ratePerConnection, long maxMillis) {
        this.port = port;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / ratePerConnection;
        this.maxNanos = TimeUnit.MILLISECONDS.toNanos(maxMillis);
        this.startNanos = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            boolean keepAlive = c % 2 == 0;
            List<Sample> out = new ArrayList<>();
            perThread.add(out);
            long offset = periodNanos * c / connections; // spread the connections over the period
            Thread t = new Thread(() -> loop(keepAlive, offset, out), "paced-load-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    public long startNanos() {
        return startNanos;
    }

    private void loop(boolean keepAlive, long offset, List<Sample> out) {
        byte[] request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        long maxRequests = maxNanos / periodNanos + 1;
        Socket s = null;
        InputStream in = null;
        for (long i = 0; !stop && i < maxRequests; i++) {
            long due = startNanos + offset + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (stop || System.nanoTime() - startNanos > maxNanos) {
                break;
            }
            String version = null;
            String error = null;
            try {
                if (s == null) {
                    s = new Socket();
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                    s.setSoTimeout(2_000);
                    in = new BufferedInputStream(s.getInputStream(), 1024);
                }
                OutputStream o = s.getOutputStream();
                o.write(request);
                o.flush();
                String[] answer = read(in);
                if (answer[0].startsWith("HTTP/1.1 200 ")) {
                    version = answer[1];
                } else {
                    error = "answered " + answer[0];
                }
                if (answer[2] != null || !keepAlive) {
                    s.close();
                    s = null;
                }
            } catch (IOException e) {
                error = e.toString();
                closeQuietly(s);
                s = null;
            }
            long end = System.nanoTime();
            out.add(new Sample(due - startNanos, end - due, version == null, keepAlive, version));
            if (error != null) {
                synchronized (errors) {
                    if (errors.size() < 10) {
                        errors.add(error);
                    }
                }
            }
        }
        closeQuietly(s);
    }

    /** Status line, body, and non-null third element when the server closes the connection after this response. */
    private static String[] read(InputStream in) throws IOException {
        String status = line(in);
        long length = -1;
        boolean close = false;
        for (String h; !(h = line(in)).isEmpty();) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("connection:")) {
                close = lower.contains("close");
            }
        }
        if (length < 0 || length > 4096) {
            throw new IOException("bad Content-Length in a response to GET: " + status);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length != length) {
            throw new IOException("response body cut short: " + body.length + " of " + length + " bytes");
        }
        return new String[] {status, new String(body, StandardCharsets.UTF_8).trim(), close ? "close" : null};
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n';) {
            if (c < 0) {
                throw new IOException("connection closed in the middle of a response (read '" + b + "')");
            }
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 1024) {
                throw new IOException("response line longer than 1024 bytes");
            }
        }
        return b.toString();
    }

    /** Stops the load, waits (bounded) for every thread's last request, and returns every sample by due time. */
    public List<Sample> stop() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(10_000);
        }
        List<Sample> all = new ArrayList<>();
        perThread.forEach(all::addAll);
        all.sort((a, b) -> Long.compare(a.dueNanos(), b.dueNanos()));
        return all;
    }

    public List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // done with it
            }
        }
    }
}
