package io.baton.sdk.runtime;

import io.baton.proto.Accepted;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribed;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.ShimToExecutor;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for the shim on a Unix socket of a standby's scratch directory (or a loopback TCP port named by a file
 * there), for its rehearsals ({@link Standby}): it
 * answers an executor's subscription and heartbeats, refuses reservations (it holds no resources), takes updates and
 * progress without an answer where none is asked for, and counts the connections that sent a heartbeat after their
 * subscription's answer (the first heartbeat comes once the executor has taken it). One connection at a time, on a
 * thread of its own; frames as the shim's (a 4-byte length, then the message). Nothing else is meant to connect to it:
 * the socket (the port's address file) is in a directory only this process knows of.
 */
final class StandInShim implements AutoCloseable {
    private static final int MAX_FRAME = 1 << 20;

    private final ServerSocketChannel server;
    /** The socket's path, or the address file naming the TCP port: removed on {@link #close}. */
    private final Path socket;
    private final Thread thread;
    /**
     * The conversation under way, closed by {@link #close} (an executor that never hangs up does not hold the thread).
     */
    private volatile SocketChannel current;
    /** Connections that sent a heartbeat after their subscription's answer (each counted once). */
    private int subscribed;

    private StandInShim(ServerSocketChannel server, Path socket, java.util.concurrent.ThreadFactory threads) {
        this.server = server;
        this.socket = socket;
        this.thread = threads.newThread(this::serve);
        this.thread.start();
    }

    /** Listens on {@code socket} (a path that must not exist yet), on a thread made by {@code threads}. */
    static StandInShim bind(Path socket, java.util.concurrent.ThreadFactory threads) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(socket));
            return new StandInShim(server, socket, threads);
        } catch (IOException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /**
     * Listens on a free TCP port of 127.0.0.1 and writes {@code tcp://127.0.0.1:PORT} to {@code addressFile} (as
     * {@code --shim-file} names one), on a thread made by {@code threads}: for the rehearsals of an executor that
     * reaches its shim over TCP. It never reads a token.
     */
    static StandInShim bindTcp(Path addressFile, java.util.concurrent.ThreadFactory threads) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            int port = ((java.net.InetSocketAddress) server.getLocalAddress()).getPort();
            Files.writeString(addressFile, "tcp://127.0.0.1:" + port + "\n");
            return new StandInShim(server, addressFile, threads);
        } catch (IOException | RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /**
     * Waits until {@code n} connections in all have sent a heartbeat after their subscription (the executor took the
     * answer), at most {@code timeoutMs}; whether they have.
     */
    synchronized boolean awaitSubscribed(int n, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (subscribed < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000L));
        }
        return true;
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel ch = server.accept()) {
                current = ch;
                converse(ch);
            } catch (IOException | RuntimeException e) {
                // the listening socket closed (the rehearsals are over), or the executor hung up: the next one
            }
        }
    }

    private void converse(SocketChannel ch) throws IOException {
        ByteBuffer length = ByteBuffer.allocate(4);
        boolean counted = false;
        boolean answered = false;
        while (true) {
            length.clear();
            if (!readFully(ch, length)) {
                return;
            }
            int n = length.getInt(0);
            if (n < 0 || n > MAX_FRAME) {
                return;
            }
            ByteBuffer body = ByteBuffer.allocate(n);
            if (!readFully(ch, body)) {
                return;
            }
            ExecutorCall call = ExecutorCall.parseFrom(body.flip());
            ExecutorResponse.Builder answer = ExecutorResponse.newBuilder().setCorrelationId(call.getCorrelationId());
            if (call.hasSubscribe()) {
                answer.setSubscribed(ExecutorSubscribed.newBuilder().setExecutorId(call.getSubscribe().getExecutorId())
                        .setHeartbeatIntervalMs(100).setContainer("none"));
                answered = true;
            } else if (call.hasHeartbeat()) {
                answer.setAccepted(Accepted.getDefaultInstance());
                if (answered && !counted) {
                    counted = true;
                    synchronized (this) {
                        subscribed++;
                        notifyAll();
                    }
                }
            } else if (call.getQuiet() || call.getCorrelationId() == 0) {
                continue;
            } else if (call.hasReserve() || call.hasAdjust() || call.hasRelease()) {
                answer.setRejected(Rejection.newBuilder().setCode(RejectCode.REJECT_UNSPECIFIED)
                        .setMessage("a standby's stand-in shim holds no resources"));
            } else {
                answer.setAccepted(Accepted.getDefaultInstance());
            }
            byte[] out = ShimToExecutor.newBuilder().setResponse(answer).build().toByteArray();
            ByteBuffer frame = ByteBuffer.allocate(4 + out.length).putInt(out.length).put(out).flip();
            while (frame.hasRemaining()) {
                ch.write(frame);
            }
        }
    }

    private static boolean readFully(SocketChannel ch, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (ch.read(into) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Stops listening, ends a conversation under way, and waits (at most 2 s) for the thread to end. */
    @Override
    public void close() throws IOException {
        try {
            server.close(); // ends the accept
            SocketChannel ch = current;
            if (ch != null) {
                ch.close(); // ends a read under way
            }
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(socket);
        }
    }
}
