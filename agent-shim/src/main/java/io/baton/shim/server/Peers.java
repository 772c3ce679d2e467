package io.baton.shim.server;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.util.AttributeKey;
import java.io.IOException;

/** The caller's pid and uid, from the Unix socket's peer credentials (SO_PEERCRED). */
final class Peers {
    /** For in-memory channels in tests only: {pid, uid}. */
    static final AttributeKey<long[]> TEST_IDENTITY = AttributeKey.valueOf("baton.test-identity");

    private Peers() {
    }

    /** pid and uid of a TCP peer: unknown; such an executor must present the token. */
    static final long[] UNVERIFIED = {0, -1};

    static long[] identify(Channel ch) throws IOException {
        if (ch instanceof EpollDomainSocketChannel uds) {
            PeerCredentials c = uds.peerCredentials();
            return new long[] {c.pid(), c.uid()};
        }
        if (ch instanceof io.netty.channel.socket.SocketChannel) {
            return UNVERIFIED;
        }
        long[] test = ch.attr(TEST_IDENTITY).get();
        if (test != null) {
            return test;
        }
        throw new IOException("executor connections must come over the executor Unix socket (peer credentials "
                + "identify the executor); got " + ch.getClass().getSimpleName());
    }
}
