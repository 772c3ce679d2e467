package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskState;
import io.baton.sdk.client.BatonClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP sample ({@code HttpServiceExecutor}) in a YARN container on the local cluster, its port booked in the
 * AM's ledger, under a steady {@code PacedLoad}: START_THEN_STOP v1 → v2, augmented with an offer for v2, grows
 * the container by a YARN increase before v1 stops and loses no request; then STOP_THEN_START v2 → v3 for
 * contrast (its failed requests are logged, not asserted). After each, the RM's view equals Baton's ledger.
 */
@Tag("integration")
class HttpOnYarnIT {
    private static final Logger LOG = LoggerFactory.getLogger(HttpOnYarnIT.class);
    /** The executor's container at start: its overhead (plus the service's port, which YARN does not see). */
    private static final YarnSize EXECUTOR = new YarnSize(512, 1);
    /** Overhead 1 / 512 + one version 0.5 / 64. */
    private static final YarnSize ONE_VERSION = new YarnSize(576, 2);
    /** Overhead + the START_THEN_STOP pool: the old version and the offer for the new one. */
    private static final YarnSize BOTH_VERSIONS = new YarnSize(640, 2);

    @TempDir
    Path tmp;

    @Test
    void startThenStopUnderLoadLosesNoRequestAndTheContainerGrowsFirst() throws Exception {
        try (LocalYarn yarn = LocalYarn.start("http-it"); YarnClient client = yarn.newClient();
                LocalAm local = LocalAm.start(yarn, client, tmp, "http-on-yarn")) {
            int port = HttpOnYarn.ledgerPort();
            Container c = local.startExecutor(HttpOnYarn.executor("web", EXECUTOR, port));
            AtomicReference<YarnSize> sizeWhenV1Stopping = new AtomicReference<>();
            try (BatonClient fw = local.framework(u -> {
                if (u.getTaskId().getValue().equals("s1") && u.getState() == TaskState.TASK_KILLING) {
                    sizeWhenV1Stopping.compareAndSet(null, local.am.containerSize(c.getId()));
                }
            })) {
                LocalAm.launch(fw, "web", HttpOnYarn.version("s1", "v1", port));
                await().atMost(Duration.ofSeconds(30)).until(() -> HttpOnYarn.answer(port).equals("v1"));
                local.assertRmEqualsLedger(client, c, ONE_VERSION);

                HttpOnYarn.Run startThenStop = HttpOnYarn.measure("START_THEN_STOP", port, 60_000,
                        phase -> HttpOnYarn.steady(port, phase.equals("before") ? "v1" : "v2"),
                        () -> HttpOnYarn.replace(fw, ReplaceStrategy.START_THEN_STOP, "s1", "s2", "v2", port));
                LOG.info("on YARN, {}", startThenStop);

                assertThat(startThenStop.outcome()).isEqualTo(ReplacementOutcome.COMMITTED.name());
                assertThat(startThenStop.failed()).as("failed requests; first errors %s", startThenStop.errors())
                        .isZero();
                assertThat(startThenStop.samples()).hasSizeGreaterThan(100);
                assertThat(startThenStop.versions()).containsExactly("v1", "v2");
                assertThat(startThenStop.lastVersion()).isEqualTo("v2");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sizeWhenV1Stopping.get())
                        .as("the container when v1's stop began").isEqualTo(BOTH_VERSIONS));
                local.assertRmEqualsLedger(client, c, ONE_VERSION); // the offer's half went back at commit

                HttpOnYarn.Run stopThenStart = HttpOnYarn.measure("STOP_THEN_START", port, 60_000,
                        phase -> HttpOnYarn.steady(port, phase.equals("before") ? "v2" : "v3"),
                        () -> HttpOnYarn.replace(fw, ReplaceStrategy.STOP_THEN_START, "s2", "s3", "v3", port));
                LOG.info("on YARN, {} (for contrast: not asserted to be zero)", stopThenStart);

                assertThat(stopThenStart.outcome()).isEqualTo(ReplacementOutcome.COMMITTED.name());
                assertThat(stopThenStart.lastVersion()).isEqualTo("v3");
                local.assertRmEqualsLedger(client, c, ONE_VERSION); // T_new = T_old: no grant, no change
            }
        }
    }
}
