package io.baton.sdk.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP readiness try against 127.0.0.1: a plain HTTP/1.1 GET on a socket of its own, closed after the status
 * line and headers. Ready on a 2xx. A redirect (3xx with a {@code Location}) to a path on the same port is
 * followed, up to {@value #MOST_REDIRECTS} times; one elsewhere is not ready. A refused or reset connection, a
 * try that exceeds the timeout (to connect, or between two reads), or an answer that is not HTTP: not ready.
 *
 * <p>Lighter than {@code HttpURLConnection}, which a probe used before (no proxy lookup, no keep-alive cache or
 * its thread): a probe runs right when a new task starts taking traffic, on the same cores.
 */
final class HttpProbe {
    static final int MOST_REDIRECTS = 5;
    /** The most of an answer read for its status line and headers; a longer head is not ready. */
    static final int MOST_HEAD_BYTES = 16 * 1024;

    /** An answer's status code and {@code Location} header (null without one). */
    record Answer(int code, String location) {
    }

    private HttpProbe() {
    }

    static boolean ready(int port, String path, int timeoutMs) {
        String target = path;
        for (int redirects = 0; redirects <= MOST_REDIRECTS; redirects++) {
            Answer a;
            try {
                a = get(port, target, timeoutMs);
            } catch (IOException notYet) {
                return false;
            }
            if (a.code() >= 200 && a.code() < 300) {
                return true;
            }
            if (a.code() < 300 || a.code() >= 400 || a.location() == null) {
                return false;
            }
            target = samePort(a.location(), port, target);
            if (target == null) {
                return false;
            }
        }
        return false;
    }

    /** One GET of {@code path}: the answer's head; IOException for no answer, or one that is not HTTP. */
    static Answer get(int port, String path, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUser-Agent: baton-readiness\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return parse(head(s.getInputStream()));
        }
    }

    /** The answer's head: up to and without the blank line that ends it (or what came before the end of input). */
    private static String head(InputStream in) throws IOException {
        byte[] buf = new byte[1024];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (buf.length >= MOST_HEAD_BYTES) {
                    throw new IOException("the answer's head is longer than " + MOST_HEAD_BYTES + " bytes");
                }
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            }
            int from = Math.max(0, n - 3);
            n += r;
            for (int i = from; i + 3 < n; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                    return new String(buf, 0, i, StandardCharsets.ISO_8859_1);
                }
            }
        }
    }

    /** The status code and Location of an answer's head ({@code HTTP/1.1 200 OK\r\nName: value...}). */
    static Answer parse(String head) throws IOException {
        int eol = head.indexOf("\r\n");
        String status = eol < 0 ? head : head.substring(0, eol);
        // "HTTP/x.y NNN reason": the code right after the version's space, three digits
        if (!status.startsWith("HTTP/") || status.indexOf(' ') < 0) {
            throw new IOException("not an HTTP answer: '" + status + "'");
        }
        int sp = status.indexOf(' ');
        if (status.length() < sp + 4 || status.length() > sp + 4 && status.charAt(sp + 4) != ' ') {
            throw new IOException("no status code in '" + status + "'");
        }
        int code;
        try {
            code = Integer.parseInt(status.substring(sp + 1, sp + 4));
        } catch (NumberFormatException e) {
            throw new IOException("no status code in '" + status + "'");
        }
        String location = null;
        for (String line : eol < 0 ? new String[0] : head.substring(eol + 2).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("location")) {
                location = line.substring(colon + 1).trim();
            }
        }
        return new Answer(code, location);
    }

    /**
     * The path to ask for next when {@code location} (resolved against {@code from}) is on 127.0.0.1 (or localhost)
     * at {@code port} over plain HTTP; null when it is elsewhere or not a valid reference.
     */
    static String samePort(String location, int port, String from) {
        URI u;
        try {
            u = URI.create("http://127.0.0.1:" + port + from).resolve(location.replace(" ", "%20"));
        } catch (IllegalArgumentException bad) {
            return null;
        }
        String host = u.getHost();
        if (!"http".equalsIgnoreCase(u.getScheme()) || host == null || u.getPort() != port
                && !(u.getPort() == -1 && port == 80)
                || !(host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost"))) {
            return null;
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    }
}
