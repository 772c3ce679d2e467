package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import io.baton.proto.NodeState;
import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The framework commands against a real shim with a worker executor, run as a user runs them. */
class FrameworkCommandsIT {
    @TempDir
    Path dir;
    CliNode node;

    @BeforeEach
    void start() throws Exception {
        node = new CliNode(dir);
        node.worker("workers", dir.resolve("workers"));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private void launch(String task) {
        CliNode.Run r = node.baton("launch", "--executor", "workers", "--task", task, "--resources", "cpus:0.5;mem:64",
                "--spec", "v1", "--param", "period_ms=5");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(task);
        await().atMost(Duration.ofSeconds(10)).until(() -> WorkerExecutor.count(task) > 0);
    }

    @Test
    void statusShowsTotalsExecutorsAndTasksAsATableAndAsJson() throws Exception {
        launch("s1");

        CliNode.Run table = node.baton("status");
        assertThat(table.exit()).as(table.err()).isZero();
        assertThat(table.out()).contains("total      cpus:4;mem:4096").contains("free").contains("allocated")
                .contains("reserved").contains("offered")
                .containsPattern("workers\\s+yes\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\s+\\d+\\s+cpus:0.6;mem:96")
                .containsPattern("s1\\s+workers\\s+TASK_RUNNING\\s+cpus:0.5;mem:64\\s");

        CliNode.Run json = node.baton("status", "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        NodeState.Builder parsed = NodeState.newBuilder();
        JsonFormat.parser().merge(json.out(), parsed);
        assertThat(parsed.getExecutors(0).getExecutorId().getValue()).isEqualTo("workers");
        assertThat(parsed.getExecutors(0).getTasks(0).getTaskId().getValue()).isEqualTo("s1");
        assertThat(json.out()).as("a held task's resources: a list of task id and resources")
                .containsPattern("\"taskResources\": \\[\\{\\s+\"taskId\": \"s1\",\\s+\"resources\": \\{");
        assertThat(parsed.getExecutors(0).getTaskResourcesList()).singleElement().satisfies(h -> {
            assertThat(h.getTaskId()).isEqualTo("s1");
            assertThat(Resources.fromProto(h.getResources().getResourcesList()))
                    .isEqualTo(Resources.parse("cpus:0.5;mem:64"));
        });
    }

    /** Issue 11: a refused launch held the offer it asked for on its own for 30 s; the next launch found it taken. */
    @Test
    void aRefusedLaunchGivesBackTheOfferItAskedForAndDeclineGivesBackOnesYouAskedFor() throws Exception {
        launch("x1");
        CliNode.Run refused = node.baton("launch", "--executor", "workers", "--task", "x1", "--resources", "cpus:0.5;mem:64");
        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
        assertThat(refused.err()).contains("DUPLICATE_TASK");
        assertThat(offersHeld()).as("the offer launch asked for was declined").isZero();

        CliNode.Run o = node.baton("offers", "--resources", "cpus:1;mem:128");
        String id = o.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(offersHeld()).isEqualTo(1);
        CliNode.Run d = node.baton("decline", id);
        assertThat(d.exit()).as(d.err()).isZero();
        assertThat(d.out().strip()).isEqualTo("declined " + id);
        assertThat(offersHeld()).isZero();
    }

    private int offersHeld() throws Exception {
        CliNode.Run json = node.baton("status", "--json");
        assertThat(json.exit()).as(json.err()).isZero();
        NodeState.Builder parsed = NodeState.newBuilder();
        JsonFormat.parser().merge(json.out(), parsed);
        return parsed.getOffersCount();
    }

    @Test
    void offersPrintsIdsResourcesAndExpiry() {
        CliNode.Run r = node.baton("offers", "--resources", "cpus:1;mem:128");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("OFFER").contains("EXPIRES").containsPattern("\\S+-\\d+\\s+cpus:1;mem:128\\s+\\d{4}-");
    }

    @Test
    void replaceWaitPrintsPhasesLiveAndExitsByOutcomeAndTheJournalShowsTheTimeline() {
        launch("w1");

        CliNode.Run ok = node.baton("replace", "w1", "--task", "w2", "--resources", "cpus:1;mem:64", "--offers-for",
                "cpus:0.5", "--spec", "v2", "--id", "r-ok", "--wait");
        assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).startsWith("r-ok\n").containsPattern("\\+\\d+\\.\\d{3}s  DRAINING")
                .containsPattern("\\+\\d+\\.\\d{3}s  LAUNCHING")
                .containsPattern("outcome COMMITTED \\(drain \\d+\\.\\d{3}s, handoff .*total \\d+\\.\\d{3}s\\)");
        assertThat(ok.out().indexOf("DRAINING")).isLessThan(ok.out().indexOf("LAUNCHING"));

        CliNode.Run back = node.baton("replace", "w2", "--task", "w3", "--resources", "cpus:1;mem:64", "--spec", "fail",
                "--id", "r-back", "--durability", "process", "--wait");
        assertThat(back.exit()).as(back.out() + back.err()).isEqualTo(1);
        assertThat(back.out()).contains("LAUNCHING").contains("outcome ROLLED_BACK").contains("fails at start");
        // issue 11: the same command again is a retry of an ended replacement: its recorded outcome, at once
        long t0 = System.nanoTime();
        CliNode.Run again = node.baton("replace", "w2", "--task", "w3", "--resources", "cpus:1;mem:64", "--spec", "fail",
                "--id", "r-back", "--durability", "process", "--wait", "--wait-timeout", "20s");
        assertThat(again.exit()).as(again.out() + again.err()).isEqualTo(1);
        assertThat(again.out()).contains("outcome ROLLED_BACK").contains("fails at start");
        assertThat((System.nanoTime() - t0) / 1_000_000).as("not the whole wait timeout").isLessThan(15_000);
        CliNode.Run other = node.baton("replace", "w2", "--task", "w4", "--resources", "cpus:1;mem:64", "--id", "r-back");
        assertThat(other.exit()).as(other.out() + other.err()).isEqualTo(1);
        assertThat(other.err()).contains("CONFLICT").contains("w2 -> w3").contains("w2 -> w4");

        node.stopExecutors();
        CliNode.Run journal = CliNode.run("journal", dir.resolve("workers/journal").toString());
        assertThat(journal.exit()).as(journal.err()).isZero();
        assertThat(journal.out()).contains("replacement r-ok: w1 -> w2, STOP_THEN_START, SYNC, requested ")
                .containsPattern("\\+\\d+\\.\\d{3}s  RESERVE_ACCEPTED pool cpus:1;mem:64")
                .containsPattern("\\+\\d+\\.\\d{3}s  status w1 TASK_KILLED")
                .containsPattern("outcome COMMITTED \\(drain \\d+\\.\\d{3}s, handoff \\d+\\.\\d{3}s, launch")
                .contains("replacement r-back: w2 -> w3, STOP_THEN_START, PROCESS, requested ")
                .contains("outcome ROLLED_BACK");
        assertThat(journal.out().indexOf("r-ok")).isLessThan(journal.out().indexOf("r-back"));
    }

    @Test
    void anInvalidReplaceIsOneLineWithTheShimsNumbersAndExitCodeOne() {
        launch("b1");

        CliNode.Run r = node.baton("replace", "b1", "--task", "b2", "--resources", "cpus:9;mem:64");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("baton replace: replacement ")
                .contains("INSUFFICIENT_RESOURCES").contains("needs cpus:9;mem:64").contains("missing cpus:8")
                .contains(" — ask for offers");
    }

    @Test
    void aWrongTokenIsOneLineWithExitCodeTwo() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.token"), "not-the-token");

        CliNode.Run r = node.baton("status", "--token-file", bad.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("baton status: the shim at unix:")
                .contains("UNAUTHENTICATED").contains("--token-file");
    }

    @Test
    void noShimIsOneLineWithExitCodeTwo() {
        CliNode.Run r = CliNode.run("offers", "--work-dir", dir.resolve("nowhere").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").startsWith("baton offers: cannot reach the shim")
                .contains("baton shim");
    }

    @Test
    void watchPrintsUpdatesAndProgressAsTheyArriveAndKillEndsATask() throws Exception {
        launch("k1");
        CliNode.Background text = node.start("watch", "--for", "8s");
        CliNode.Background json = node.start("watch", "--json", "--for", "8s");
        // the watchers are live once both saw a probe task's update
        AtomicInteger probes = new AtomicInteger();
        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(300)).until(() -> {
            node.baton("launch", "--executor", "workers", "--task", "p" + probes.incrementAndGet(), "--resources",
                    "cpus:0.1;mem:8");
            return text.out().contains("TASK_RUNNING") && json.out().contains("TASK_RUNNING");
        });

        CliNode.Run replaced = node.baton("replace", "k1", "--task", "k2", "--resources", "cpus:0.5;mem:64", "--wait");
        assertThat(replaced.exit()).as(replaced.err()).isZero();
        CliNode.Run kill = node.baton("kill", "k2", "--grace", "1s");
        assertThat(kill.exit()).as(kill.err()).isZero();
        assertThat(kill.out().strip()).isEqualTo("k2");

        CliNode.Run w = text.await();
        assertThat(w.exit()).as(w.err()).isZero();
        assertThat(w.out()).containsPattern("progress r-\\S+ k1 -> k2 DRAINING -> HANDING_OFF on workers")
                .containsPattern("update  k2 TASK_RUNNING on workers \\[r-\\S+\\] outcome COMMITTED")
                .containsPattern("update  k2 TASK_KILLED on workers");
        CliNode.Run j = json.await();
        assertThat(j.exit()).as(j.err()).isZero();
        assertThat(j.out().lines()).allMatch(l -> l.startsWith("{\"update\":{") || l.startsWith("{\"progress\":{"));
        assertThat(j.out()).contains("\"state\":\"TASK_KILLED\"").contains("\"phase\":\"LAUNCHING\"");
    }

    /** Issue 11 item 1: a launch typed right after starting an executor in the background waited for nothing. */
    @Test
    void launchWaitsForAnExecutorThatHasNotSubscribedYetAndSaysSo() throws Exception {
        CliNode.Run none = node.baton("launch", "--executor", "nobody", "--task", "n1", "--resources", "cpus:0.1;mem:8",
                "--wait-for-executor", "1s");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("executor nobody has not subscribed to the shim yet; waiting up to 1.0s");
        assertThat(none.err().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("baton launch: executor nobody did not subscribe in time — the shim knows only workers");

        CliNode.Background early = node.start("launch", "--executor", "late", "--task", "l1", "--resources",
                "cpus:0.1;mem:8");
        await().atMost(Duration.ofSeconds(10)).until(() -> early.errBuffer().toString().contains("waiting up to"));
        node.worker("late", dir.resolve("late"));
        CliNode.Run launched = early.await();
        assertThat(launched.exit()).as(launched.err()).isZero();
        assertThat(launched.out().strip()).isEqualTo("l1");
        assertThat(launched.err()).contains("executor late has subscribed");
    }

    /** Issue 11: a readiness try had a hidden 1 s limit, so a check taking 1.5 s never passed. */
    @Test
    void aReadinessCheckMayTakeAsLongAsReadinessTimeoutPerTry() {
        launch("q1");
        CliNode.Run slow = node.baton("replace", "q1", "--task", "q2", "--resources", "cpus:0.5;mem:64",
                "--readiness-command", "sleep 1.5", "--readiness-timeout", "5s", "--start-timeout", "30s", "--wait");
        assertThat(slow.exit()).as(slow.out() + slow.err()).isZero();
        assertThat(slow.out()).contains("outcome COMMITTED");

        CliNode.Run zero = node.baton("replace", "q2", "--task", "q3", "--resources", "cpus:0.5;mem:64",
                "--readiness-command", "true", "--readiness-timeout", "0s");
        assertThat(zero.exit()).isEqualTo(2);
        assertThat(zero.err()).contains("invalid --readiness-timeout '0s'");
    }
}
