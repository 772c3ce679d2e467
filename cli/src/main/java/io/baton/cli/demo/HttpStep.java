package io.baton.cli.demo;

import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskInfo;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Step 6: the HTTP service replaced with START_THEN_STOP under steady load, counting failed requests. */
final class HttpStep {
    private final DemoWorld w;
    private final Narrator say;

    HttpStep(DemoWorld w, Narrator say) {
        this.w = w;
        this.say = say;
    }

    void run(Demo demo) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        say.header(6, "Zero-downtime replacement of an HTTP service under load");
        say.say("web-v1 answers on 127.0.0.1:" + port + "; a client sends requests back to back while web-v1 is "
                + "replaced by web-v2 with START_THEN_STOP (v2 starts and is ready before v1 drains).");
        TaskInfo v1 = DemoWorld.task("web-v1", "cpus:0.5;mem:64", "v1", Map.of("port", Integer.toString(port)))
                .toBuilder().setReadiness(Demo.http(port)).build();
        w.launch("web", v1);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong v2Seen = new AtomicLong();
        Thread load = new Thread(() -> {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (loading.get() && System.nanoTime() < deadline) {
                try {
                    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL()
                            .openConnection();
                    c.setConnectTimeout(2_000);
                    c.setReadTimeout(2_000);
                    if (c.getResponseCode() == 200) {
                        String body = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                        ok.incrementAndGet();
                        if (body.contains("v2")) {
                            v2Seen.incrementAndGet();
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        }, "demo-load");
        load.start();
        Thread.sleep(500);
        TaskInfo v2 = DemoWorld.task("web-v2", "cpus:0.5;mem:64", "v2", Map.of("port", Integer.toString(port)))
                .toBuilder().setReadiness(Demo.http(port)).build();
        String offer = w.offerNear("web-v1", "cpus:0.5;mem:64");
        ReplaceOutcome o = w.replace(ReplaceSpec.of("web-v1", v2, offer).withReplacementId("zero-downtime")
                .withPolicy(Demo.startThenStop()), 60);
        Thread.sleep(500);
        loading.set(false);
        load.join();
        say.say(DemoWorld.timings(o));
        say.say(ok.get() + " requests answered (" + v2Seen.get() + " by v2), " + failed.get() + " failed");
        demo.step(6, "http", "COMMITTED, 0 failed requests, v2 answering", o.outcome() + ", " + failed.get()
                + " failed of " + (ok.get() + failed.get()) + " requests", DemoWorld.is(o, ReplacementOutcome.COMMITTED)
                && failed.get() == 0 && v2Seen.get() > 0);
    }
}
