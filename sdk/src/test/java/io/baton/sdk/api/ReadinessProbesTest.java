package io.baton.sdk.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.baton.proto.HttpCheck;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The default readiness probes against real servers on loopback: answers, redirects, and servers that misbehave. */
class ReadinessProbesTest {
    private HttpServer http;
    private int port;
    private final List<String> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        port = http.getAddress().getPort();
        answer("/ok", 200, null);
        answer("/empty", 204, null);
        answer("/starting", 503, null);
        answer("/moved", 302, "/ok");
        answer("/moved-absolute", 301, "http://127.0.0.1:" + 0 + "/ok"); // replaced below, once the port is known
        answer("/moved-relative/a", 307, "../ok-relative");
        answer("/ok-relative", 200, null);
        answer("/elsewhere", 302, "http://example.invalid/ok");
        answer("/other-port", 302, "http://127.0.0.1:1/ok");
        answer("/loop", 302, "/loop");
        answer("/no-location", 302, null);
        answer("/query", 302, "/with?x=1");
        http.createContext("/with", x -> {
            asked.add(x.getRequestURI().toString());
            x.sendResponseHeaders(x.getRequestURI().getQuery() != null ? 200 : 404, -1);
            x.close();
        });
        http.removeContext("/moved-absolute");
        answer("/moved-absolute", 301, "http://localhost:" + port + "/ok");
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    private void answer(String path, int code, String location) {
        http.createContext(path, x -> {
            asked.add(x.getRequestURI().toString());
            if (location != null) {
                x.getResponseHeaders().add("Location", location);
            }
            x.sendResponseHeaders(code, -1);
            x.close();
        });
    }

    private static TaskInfo task(int port, String path) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t"))
                .setReadiness(ReadinessCheck.newBuilder().setHttp(HttpCheck.newBuilder().setPort(port).setPath(path))
                        .setTimeoutMs(2_000))
                .build();
    }

    @Test
    void a2xxIsReadyAndAnythingElseIsNot() throws Exception {
        assertThat(ReadinessProbes.probe(task(port, "/ok"))).isTrue();
        assertThat(ReadinessProbes.probe(task(port, "/empty"))).isTrue();
        assertThat(ReadinessProbes.probe(task(port, "/starting"))).isFalse();
        assertThat(ReadinessProbes.probe(task(port, "/nothing-here"))).isFalse();
        assertThat(ReadinessProbes.probe(TaskInfo.getDefaultInstance())).as("no readiness check").isTrue();
    }

    @Test
    void redirectsOnTheSamePortAreFollowed() throws Exception {
        assertThat(ReadinessProbes.probe(task(port, "/moved"))).isTrue();
        assertThat(ReadinessProbes.probe(task(port, "/moved-absolute"))).isTrue();
        assertThat(ReadinessProbes.probe(task(port, "/moved-relative/a"))).isTrue();
        assertThat(ReadinessProbes.probe(task(port, "/query"))).isTrue();
        assertThat(asked).contains("/moved", "/ok", "/moved-absolute", "/moved-relative/a", "/ok-relative",
                "/with?x=1");
    }

    @Test
    void redirectsElsewhereOrWithoutEndAreNotReady() throws Exception {
        assertThat(ReadinessProbes.probe(task(port, "/elsewhere"))).isFalse();
        assertThat(ReadinessProbes.probe(task(port, "/other-port"))).isFalse();
        assertThat(ReadinessProbes.probe(task(port, "/no-location"))).isFalse();
        asked.clear();
        assertThat(ReadinessProbes.probe(task(port, "/loop"))).isFalse();
        assertThat(asked).hasSize(HttpProbe.MOST_REDIRECTS + 1);
    }

    @Test
    void aPathWithoutItsSlashIsAskedWithOne() throws Exception {
        asked.clear();
        assertThat(ReadinessProbes.probe(task(port, "ok"))).isTrue();
        assertThat(asked).containsExactly("/ok");
    }

    @Test
    void aPathThatCannotBeSentIsRefusedWithItsText() {
        assertThatThrownBy(() -> ReadinessProbes.probe(task(port, "/a b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/a b'")
                .hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> ReadinessProbes.probe(task(port, "/a\r\nX: y")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nothingListeningIsNotReady() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThat(ReadinessProbes.probe(task(closed, "/"))).isFalse();
    }

    @Test
    void aServerThatNeverAnswersIsNotReadyOnceTheTryTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RawServer s = new RawServer(out -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            TaskInfo t = task(s.port(), "/").toBuilder()
                    .setReadiness(task(s.port(), "/").getReadiness().toBuilder().setTimeoutMs(200)).build();
            assertThat(ReadinessProbes.probe(t)).isFalse();
        } finally {
            release.countDown();
            s.close();
        }
    }

    @Test
    void anAnswerThatIsNotHttpIsNotReady() throws Exception {
        try (RawServer s = RawServer.answering("hello there\r\n\r\n")) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).isFalse();
        }
        try (RawServer s = RawServer.answering("HTTP/1.1 20 short\r\n\r\n")) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).isFalse();
        }
        try (RawServer s = RawServer.answering("HTTP/1.1 200OK\r\n\r\n")) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).isFalse();
        }
        try (RawServer s = RawServer.answering("")) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).as("closed without a word").isFalse();
        }
    }

    @Test
    void aHeadLongerThanTheLimitIsNotReady() throws Exception {
        String big = "HTTP/1.1 200 OK\r\nX-Filler: " + "x".repeat(HttpProbe.MOST_HEAD_BYTES) + "\r\n\r\n";
        try (RawServer s = RawServer.answering(big)) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).isFalse();
        }
    }

    @Test
    void anAnswerInPiecesOrWithoutHeadersIsRead() throws Exception {
        try (RawServer s = new RawServer(out -> {
            for (String piece : List.of("HT", "TP/1.1 2", "00 OK\r", "\nContent-Length: 0\r\n", "\r\n")) {
                try {
                    out.write(piece.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(20);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        })) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).isTrue();
        }
        try (RawServer s = RawServer.answering("HTTP/1.0 200")) { // then closes: a head with nothing after its status
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).isTrue();
        }
    }

    @Test
    void bareLineFeedsAndInterimAnswersAreReadAsHttpUrlConnectionRead() throws Exception {
        // found in review: a head ending in LF LF, from a server that keeps the connection, waited for the timeout
        try (RawServer s = RawServer.answering("HTTP/1.1 200 OK\nContent-Length: 2\n\nok")) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).isTrue();
        }
        try (RawServer s = RawServer.answering("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n")) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).as("the 200 after a 100").isTrue();
        }
        try (RawServer s = RawServer.answering("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 503 No\r\n\r\n")) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/"))).as("the 503 after a 103").isFalse();
        }
    }

    @Test
    void theWholeTryHasTheTimeoutNotEachRead() throws Exception {
        // found in review: each read had the whole timeout, so a head trickled in line by line took many timeouts
        // (past the hook's own bound, which fails the replacement instead of "not ready"); this one would be a 200
        CountDownLatch done = new CountDownLatch(1);
        RawServer s = new RawServer(out -> {
            try {
                out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 20 && !done.await(150, TimeUnit.MILLISECONDS); i++) {
                    out.write(("X-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException | InterruptedException e) {
                // the probe went away
            }
        });
        try {
            TaskInfo t = task(s.port(), "/").toBuilder()
                    .setReadiness(task(s.port(), "/").getReadiness().toBuilder().setTimeoutMs(400)).build();
            assertThat(ReadinessProbes.probe(t)).as("not ready: its answer was not there by the try's end").isFalse();
        } finally {
            done.countDown();
            s.close();
        }
    }

    @Test
    void aFragmentIsNotSentAndAPortOutOfRangeIsRefused() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        try (RawServer s = RawServer.answering("HTTP/1.1 200 OK\r\n\r\n", heads)) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/health#part"))).isTrue();
        }
        assertThat(heads).singleElement().satisfies(h -> assertThat(h).startsWith("GET /health HTTP/1.1\r\n"));
        assertThatThrownBy(() -> ReadinessProbes.probe(task(70_000, "/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1-65535, got 70000");
    }

    @Test
    void theRequestIsAPlainGetThatAsksToClose() throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        try (RawServer s = RawServer.answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", heads)) {
            assertThat(ReadinessProbes.probe(task(s.port(), "/health?deep=1"))).isTrue();
        }
        assertThat(heads).singleElement().satisfies(h -> assertThat(h)
                .startsWith("GET /health?deep=1 HTTP/1.1\r\n")
                .contains("\r\nHost: 127.0.0.1:").contains("\r\nConnection: close\r\n"));
    }

    @Test
    void redirectsAreResolvedAsRfc3986Says() throws Exception {
        // found in review: java.net.URI resolves "?q" against "/a/b" to "/a/?q", keeps "/../" above the root, and
        // a Location's bytes beyond ASCII went out as '?'
        assertThat(followed("/health/deep?x=1", "Location: ?page=2")).isEqualTo("/health/deep?page=2");
        assertThat(followed("/health/deep?x=1", "Location: #top")).as("the same target, its query kept")
                .isEqualTo("/health/deep?x=1");
        assertThat(followed("/a/b", "Location: /../../ok")).isEqualTo("/ok");
        assertThat(followed("/a/b/c", "Location: ../d/./e")).isEqualTo("/a/d/e");
        assertThat(followed("/", "Location: /caf\u00c3\u00a9 au lait")).as("UTF-8 bytes, sent encoded")
                .isEqualTo("/caf%C3%A9%20au%20lait");
        assertThat(followed("/", "Location:\r\n /folded")).as("an obsolete folded header").isEqualTo("/folded");
        assertThat(followed("/", "Location: /one\r\n\ttwo")).isEqualTo("/one%20two");
        assertThat(followed("/", "X-Other: a\r\n Location: /not-a-header\r\nLocation: /real")).as("a fold of another header")
                .isEqualTo("/real");
    }

    @Test
    void aRedirectsTargetIsResolvedByTheRfcsRules() {
        int p = 8080;
        // RFC 3986 5.4.1's normal examples, as far as they stay on this host and port (base /b/c/d;p?q)
        String base = "/b/c/d;p?q";
        assertThat(HttpProbe.samePort("g", p, base)).isEqualTo("/b/c/g");
        assertThat(HttpProbe.samePort("./g", p, base)).isEqualTo("/b/c/g");
        assertThat(HttpProbe.samePort("g/", p, base)).isEqualTo("/b/c/g/");
        assertThat(HttpProbe.samePort("/g", p, base)).isEqualTo("/g");
        assertThat(HttpProbe.samePort("?y", p, base)).isEqualTo("/b/c/d;p?y");
        assertThat(HttpProbe.samePort("g?y", p, base)).isEqualTo("/b/c/g?y");
        assertThat(HttpProbe.samePort("#s", p, base)).isEqualTo("/b/c/d;p?q");
        assertThat(HttpProbe.samePort("g?y#s", p, base)).isEqualTo("/b/c/g?y");
        assertThat(HttpProbe.samePort(";x", p, base)).isEqualTo("/b/c/;x");
        assertThat(HttpProbe.samePort(".", p, base)).isEqualTo("/b/c/");
        assertThat(HttpProbe.samePort("..", p, base)).isEqualTo("/b/");
        assertThat(HttpProbe.samePort("../g", p, base)).isEqualTo("/b/g");
        assertThat(HttpProbe.samePort("../..", p, base)).isEqualTo("/");
        assertThat(HttpProbe.samePort("../../../g", p, base)).isEqualTo("/g");
        assertThat(HttpProbe.samePort("/./g", p, base)).isEqualTo("/g");
        assertThat(HttpProbe.samePort("g.", p, base)).isEqualTo("/b/c/g.");
        assertThat(HttpProbe.samePort("./g/.", p, base)).isEqualTo("/b/c/g/");
        assertThat(HttpProbe.samePort("g;x=1/../y", p, base)).isEqualTo("/b/c/y");
        assertThat(HttpProbe.samePort("g?y/./x", p, base)).as("a query is not a path").isEqualTo("/b/c/g?y/./x");
        // empty segments stay; a query may hold '?'; absolute and scheme-relative forms on this host and port
        assertThat(HttpProbe.samePort("/a//b", p, base)).isEqualTo("/a//b");
        assertThat(HttpProbe.samePort("/p?a?b#c", p, base)).isEqualTo("/p?a?b");
        assertThat(HttpProbe.samePort("HTTP://LOCALHOST:8080/x", p, base)).isEqualTo("/x");
        assertThat(HttpProbe.samePort("//127.0.0.1:8080/x/../y", p, base)).isEqualTo("/y");
        assertThat(HttpProbe.samePort("http://127.0.0.1:8080", p, base)).isEqualTo("/");
        assertThat(HttpProbe.samePort("http://localhost/x", 80, base)).as("port 80 unnamed").isEqualTo("/x");
        assertThat(HttpProbe.samePort("http://localhost/x", p, base)).as("port 80 is not 8080").isNull();
        // elsewhere, or not an http URI with a host: not followed
        assertThat(HttpProbe.samePort("https://127.0.0.1:8080/x", p, base)).isNull();
        assertThat(HttpProbe.samePort("http://127.0.0.2:8080/x", p, base)).isNull();
        assertThat(HttpProbe.samePort("http://u@127.0.0.1:8080/x", p, base)).as("a user").isNull();
        assertThat(HttpProbe.samePort("///x", p, base)).as("an empty host").isNull();
        assertThat(HttpProbe.samePort("http:/x", p, base)).as("no host").isNull();
        assertThat(HttpProbe.samePort("http://[::1]:8080/x", p, base)).isNull();
        assertThat(HttpProbe.samePort("mailto:a@b", p, base)).isNull();
        // what a request line cannot carry is percent-encoded, an escape is left as it is
        assertThat(HttpProbe.samePort("/a b\t\"<>\\^`{|}[]\u007f", p, base))
                .isEqualTo("/a%20b%09%22%3C%3E%5C%5E%60%7B%7C%7D%5B%5D%7F");
        assertThat(HttpProbe.samePort("/100%/%2F%zz", p, base)).isEqualTo("/100%25/%2F%25zz");
        assertThat(HttpProbe.samePort("g", p, "/x{y}/z")).as("a base path with braces").isEqualTo("/x%7By%7D/g");
    }

    /** The request line's target of the request that follows {@code headers}' redirect, asked from {@code from}. */
    private static String followed(String from, String headers) throws Exception {
        List<String> heads = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        try (RawServer s = new RawServer(out -> write(out, n.getAndIncrement() == 0
                ? "HTTP/1.1 302 Found\r\n" + headers + "\r\nContent-Length: 0\r\n\r\n" : "HTTP/1.1 200 OK\r\n\r\n"),
                heads)) {
            assertThat(ReadinessProbes.probe(task(s.port(), from))).as("ready once redirected").isTrue();
        }
        assertThat(heads).hasSize(2);
        String line = heads.get(1).substring(0, heads.get(1).indexOf("\r\n"));
        return line.substring("GET ".length(), line.length() - " HTTP/1.1".length());
    }

    /** Writes {@code text} one byte per char (a head is read that way): a char up to \u00ff is that byte. */
    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // the probe went away
        }
    }

    /** A server on loopback that reads a request's head, then lets {@code answer} write to the connection. */
    private static final class RawServer implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;

        RawServer(Consumer<OutputStream> answer) throws IOException {
            this(answer, new CopyOnWriteArrayList<>());
        }

        RawServer(Consumer<OutputStream> answer, List<String> heads) throws IOException {
            server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket c = server.accept()) {
                        heads.add(readHead(c.getInputStream()));
                        answer.accept(c.getOutputStream());
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "raw-http-server");
            thread.setDaemon(true);
            thread.start();
        }

        static RawServer answering(String text) throws IOException {
            return answering(text, new CopyOnWriteArrayList<>());
        }

        /** Answers every request with {@code text}, each request's head added to {@code heads}. */
        static RawServer answering(String text, List<String> heads) throws IOException {
            return new RawServer(out -> write(out, text), heads);
        }

        private static String readHead(InputStream in) throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while (!b.toString().endsWith("\r\n\r\n") && (c = in.read()) >= 0) {
                b.append((char) c);
            }
            return b.toString();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5_000);
        }
    }
}
