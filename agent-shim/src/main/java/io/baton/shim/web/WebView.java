package io.baton.shim.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only live view: {@code GET /} is one self-contained page (inline CSS and script, nothing
 * fetched from elsewhere) that polls {@code GET /api/state}, the node's state as JSON. The page reads
 * nothing else, so any server that can produce that JSON can {@link #mount} it (the shim on its metrics
 * port; later the YARN ApplicationMaster). Every other path under the mount is answered 404 naming what is
 * served. Nothing here writes: every method but GET is answered 404 as well.
 */
public final class WebView {
    private static final Logger LOG = LoggerFactory.getLogger(WebView.class);
    static final String PAGE = "index.html";

    private final byte[] page;
    private final Callable<String> stateJson;

    /** {@code stateJson} is called once per {@code GET /api/state}, on the server's handler thread. */
    public WebView(Callable<String> stateJson) {
        this.stateJson = stateJson;
        this.page = loadPage();
    }

    private static byte[] loadPage() {
        try (InputStream in = WebView.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException("the live view's page " + PAGE + " is missing next to "
                        + WebView.class.getName() + " on the class path (a broken build?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the live view's page " + PAGE, e);
        }
    }

    /**
     * Registers {@code /} (the fallback context: every path no longer context takes) on {@code server};
     * {@code alsoServed} are the other paths the server answers, named in the 404 message.
     */
    public void mount(HttpServer server, List<String> alsoServed) {
        List<String> served = new ArrayList<>(List.of("GET / (the live view)", "GET /api/state (the node's state as JSON)"));
        alsoServed.forEach(p -> served.add("GET " + p));
        String notFound = notFoundMessage(served);
        server.createContext("/", exchange -> {
            try {
                handle(exchange, notFound);
            } finally {
                exchange.close();
            }
        });
    }

    /** "not found: this server serves only A, B and C" — for every handler that shares the server. */
    public static String notFoundMessage(List<String> served) {
        String list = served.size() == 1 ? served.get(0)
                : String.join(", ", served.subList(0, served.size() - 1)) + " and " + served.get(served.size() - 1);
        return "not found: this server serves only " + list + "\n";
    }

    private void handle(HttpExchange exchange, String notFound) throws IOException {
        String path = exchange.getRequestURI().getPath();
        boolean get = "GET".equals(exchange.getRequestMethod());
        if (get && ("/".equals(path) || "/index.html".equals(path))) {
            reply(exchange, 200, "text/html; charset=utf-8", page);
        } else if (get && "/api/state".equals(path)) {
            String json;
            try {
                json = stateJson.call();
            } catch (Exception e) {
                LOG.warn("could not read the node's state for the live view: {}", e.toString());
                reply(exchange, 503, "text/plain; charset=utf-8", bytes("state unavailable: " + e + "\n"));
                return;
            }
            reply(exchange, 200, "application/json; charset=utf-8", bytes(json));
        } else {
            reply(exchange, 404, "text/plain; charset=utf-8", bytes(notFound));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes a whole answer; never cached, since everything served changes or may change with the build. */
    public static void reply(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(body);
        }
    }
}
