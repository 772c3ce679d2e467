package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ShimAddressFileTest {
    @Test
    void aTcpAddressIsParsed() {
        InetSocketAddress a = ShimAddressFile.parse("tcp://127.0.0.1:4242", "f");
        assertThat(a.getHostString()).isEqualTo("127.0.0.1");
        assertThat(a.getPort()).isEqualTo(4242);
    }

    @Test
    void anythingElseIsRefusedWithTheFileAndWhatItHeld() {
        assertThatThrownBy(() -> ShimAddressFile.parse("127.0.0.1:4242", "am.address"))
                .hasMessage("the shim address in am.address must be tcp://HOST:PORT, got '127.0.0.1:4242'");
        assertThatThrownBy(() -> ShimAddressFile.parse("tcp://:4242", "f")).hasMessageContaining("tcp://HOST:PORT");
        assertThatThrownBy(() -> ShimAddressFile.parse("tcp://h:0", "f"))
                .hasMessage("the shim address in f must have a port 1-65535, got 'tcp://h:0'");
        assertThatThrownBy(() -> ShimAddressFile.parse("tcp://h:http", "f")).hasMessageContaining("port 1-65535");
    }
}
