package io.baton.sdk.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 11: an executor with no shim says so once, then every ten seconds or so, never once per attempt. */
class ConnectRetriesTest {
    static final String NO_SHIM = "no shim socket at /tmp/baton/executor.sock (is the shim running with --work-dir "
            + "/tmp/baton?)";

    final ConnectRetries r = new ConnectRetries("/tmp/baton/executor.sock", 5_000);

    static long s(double seconds) {
        return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void theFirstFailureIsSaidWithTheRetryIntervalThenAtMostOneLineEveryTenSeconds() {
        assertThat(r.connecting()).isEqualTo("connecting to the shim at /tmp/baton/executor.sock");
        assertThat(r.failed(NO_SHIM, 100, s(0))).isEqualTo("cannot connect to the shim at /tmp/baton/executor.sock: "
                + NO_SHIM + "; retrying in 100 ms, then less often, up to every 5 s, until it is there");
        // the backoff of NettyShimConnection: 100, 200, ... 5000 ms; 60 s of attempts
        List<String> said = new ArrayList<>();
        long delay = 200;
        long now = s(0.1);
        while (now < s(60)) {
            String line = r.failed(NO_SHIM, delay, now);
            if (line != null) {
                said.add(line);
            }
            now += TimeUnit.MILLISECONDS.toNanos(delay);
            delay = Math.min(5_000, delay * 2);
        }
        assertThat(said).hasSizeBetween(5, 6);
        assertThat(said.get(0)).startsWith("still cannot connect to the shim at /tmp/baton/executor.sock after ")
                .contains(" attempts: " + NO_SHIM + "; retrying every 5 s");
        assertThat(r.failures()).isGreaterThan(said.size() + 5);
        int attempts = r.failures() + 1;
        assertThat(r.connected()).isEqualTo("connected to the shim at /tmp/baton/executor.sock after " + attempts
                + " attempts");
    }

    @Test
    void aChangedReasonIsSaidAtOnceAndAFirstAttemptThatWorksSaysNoCount() {
        assertThat(r.connected()).isEqualTo("connected to the shim at /tmp/baton/executor.sock");
        assertThat(r.failed(NO_SHIM, 100, s(100))).isNotNull();
        assertThat(r.failed(NO_SHIM, 200, s(100.1))).isNull();
        assertThat(r.failed("stale", 400, s(100.3))).isEqualTo("still cannot connect to the shim at "
                + "/tmp/baton/executor.sock after 3 attempts: stale; retrying every 400 ms");
        assertThat(r.connected()).endsWith(" after 4 attempts");
        assertThat(r.failed(NO_SHIM, 100, s(101))).as("a lost connection starts the count again")
                .startsWith("cannot connect to the shim");
    }
}
