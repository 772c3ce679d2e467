package io.baton.samples.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port free on 127.0.0.1 for a test's listeners (bound and released at once). */
final class FreePorts {
    private FreePorts() {
    }

    static int loopback() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
