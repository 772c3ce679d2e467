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

/**
 * One client connection: reads HTTP/1.1 requests one after the other (keep-alive unless the client or
 * a draining server says close) and answers each GET or HEAD with the server's version. Request bodies
 * announced by Content-Length are skipped; chunked ones are refused (501) since no GET needs them.
 */
final class HttpConnection implements Runnable {
    private static final int POLL_MS = 50;
    private static final int REQUEST_TIMEOUT_MS = 5_000;
    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final SocketChannel channel;
    private final VersionServer server;

    HttpConnection(SocketChannel channel, VersionServer server) {
        this.channel = channel;
        this.server = server;
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
                    if (server.closeIdle(idleSince, KEEP_ALIVE_NANOS)) {
                        return;
                    }
                    continue;
                }
                if (first < 0) {
                    return; // the client closed
                }
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
                boolean close = r.closeRequested() || server.draining();
                boolean get = r.method().equals("GET") || r.method().equals("HEAD");
                respond(out, get ? 200 : 405, get ? server.version : "only GET and HEAD\n", close,
                        r.method().equals("HEAD"));
                server.served();
                if (close) {
                    return;
                }
                idleSince = System.nanoTime();
            }
        } catch (IOException dropped) {
            // the client went away, or the connection was closed at the drain deadline
        } finally {
            server.closed(this);
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
