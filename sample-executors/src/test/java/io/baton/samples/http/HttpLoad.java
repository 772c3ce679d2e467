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

/**
 * A bounded load loop: one thread issuing GETs to 127.0.0.1:port back to back, with a hand-written
 * HTTP/1.1 client that never retries, so every request that did not get a 200 counts as failed.
 * Keep-alive mode reuses a connection until the server says {@code Connection: close}; the other
 * mode opens a connection per request.
 */
final class HttpLoad implements AutoCloseable {
    private final int port;
    private final boolean keepAlive;
    private final long maxRequests;
    private final long deadlineNanos;
    private final Thread thread;
    private final List<String> runs = new ArrayList<>(); // versions in the order answered, repeats merged
    private final List<String> errors = new ArrayList<>();
    private long ok;
    private long failed;
    private String last;
    private long lastRun;
    private volatile boolean stop;

    HttpLoad(int port, boolean keepAlive, long maxRequests, long maxMillis) {
        this.port = port;
        this.keepAlive = keepAlive;
        this.maxRequests = maxRequests;
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        this.thread = new Thread(this::loop, "http-load-" + (keepAlive ? "keep-alive" : "new-connections"));
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        Socket s = null;
        InputStream in = null;
        byte[] request = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        long n = 0;
        while (!stop && n < maxRequests && System.nanoTime() < deadlineNanos) {
            n++;
            try {
                if (s == null) {
                    s = new Socket();
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                    s.setSoTimeout(5_000);
                    in = new BufferedInputStream(s.getInputStream(), 1024);
                }
                OutputStream out = s.getOutputStream();
                out.write(request);
                out.flush();
                boolean close = read(in);
                if (close || !keepAlive) {
                    s.close();
                    s = null;
                }
            } catch (IOException e) {
                record(null, e.toString());
                closeQuietly(s);
                s = null;
            }
        }
        closeQuietly(s);
    }

    /** Reads one response; true when the server closes the connection after it. */
    private boolean read(InputStream in) throws IOException {
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
        if (length < 0) {
            throw new IOException("no Content-Length in a response to GET: " + status);
        }
        String body = new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
        if (body.length() != length) {
            throw new IOException("response body cut short: " + body.length() + " of " + length + " bytes");
        }
        if (status.startsWith("HTTP/1.1 200 ")) {
            record(body, null);
        } else {
            record(null, "answered " + status);
        }
        return close;
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
        }
        return b.toString();
    }

    private synchronized void record(String version, String error) {
        if (version == null) {
            failed++;
            if (errors.size() < 20) {
                errors.add(error);
            }
            return;
        }
        ok++;
        if (!version.equals(last)) {
            runs.add(version);
            last = version;
            lastRun = 0;
        }
        lastRun++;
    }

    synchronized long ok() {
        return ok;
    }

    synchronized long failed() {
        return failed;
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** The versions that answered, in order, consecutive repeats merged: [v1, v2] is a clean switch. */
    synchronized List<String> runs() {
        return List.copyOf(runs);
    }

    /** How many requests in a row the latest version has answered. */
    synchronized long lastRunLength() {
        return lastRun;
    }

    synchronized String last() {
        return last;
    }

    boolean finished() {
        return !thread.isAlive();
    }

    /** Stops the loop and waits for its last request to end. */
    void stop() throws InterruptedException {
        stop = true;
        thread.join(10_000);
    }

    /** Stops the loop without waiting (when a test ends early). */
    @Override
    public void close() {
        stop = true;
    }

    @Override
    public synchronized String toString() {
        return (keepAlive ? "keep-alive" : "connection-per-request") + " load: " + (ok + failed) + " requests, "
                + failed + " failed " + errors + ", versions in order " + runs;
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
