package io.baton.sdk.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One HTTP readiness try against 127.0.0.1: a plain HTTP/1.1 GET on a socket of its own, closed after the status
 * line and headers. Ready on a 2xx. Interim answers (1xx but 101) are skipped. A redirect (3xx with a
 * {@code Location}) to a path on the same port is followed, up to {@value #MOST_REDIRECTS} times; one elsewhere is
 * not ready. The whole try — connecting, reading, redirects — has one deadline, the check's timeout: past it, not
 * ready. A refused or reset connection, or an answer that is not HTTP: not ready. Lines may end in CRLF or LF.
 *
 * <p>Lighter than {@code HttpURLConnection}, which a probe used before (no proxy lookup, no keep-alive cache or
 * its thread): a probe runs right when a new task starts taking traffic, on the same cores.
 */
final class HttpProbe {
    static final int MOST_REDIRECTS = 5;
    /** The most of an answer read for its status line and headers; a longer head is not ready. */
    static final int MOST_HEAD_BYTES = 16 * 1024;
    private static final InetAddress LOOPBACK_V4;

    static {
        try {
            LOOPBACK_V4 = InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e); // four bytes are always an address
        }
    }

    /** An answer's status code and {@code Location} header (null without one). */
    record Answer(int code, String location) {
    }

    private HttpProbe() {
    }

    static boolean ready(int port, String path, int timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        String target = path;
        for (int redirects = 0; redirects <= MOST_REDIRECTS; redirects++) {
            Answer a;
            try {
                a = get(port, target, deadline);
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

    /** One GET of {@code path}, before {@code deadline} (nanoTime): its final answer's head; IOException for none. */
    static Answer get(int port, String path, long deadline) throws IOException {
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(LOOPBACK_V4, port), left(deadline));
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUser-Agent: baton-readiness\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Heads heads = new Heads(s, deadline);
            while (true) {
                Answer a = parse(heads.next());
                if (a.code() >= 200 || a.code() == 101) {
                    return a;
                }
                // 100 Continue, 103 Early Hints: the answer follows
            }
        }
    }

    /** Milliseconds left until {@code deadline}, at least 1; SocketTimeoutException when none is. */
    private static int left(long deadline) throws SocketTimeoutException {
        long ms = (deadline - System.nanoTime()) / 1_000_000L;
        if (ms <= 0) {
            throw new SocketTimeoutException("the readiness try's timeout passed");
        }
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    /** The heads of the answers on a connection, one after the other (an interim answer's, then the final one's). */
    private static final class Heads {
        private final Socket socket;
        private final InputStream in;
        private final long deadline;
        private byte[] buf = new byte[1024];
        private int n;

        Heads(Socket socket, long deadline) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.deadline = deadline;
        }

        /** The next head, without the blank line that ends it (or what came before the end of input). */
        String next() throws IOException {
            int scanned = 0;
            while (true) {
                for (int i = scanned; i < n; i++) {
                    if (buf[i] != '\n') {
                        continue;
                    }
                    int j = i + 1 < n && buf[i + 1] == '\r' ? i + 2 : i + 1;
                    if (j < n && buf[j] == '\n') { // an empty line: LF LF, or (CR) LF CR LF
                        int end = i > 0 && buf[i - 1] == '\r' ? i - 1 : i;
                        String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
                        System.arraycopy(buf, j + 1, buf, 0, n - j - 1); // what follows: the next head, or a body
                        n -= j + 1;
                        return head;
                    }
                }
                scanned = Math.max(0, n - 2);
                if (n == buf.length) {
                    if (buf.length >= MOST_HEAD_BYTES) {
                        throw new IOException("the answer's head is longer than " + MOST_HEAD_BYTES + " bytes");
                    }
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                socket.setSoTimeout(left(deadline));
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    String head = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                    n = 0;
                    return head;
                }
                n += r;
            }
        }
    }

    /** The status code and Location of an answer's head ({@code HTTP/1.1 200 OK\r\nName: value...}). */
    static Answer parse(String head) throws IOException {
        String[] lines = head.split("\r?\n");
        String status = lines[0];
        // "HTTP/x.y NNN reason": the code right after the version's space, three digits
        int sp = status.indexOf(' ');
        if (!status.startsWith("HTTP/") || sp < 0) {
            throw new IOException("not an HTTP answer: '" + status + "'");
        }
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
        for (int i = 1; i < lines.length; i++) {
            if (folded(lines[i])) {
                continue; // the rest of an earlier header's value (an obsolete fold), not a header of its own
            }
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("location")) {
                StringBuilder value = new StringBuilder(lines[i].substring(colon + 1).trim());
                // an obsolete folded header goes on in lines that begin with a space or a tab: one space each
                for (; i + 1 < lines.length && folded(lines[i + 1]); i++) {
                    value.append(value.length() == 0 ? "" : " ").append(lines[i + 1].trim());
                }
                location = value.toString().trim();
            }
        }
        return new Answer(code, location == null || location.isEmpty() ? null : location);
    }

    /** Whether a head's line goes on the header before it: it begins with a space or a tab. */
    private static boolean folded(String line) {
        return !line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t');
    }

    /**
     * The path (and query) to ask for next when {@code location}, resolved against {@code from} as RFC 3986 section 5.2
     * resolves a reference, is on 127.0.0.1 (or localhost) at {@code port} over plain HTTP; null when it is elsewhere,
     * has no host or a user, or is not a reference. Bytes a request line cannot carry as they are (spaces, controls,
     * anything beyond ASCII: a head is read byte for byte) are sent percent-encoded; the fragment is not sent.
     */
    static String samePort(String location, int port, String from) {
        String ref = encoded(location);
        int hash = ref.indexOf('#');
        ref = hash < 0 ? ref : ref.substring(0, hash);
        if (ref.isEmpty()) {
            return from; // the same resource again, its query too
        }
        String scheme = null;
        int colon = schemeEnd(ref);
        String rest = ref;
        if (colon > 0) {
            scheme = ref.substring(0, colon);
            rest = ref.substring(colon + 1);
        }
        String authority = null;
        if (rest.startsWith("//")) {
            int end = 2;
            while (end < rest.length() && rest.charAt(end) != '/' && rest.charAt(end) != '?') {
                end++;
            }
            authority = rest.substring(2, end);
            rest = rest.substring(end);
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        String query = q < 0 ? null : rest.substring(q + 1);
        if (scheme != null && !scheme.equalsIgnoreCase("http") || (scheme != null || authority != null)
                && (authority == null || !local(authority, port))) {
            return null;
        }
        String basePath = encoded(from);
        int bq = basePath.indexOf('?');
        basePath = bq < 0 ? basePath : basePath.substring(0, bq);
        String target;
        if (authority != null || path.startsWith("/")) {
            target = withoutDotSegments(path);
        } else if (path.isEmpty()) {
            target = basePath; // "?q": the same path, a new query
        } else {
            target = withoutDotSegments(basePath.substring(0, basePath.lastIndexOf('/') + 1) + path);
        }
        target = target.isEmpty() ? "/" : target;
        return query == null ? target : target + "?" + query;
    }

    /** The index of the colon that ends {@code ref}'s scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), or -1. */
    private static int schemeEnd(String ref) {
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            boolean alpha = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (c == ':') {
                return i > 0 ? i : -1;
            }
            if (!(alpha || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'))) {
                return -1;
            }
        }
        return -1;
    }

    /** Whether {@code authority} is 127.0.0.1 or localhost at {@code port} (80 when it names none), with no user. */
    private static boolean local(String authority, int port) {
        if (authority.indexOf('@') >= 0) {
            return false; // RFC 9110 4.2.4: a user in an http URI is an error
        }
        int colon = authority.lastIndexOf(':');
        String host = colon < 0 ? authority : authority.substring(0, colon);
        String digits = colon < 0 ? "" : authority.substring(colon + 1);
        int named;
        if (digits.isEmpty()) {
            named = 80;
        } else if (digits.length() <= 5 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            named = Integer.parseInt(digits);
        } else {
            return false;
        }
        return named == port && (host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost"));
    }

    /** {@code path} with its "." and ".." segments removed (RFC 3986 5.2.4); empty segments stay. */
    static String withoutDotSegments(String path) {
        StringBuilder out = new StringBuilder(path.length());
        String in = path;
        while (!in.isEmpty()) {
            if (in.startsWith("../")) {
                in = in.substring(3);
            } else if (in.startsWith("./") || in.startsWith("/./")) {
                in = in.substring(2); // "./x" is "x", "/./x" is "/x"
            } else if (in.equals("/.")) {
                in = "/";
            } else if (in.startsWith("/../") || in.equals("/..")) {
                in = in.length() == 3 ? "/" : in.substring(3);
                int last = out.lastIndexOf("/");
                out.setLength(Math.max(last, 0));
            } else if (in.equals(".") || in.equals("..")) {
                in = "";
            } else {
                int next = in.indexOf('/', in.charAt(0) == '/' ? 1 : 0);
                next = next < 0 ? in.length() : next;
                out.append(in, 0, next);
                in = in.substring(next);
            }
        }
        return out.toString();
    }

    private static boolean hex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** {@code text} (one char per byte read) with what a URI cannot hold as it is percent-encoded, byte by byte. */
    private static String encoded(String text) {
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean encode = c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}[]".indexOf(c) >= 0
                    || c == '%' && !(i + 2 < text.length() && hex(text.charAt(i + 1)) && hex(text.charAt(i + 2)));
            if (encode && b == null) {
                b = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (encode) {
                b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? text : b.toString();
    }
}
