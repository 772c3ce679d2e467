package io.baton.shim.fuzz;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately dumb client for fuzzing: writes arbitrary bytes and decodes what comes back strictly
 * (4-byte big-endian length, then one message of the expected type). Unlike the Netty-based
 * {@code WireClient}, a reply that does not decode is an assertion failure here, not a logged warning.
 */
final class RawConnection<M> implements AutoCloseable {
    private final SocketChannel channel;
    private final Selector selector;
    private final Parser<M> parser;
    private final ByteBuffer in = ByteBuffer.allocate(1 << 20);
    private boolean closedByPeer;

    RawConnection(Path socket, Parser<M> parser) throws IOException {
        this(SocketChannel.open(StandardProtocolFamily.UNIX), UnixDomainSocketAddress.of(socket), parser);
    }

    /** Over loopback TCP. */
    static <M> RawConnection<M> tcp(int port, Parser<M> parser) throws IOException {
        return new RawConnection<>(SocketChannel.open(StandardProtocolFamily.INET),
                new java.net.InetSocketAddress("127.0.0.1", port), parser);
    }

    private RawConnection(SocketChannel channel, java.net.SocketAddress address, Parser<M> parser) throws IOException {
        this.channel = channel;
        channel.connect(address);
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        this.parser = parser;
    }

    /** Writes all bytes; false when the shim already closed the connection (a broken pipe). */
    boolean write(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        try {
            while (b.hasRemaining() && System.nanoTime() < deadline) {
                if (channel.write(b) == 0) {
                    drainInto(new ArrayList<>(), 1); // the shim may be answering; keep our side moving
                }
            }
            return !b.hasRemaining();
        } catch (IOException e) {
            closedByPeer = true;
            return false;
        }
    }

    /** Every complete message that arrives within {@code quiet}; stops early once the peer closes. */
    List<M> read(Duration quiet) throws IOException {
        List<M> out = new ArrayList<>();
        long deadline = System.nanoTime() + quiet.toNanos();
        do { // at least one look, however short the wait
            drainInto(out, Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } while (!closedByPeer && System.nanoTime() < deadline);
        return out;
    }

    private void drainInto(List<M> out, long waitMs) throws IOException {
        if (selector.select(Math.max(1, waitMs)) == 0) {
            return;
        }
        selector.selectedKeys().clear();
        int n;
        try {
            n = channel.read(in);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            closedByPeer = true;
        }
        in.flip();
        while (in.remaining() >= 4) {
            int len = in.getInt(in.position());
            if (len < 0 || len > in.capacity() - 4) {
                throw new AssertionError("the shim sent a frame with length " + len);
            }
            if (in.remaining() < 4 + len) {
                break;
            }
            in.getInt();
            byte[] body = new byte[len];
            in.get(body);
            try {
                out.add(parser.parseFrom(body));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("the shim sent a frame that does not decode: " + e.getMessage(), e);
            }
        }
        in.compact();
    }

    boolean closedByPeer() {
        return closedByPeer;
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
