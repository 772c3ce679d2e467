package io.baton.sdk.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * How {@link BatonClient#connect} reaches and greets the shim: the framework socket
 * ({@code <work-dir>/framework.sock}) or a loopback TCP port, the token (or the file holding it),
 * whether to stream status updates, and a few limits.
 *
 * <pre>{@code
 * ClientOptions local = ClientOptions.workDir(Path.of("/var/lib/baton/shim")).name("my-framework").build();
 * ClientOptions tcp = ClientOptions.tcp("127.0.0.1", 5051).token(secret).updates(false).build();
 * ClientOptions own = ClientOptions.workDir(dir).threads(myThreadFactory).build(); // the client's threads from it
 * }</pre>
 *
 * <p>Immutable and thread-safe once built; the builder is not thread-safe. The token file is read
 * (and trimmed) when the client connects, so a rotated token is picked up by the next connection.
 */
public final class ClientOptions {
    /** The shim's default {@code --max-frame-bytes}. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;

    private final Path socket;
    private final String host;
    private final int port;
    private final String token;
    private final Path tokenFile;
    private final boolean updates;
    private final boolean progress;
    private final boolean autoAcknowledge;
    private final String name;
    private final Duration connectTimeout;
    private final Duration keepAlive;
    private final int maxFrameBytes;
    private final int dedupWindow;
    private final int updateQueueCapacity;
    private final int recentOutcomes;
    private final Clock clock;
    private final ThreadFactory threads;

    private ClientOptions(Builder b) {
        this.socket = b.socket;
        this.host = b.host;
        this.port = b.port;
        this.token = b.token;
        this.tokenFile = b.tokenFile;
        this.updates = b.updates;
        this.progress = b.progress;
        this.autoAcknowledge = b.autoAcknowledge;
        this.name = b.name;
        this.connectTimeout = b.connectTimeout;
        this.keepAlive = b.keepAlive;
        this.maxFrameBytes = b.maxFrameBytes;
        this.dedupWindow = b.dedupWindow;
        this.updateQueueCapacity = b.updateQueueCapacity;
        this.recentOutcomes = b.recentOutcomes;
        this.clock = b.clock;
        this.threads = b.threads;
    }

    /** The shim's framework Unix socket; set a token or token file too. */
    public static Builder unix(Path socket) {
        Builder b = new Builder();
        b.socket = Objects.requireNonNull(socket, "socket");
        return b;
    }

    /** The shim's work directory: {@code framework.sock} and the token in {@code framework.token}. */
    public static Builder workDir(Path workDir) {
        return unix(workDir.resolve("framework.sock")).tokenFile(workDir.resolve("framework.token"));
    }

    /** The shim's TCP port ({@code baton shim --port}); set a token or token file too. */
    public static Builder tcp(String host, int port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("TCP port " + port + " is out of range 1..65535");
        }
        Builder b = new Builder();
        b.host = Objects.requireNonNull(host, "host");
        b.port = port;
        return b;
    }

    /** The Unix socket, or null for TCP. */
    public Path socket() {
        return socket;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** {@code unix:<path>} or {@code tcp:<host>:<port>}, for messages. */
    public String endpoint() {
        return socket != null ? "unix:" + socket : "tcp:" + host + ":" + port;
    }

    /** The token: the one given, else the token file's content, trimmed. */
    public String token() {
        if (token != null) {
            return token;
        }
        try {
            String t = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            if (t.isEmpty()) {
                throw new IllegalArgumentException("token file " + tokenFile + " is empty; the shim writes its token "
                        + "to <work-dir>/framework.token");
            }
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the framework token from " + tokenFile + " (" + e
                    + "); is the shim's work dir right, and may this user read it?", e);
        }
    }

    public boolean updates() {
        return updates;
    }

    /** Whether replacement progress events are asked for ({@link BatonClient#onProgress}); see {@link Builder#progress}. */
    public boolean progress() {
        return progress;
    }

    public boolean autoAcknowledge() {
        return autoAcknowledge;
    }

    public String name() {
        return name;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration keepAlive() {
        return keepAlive;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    public int dedupWindow() {
        return dedupWindow;
    }

    public int updateQueueCapacity() {
        return updateQueueCapacity;
    }

    public int recentOutcomes() {
        return recentOutcomes;
    }

    /** The wall clock the client stamps the outcomes it decides itself with (a REJECTED replacement). */
    public Clock clock() {
        return clock;
    }

    /**
     * What makes the client's threads (its connection's IO thread and its update delivery thread), or
     * null for Baton's named daemons {@code baton-client-io-<name>-…} and {@code baton-client-updates-<name>-…}.
     */
    public ThreadFactory threads() {
        return threads;
    }

    /** Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private Path socket;
        private String host;
        private int port;
        private String token;
        private Path tokenFile;
        private boolean updates = true;
        private boolean progress;
        private boolean autoAcknowledge = true;
        private String name = "baton-client";
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration keepAlive = Duration.ofSeconds(10);
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int dedupWindow = 4096;
        private int updateQueueCapacity = 10_000;
        private int recentOutcomes = 1024;
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threads;

        private Builder() {
        }

        public Builder token(String token) {
            this.token = Objects.requireNonNull(token, "token").trim();
            return this;
        }

        /** Read (and trimmed) at connect time. */
        public Builder tokenFile(Path file) {
            this.tokenFile = Objects.requireNonNull(file, "tokenFile");
            return this;
        }

        /** Stream status updates (default true); without them replacement outcomes cannot be learned. */
        public Builder updates(boolean updates) {
            this.updates = updates;
            return this;
        }

        /**
         * Receive every replacement's phase changes as they happen, for {@link BatonClient#onProgress} (default false:
         * a live display asks for them; outcomes and per-phase timings come with the final update either way). They
         * are a frame per phase of every replacement on the node, from the shim to this client, and without them a
         * replacement costs the shim and the client less CPU (docs/BENCHMARKS.md has the figures). Needs updates.
         */
        public Builder progress(boolean progress) {
            this.progress = progress;
            return this;
        }

        /** Acknowledge each update once the listeners ran (default true). */
        public Builder autoAcknowledge(boolean autoAcknowledge) {
            this.autoAcknowledge = autoAcknowledge;
            return this;
        }

        /** Shown in the shim's logs. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Bounds connecting and the SUBSCRIBE answer (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * Without updates the shim closes connections silent for its idle timeout (30 s by default),
         * so an idle client sends a HEARTBEAT this often (default 10 s; {@link Duration#ZERO} disables).
         */
        public Builder keepAlive(Duration interval) {
            this.keepAlive = Objects.requireNonNull(interval, "keepAlive");
            return this;
        }

        /** The shim's {@code --max-frame-bytes}; larger calls fail before they are sent. */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = atLeastOne("maxFrameBytes", bytes);
            return this;
        }

        /** How many recent update uuids are remembered to drop duplicates (default 4096). */
        public Builder dedupWindow(int size) {
            this.dedupWindow = atLeastOne("dedupWindow", size);
            return this;
        }

        /** Capacity of {@link BatonClient#updates()}; when full the oldest update is dropped (default 10000). */
        public Builder updateQueueCapacity(int capacity) {
            this.updateQueueCapacity = atLeastOne("updateQueueCapacity", capacity);
            return this;
        }

        /** How many final replacement updates are remembered for handles registered late (default 1024). */
        public Builder recentOutcomes(int size) {
            this.recentOutcomes = atLeastOne("recentOutcomes", size);
            return this;
        }

        /** The wall clock for timestamps the client produces itself (default the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Every thread the client starts (its connection's IO thread, its update delivery thread) is made
         * by {@code threads}, with the names and daemon flags it gives them; {@link BatonClient#close()}
         * ends them. Default: Baton's named daemon threads.
         */
        public Builder threads(ThreadFactory threads) {
            this.threads = Objects.requireNonNull(threads, "threads");
            return this;
        }

        public ClientOptions build() {
            if (token == null && tokenFile == null) {
                throw new IllegalArgumentException("no framework token: set token(...) or tokenFile(...); the shim "
                        + "writes its token to <work-dir>/framework.token");
            }
            if (progress && !updates) {
                throw new IllegalArgumentException("progress(true) needs updates(true): the shim sends progress only to "
                        + "a client that takes status updates");
            }
            return new ClientOptions(this);
        }

        private static Duration positive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }

        private static int atLeastOne(String what, int n) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, was " + n);
            }
            return n;
        }
    }
}
