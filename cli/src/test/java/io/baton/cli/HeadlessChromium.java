package io.baton.cli;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium in a fresh profile directory, driven over the Chrome DevTools Protocol with
 * the JDK's WebSocket client: one page, navigated, evaluated, photographed. JSON goes through protobuf's
 * {@link Struct} (the CLI's own JSON library), so nothing new is needed. {@link #close()} ends the browser
 * and every process it started, and removes the profile.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Struct>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts the browser at {@code width}x{@code height} and attaches to its first page. */
    static HeadlessChromium start(int width, int height) throws Exception {
        Path profile = Files.createTempDirectory("baton-chromium-");
        Process p = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(logFile(profile).toFile())
                .start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> !p.isAlive()
                        || Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new IOException("chromium did not write " + portFile + " within 30 s: " + log(profile), e);
            }
            if (!p.isAlive()) {
                throw new IOException("chromium exited with " + p.waitFor() + ": " + log(profile));
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
            HttpClient http = HttpClient.newHttpClient();
            String targets = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            String ws = pageSocket(targets);
            Listener listener = new Listener();
            WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), listener).get(10, TimeUnit.SECONDS);
            HeadlessChromium c = new HeadlessChromium(p, profile, socket);
            listener.owner = c;
            return c;
        } catch (Exception e) {
            stop(p, profile);
            throw e;
        }
    }

    private static Path logFile(Path profile) {
        return profile.resolveSibling(profile.getFileName() + ".log");
    }

    private static String log(Path profile) throws IOException {
        return Files.exists(logFile(profile)) ? Files.readString(logFile(profile)).strip() : "(no output)";
    }

    private static String pageSocket(String targetsJson) throws IOException {
        Struct.Builder wrapper = Struct.newBuilder();
        JsonFormat.parser().merge("{\"t\":" + targetsJson + "}", wrapper);
        for (Value t : wrapper.getFieldsOrThrow("t").getListValue().getValuesList()) {
            Map<String, Value> f = t.getStructValue().getFieldsMap();
            if ("page".equals(f.get("type").getStringValue())) {
                return f.get("webSocketDebuggerUrl").getStringValue();
            }
        }
        throw new IOException("chromium lists no page target: " + targetsJson);
    }

    /** Sends one CDP command; {@code params} is a JSON object. Answers its {@code result}, or fails with its error. */
    Struct call(String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Struct> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true)
                .get(10, TimeUnit.SECONDS);
        Struct reply = answer.get(30, TimeUnit.SECONDS);
        if (reply.containsFields("error")) {
            throw new IllegalStateException(method + " failed: " + JsonFormat.printer().print(reply.getFieldsOrThrow("error")));
        }
        return reply.getFieldsOrThrow("result").getStructValue();
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", "{\"url\":" + quote(url) + "}");
    }

    /** The value of a JavaScript expression in the page, which must evaluate to a string. */
    String eval(String expression) throws Exception {
        Struct r = call("Runtime.evaluate", "{\"expression\":" + quote(expression) + ",\"returnByValue\":true}");
        if (r.containsFields("exceptionDetails")) {
            throw new IllegalStateException("'" + expression + "' threw " + JsonFormat.printer().print(
                    r.getFieldsOrThrow("exceptionDetails")));
        }
        return r.getFieldsOrThrow("result").getStructValue().getFieldsOrDefault("value", Value.getDefaultInstance())
                .getStringValue();
    }

    /** A PNG of the whole page. */
    byte[] screenshot() throws Exception {
        Struct r = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
        return Base64.getDecoder().decode(r.getFieldsOrThrow("data").getStringValue());
    }

    static String quote(String s) throws IOException {
        return JsonFormat.printer().print(Value.newBuilder().setStringValue(s).build());
    }

    private void received(String text) {
        try {
            Struct.Builder b = Struct.newBuilder();
            JsonFormat.parser().ignoringUnknownFields().merge(text, b);
            if (b.containsFields("id")) { // events (no id) are not needed here
                CompletableFuture<Struct> f = pending.remove((int) b.getFieldsOrThrow("id").getNumberValue());
                if (f != null) {
                    f.complete(b.build());
                }
            }
        } catch (IOException e) {
            pending.values().forEach(f -> f.completeExceptionally(e));
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (owner != null) {
                    owner.received(text);
                }
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        socket.abort();
        stop(process, profile);
    }

    private static void stop(Process p, Path profile) {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle c : children) {
                c.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            Files.deleteIfExists(logFile(profile));
        } catch (IOException e) {
            System.err.println("could not remove chromium's profile " + profile + ": " + e);
        }
    }
}
