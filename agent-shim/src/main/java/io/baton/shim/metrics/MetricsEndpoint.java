package io.baton.shim.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import io.baton.shim.web.WebView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} over HTTP, on the JDK's server with one handler thread given by the shim (the JDK's
 * server adds two threads it makes itself, {@code HTTP-Dispatcher} and {@code idle-timeout-task}), and the
 * {@link WebView live view} on the same port when one is given; every other request is answered 404, naming
 * what is served. The body comes from a callable that does its own hopping onto the shim's loop; when it
 * fails (e.g. the shim is stopping) the scrape gets 503.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code bind:port} and starts serving on {@code executor} (one thread is enough), which the
     * endpoint owns from here on: {@link #close()} shuts it down, as does a failure to bind.
     */
    public static MetricsEndpoint start(String bind, int port, Callable<String> body, ExecutorService executor)
            throws IOException {
        return start(bind, port, body, null, executor);
    }

    /** Like {@link #start(String, int, Callable, ExecutorService)}, with {@code view} mounted at {@code /}. */
    public static MetricsEndpoint start(String bind, int port, Callable<String> body, WebView view,
            ExecutorService executor) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new IOException("cannot serve metrics on " + bind + ":" + port + " (" + e.getMessage()
                    + "); choose another --metrics-port or --bind", e);
        }
        server.setExecutor(executor);
        String notFound;
        if (view != null) {
            view.mount(server, List.of("/metrics (Prometheus)"));
            notFound = WebView.notFoundMessage(List.of("GET / (the live view)", "GET /api/state (the node's state as "
                    + "JSON)", "GET /metrics (Prometheus)"));
        } else {
            notFound = WebView.notFoundMessage(List.of("GET /metrics"));
            server.createContext("/", exchange -> {
                try {
                    reply(exchange, 404, "text/plain; charset=utf-8", notFound);
                } finally {
                    exchange.close();
                }
            });
        }
        server.createContext("/metrics", exchange -> handle(exchange, body, notFound));
        server.start();
        return new MetricsEndpoint(server, executor);
    }

    private static void handle(HttpExchange exchange, Callable<String> body, String notFound) throws IOException {
        try {
            if (!"GET".equals(exchange.getRequestMethod()) || !"/metrics".equals(exchange.getRequestURI().getPath())) {
                reply(exchange, 404, "text/plain; charset=utf-8", notFound);
                return;
            }
            String text;
            try {
                text = body.call();
            } catch (Exception e) {
                LOG.warn("could not read the shim's metrics: {}", e.toString());
                reply(exchange, 503, "text/plain; charset=utf-8", "metrics unavailable: " + e + "\n");
                return;
            }
            reply(exchange, 200, MetricsText.CONTENT_TYPE, text);
        } finally {
            exchange.close();
        }
    }

    private static void reply(HttpExchange exchange, int code, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/metrics";
    }

    /** The live view's address (meaningful when one was mounted). */
    public String viewUrl() {
        return url().substring(0, url().length() - "metrics".length());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
