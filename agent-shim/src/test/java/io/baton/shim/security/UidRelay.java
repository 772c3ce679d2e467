package io.baton.shim.security;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ShimToExecutor;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;

/**
 * A raw executor-protocol client whose socket belongs to another uid: a tiny relay process, started
 * with {@code setpriv --reuid=UID --regid=UID --clear-groups}, connects to the Unix socket and copies
 * bytes between it and its stdin/stdout; this JVM (root) speaks the protocol through it. The shim's
 * peer credentials therefore show the relay's pid and uid, exactly as for an executor run by that user.
 */
final class UidRelay implements AutoCloseable {
    static final int NOBODY = 65534;
    private static final String SCRIPT = String.join("\n",
            "import os, select, socket, sys",
            "s = socket.socket(socket.AF_UNIX)",
            "try:",
            "    s.connect(sys.argv[1])",
            "except OSError as e:",
            "    sys.stderr.write('CONNECT-FAILED uid=%d %s\\n' % (os.getuid(), e.strerror)); sys.stderr.flush(); sys.exit(3)",
            "sys.stderr.write('CONNECTED uid=%d\\n' % os.getuid()); sys.stderr.flush()",
            "while True:",
            "    r, _, _ = select.select([0, s], [], [])",
            "    if 0 in r:",
            "        d = os.read(0, 65536)",
            "        if not d: break",
            "        s.sendall(d)",
            "    if s in r:",
            "        d = s.recv(65536)",
            "        if not d: break",
            "        os.write(1, d)");

    final Process process;
    final String greeting;
    private final OutputStream out;
    private final BlockingQueue<ShimToExecutor> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong cid = new AtomicLong();

    private UidRelay(Process process, String greeting) {
        this.process = process;
        this.greeting = greeting;
        this.out = process.getOutputStream();
        Thread reader = new Thread(this::readFrames, "uid-relay-reader-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Skips the test (printing why) unless this JVM is root and setpriv and python3 exist. */
    static void assumeRootWithSetpriv() {
        long uid = new com.sun.security.auth.module.UnixSystem().getUid();
        String why = uid != 0 ? "the test runs as uid " + uid + ", not root: it cannot start a process as another uid"
                : !Files.isExecutable(Path.of("/usr/bin/setpriv")) ? "/usr/bin/setpriv is missing"
                : !Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3 (the relay) is missing" : null;
        if (why != null) {
            System.out.println("SKIPPED (uid isolation): " + why);
            Assumptions.abort(why);
        }
    }

    /** Connects to {@code socket} as {@code uid}; the greeting says whether the connect succeeded. */
    static UidRelay connect(Path socket, int uid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid,
                "--clear-groups", "/usr/bin/python3", "-c", SCRIPT, socket.toString())).start();
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream()));
        String line = err.readLine(); // the relay writes one line first; EOF if setpriv itself failed
        return new UidRelay(p, line == null ? "NO-GREETING exit " + p.waitFor() : line);
    }

    boolean connected() {
        return greeting.startsWith("CONNECTED");
    }

    ExecutorResponse call(ExecutorCall.Builder call) throws IOException, InterruptedException {
        long c = cid.incrementAndGet();
        byte[] body = call.setCorrelationId(c).build().toByteArray();
        out.write(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array());
        out.flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            ShimToExecutor m = inbox.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && m.hasResponse() && m.getResponse().getCorrelationId() == c) {
                return m.getResponse();
            }
        }
        throw new AssertionError("no answer to call " + c + " through the uid relay in 10 s (" + greeting + ")");
    }

    private void readFrames() {
        try (DataInputStream in = new DataInputStream(process.getInputStream())) {
            while (true) {
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                inbox.add(ShimToExecutor.parseFrom(body));
            }
        } catch (IOException closed) {
            // the relay or the shim closed the connection
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
