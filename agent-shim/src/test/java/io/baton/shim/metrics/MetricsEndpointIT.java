package io.baton.shim.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorID;
import io.baton.proto.FrameworkCall;
import io.baton.proto.Launch;
import io.baton.proto.RejectCode;
import io.baton.proto.Replace;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReplacementTimings;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.resources.Resources;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real shim with --metrics-port, driven over its sockets, scraped over loopback HTTP. */
class MetricsEndpointIT {
    static final String TOKEN = "metrics-token";

    @TempDir
    Path dir;
    ShimServer shim;
    TestExecutor e1;
    TestFramework fw;
    int port;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ShimConfig config = ShimConfig.defaults(dir, Resources.parse("cpus:4;mem:4096;ports:[31000-31099]"), "none")
                .withMetricsPort(port);
        shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        e1 = new TestExecutor(config.executorSocket(), "e1");
        assertThat(e1.subscribe("cpus:0.1;mem:32").hasSubscribed()).isTrue();
        fw = TestFramework.unix(config.frameworkSocket());
        assertThat(fw.subscribe(TOKEN, true).hasSubscribed()).isTrue();
    }

    @AfterEach
    void stop() {
        fw.close();
        e1.close();
        shim.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    private static ByteString randomUuid() {
        UUID u = UUID.randomUUID();
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    @Test
    void countsEachFinalUpdateOnceAndRejectedReplacesAndReportsTheLedger() throws Exception {
        var offers = fw.call(FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(Resources.parse("cpus:1;mem:512").toProto())));
        String offer = offers.getOffers().getOffers(0).getId().getValue();
        var launched = fw.call(FrameworkCall.newBuilder().setLaunch(Launch.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue("e1")).setTask(task("a", "cpus:1;mem:512"))
                .addOfferIds(io.baton.proto.OfferID.newBuilder().setValue(offer))));
        assertThat(launched.hasForwarded()).as("%s", launched).isTrue();
        e1.wire.await(m -> m.hasEvent() && m.getEvent().hasLaunch());
        assertThat(e1.update("a", TaskState.TASK_RUNNING).hasAccepted()).isTrue();

        // the replacement's final update, resent (same uuid) because it was not acknowledged in time
        TaskStatus last = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("a"))
                .setState(TaskState.TASK_RUNNING).setUuid(randomUuid()).setOutcome(ReplacementOutcome.COMMITTED)
                .setTimings(ReplacementTimings.newBuilder().setDrainUs(20_000).setHandoffUs(3_000)
                        .setLaunchUs(400_000).setReadyUs(1_500_000).setTotalUs(1_923_000)).build();
        for (int i = 0; i < 2; i++) {
            assertThat(e1.call(ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(last)))
                    .hasAccepted()).isTrue();
        }

        var rejected = fw.call(FrameworkCall.newBuilder().setReplace(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r-nope"))
                .setOldTaskId(TaskID.newBuilder().setValue("no-such-task")).setNewTask(task("b", "cpus:1"))));
        assertThat(rejected.getRejected().getCode()).isEqualTo(RejectCode.UNKNOWN_TASK);

        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.body().lines()).contains(
                "# TYPE baton_replacements_total counter",
                "baton_replacements_total{outcome=\"COMMITTED\"} 1",
                "baton_replacements_total{outcome=\"REJECTED\"} 1",
                "baton_replacements_total{outcome=\"ROLLED_BACK\"} 0",
                "# TYPE baton_replacement_phase_seconds histogram",
                "baton_replacement_phase_seconds_bucket{phase=\"ready\",le=\"1\"} 0",
                "baton_replacement_phase_seconds_bucket{phase=\"ready\",le=\"5\"} 1",
                "baton_replacement_phase_seconds_sum{phase=\"total\"} 1.923",
                "baton_replacement_phase_seconds_count{phase=\"total\"} 1",
                "baton_resources{kind=\"total\",resource=\"cpus\"} 4",
                "baton_resources{kind=\"total\",resource=\"mem\"} 4096",
                "baton_resources{kind=\"allocated\",resource=\"cpus\"} 1.1",
                "baton_resources{kind=\"allocated\",resource=\"mem\"} 544",
                "baton_resources{kind=\"offered\",resource=\"cpus\"} 0",
                "baton_resources{kind=\"free\",resource=\"cpus\"} 2.9",
                "baton_resources{kind=\"free\",resource=\"mem\"} 3552",
                "baton_executors{state=\"connected\"} 1",
                "baton_executors{state=\"disconnected\"} 0",
                "baton_tasks 1",
                "baton_offers 0",
                "baton_reservations 0");
        assertThat(r.body()).doesNotContain("resource=\"ports\"");
    }

    @Test
    void everythingButGetMetricsTheLiveViewAndItsStateIsNotFoundNamingWhatIsServed() throws Exception {
        String served = "not found: this server serves only GET / (the live view), GET /api/state (the node's state "
                + "as JSON) and GET /metrics (Prometheus)\n";
        for (String path : new String[] {"/metrics/extra", "/metricsx", "/state", "/api/state/x", "/api"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).isEqualTo(served);
        }
        for (String path : new String[] {"/metrics", "/", "/api/state"}) {
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as("POST %s: nothing here writes", path).isEqualTo(404);
        }
        assertThat(get("/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void theLiveViewIsOneSelfContainedPageAndItsStateIsTheStateSnapshotAsJson() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Baton live view</title>").contains("fetch(\"api/state\"")
                .doesNotContain("http://").doesNotContain("https://").doesNotContain("<link")
                .doesNotContain("src=");

        HttpResponse<String> r = get("/api/state");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        io.baton.proto.NodeState.Builder parsed = io.baton.proto.NodeState.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(r.body(), parsed);
        assertThat(parsed.build()).isEqualTo(shim.state());
        assertThat(parsed.getExecutors(0).getExecutorId().getValue()).isEqualTo("e1");
    }
}
