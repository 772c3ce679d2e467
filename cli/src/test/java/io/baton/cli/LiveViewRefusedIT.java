package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor the shim keeps refusing, in a real browser and in the metrics: the live view lists it under the
 * executors with the shim's reason, and {@code baton_refused_subscriptions} counts it. Skipped, saying why, where
 * {@code /usr/bin/chromium} is missing.
 */
class LiveViewRefusedIT {
    @TempDir
    Path dir;
    CliNode node;
    HeadlessChromium browser;
    int port;

    @BeforeEach
    void start() throws Exception {
        if (!Files.isExecutable(HeadlessChromium.BINARY)) {
            String why = HeadlessChromium.BINARY + " is missing: install Debian's chromium package (.ci/run does)";
            System.out.println("LiveViewRefusedIT skipped: " + why);
            Assumptions.abort(why);
        }
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        node = new CliNode(dir, port, "cpus:0.05;mem:16"); // smaller than an executor's default overhead
        browser = HeadlessChromium.start(1400, 1100);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private String metrics() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aRefusedExecutorIsListedWithTheReasonAndCounted() throws Exception {
        assertThat(metrics()).contains("\nbaton_refused_subscriptions 0\n");
        node.startWorker("w1", dir.resolve("w1"));
        browser.navigate("http://127.0.0.1:" + port + "/");
        String row = "#executors tr[data-refused=\"w1\"]";
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(browser.eval("(document.querySelector('" + row + "') || {}).innerText || ''"))
                        .contains("w1", "OVER_TOTAL", "executor w1 reports holding cpus:0.1;mem:32"));
        assertThat(browser.eval("document.querySelector('#executors').innerText"))
                .contains("no executor has subscribed", "Subscriptions refused (each executor keeps trying)");
        assertThat(metrics()).contains("\nbaton_refused_subscriptions 1\n");
    }
}
