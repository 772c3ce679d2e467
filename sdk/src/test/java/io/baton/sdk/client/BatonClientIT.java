package io.baton.sdk.client;

import static io.baton.sdk.client.ShimFixture.TOKEN;
import static io.baton.sdk.client.ShimFixture.status;
import static io.baton.sdk.client.ShimFixture.task;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorEvent;
import io.baton.proto.RejectCode;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against an in-process shim over its real Unix socket, with a hand-written executor. */
class BatonClientIT {
    @TempDir
    Path dir;
    ShimFixture shim;
    BatonClient client;
    final List<TaskStatus> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        shim = new ShimFixture(ShimFixture.config(dir));
        client = shim.client();
        client.onUpdate(seen::add);
    }

    @AfterEach
    void stop() {
        client.close();
        shim.close();
    }

    @Test
    void connectsWithTheTokenFileOfTheWorkDirAndIsRefusedWithAWrongToken() throws Exception {
        Files.writeString(shim.config.tokenFile(), TOKEN + "\n");
        try (BatonClient fromFile = BatonClient.connect(ClientOptions.workDir(dir).build())) {
            assertThat(fromFile.node()).isEqualTo("localhost");
            assertThat(fromFile.nodeTotal()).isEqualTo(Resources.parse("cpus:4;mem:4096"));
        }

        assertThatThrownBy(() -> BatonClient.connect(shim.options().token("not-the-token").build()))
                .isInstanceOfSatisfying(ShimRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(RejectCode.UNAUTHENTICATED);
                    assertThat(e.shimMessage()).contains("wrong framework token");
                    assertThat(e.getMessage()).contains("SUBSCRIBE", "framework.sock", "wrong framework token");
                });
    }

    @Test
    void noShimAtTheSocketIsAClearFailure() {
        Path nowhere = dir.resolve("nowhere.sock");
        assertThatThrownBy(() -> BatonClient.connect(ClientOptions.unix(nowhere).token(TOKEN).build()))
                .isInstanceOfSatisfying(ShimUnavailableException.class,
                        e -> assertThat(e.endpoint()).isEqualTo("unix:" + nowhere))
                .hasMessageContaining("cannot connect to the shim at unix:" + nowhere);
    }

    @Test
    void offersDeclineAndLaunchReachTheExecutor() throws Exception {
        var declined = client.offers(Resources.parse("cpus:1")).get(5, SECONDS);
        client.decline(BatonClient.offerIds(declined)).get(5, SECONDS);
        assertThat(client.state().get(5, SECONDS).getOffersList()).isEmpty();

        var offers = client.offers(Resources.parse("cpus:1;mem:256")).get(5, SECONDS);
        assertThat(offers).hasSize(1);
        var forwarded = client.launch("e1", task("a", "cpus:1;mem:256"), BatonClient.offerIds(offers)).get(5, SECONDS);

        assertThat(forwarded.getExecutorId().getValue()).isEqualTo("e1");
        assertThat(forwarded.getQueued()).isFalse();
        ExecutorEvent launch = shim.awaitEvent(ExecutorEvent::hasLaunch);
        assertThat(launch.getLaunch().getTask().getTaskId().getValue()).isEqualTo("a");
    }

    @Test
    void aRejectedCallFailsWithTheShimsCodeAndMessage() {
        assertThatThrownBy(() -> client.launch("e1", task("a", "cpus:1"), List.of("no-such-offer")).get(5, SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ShimRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(RejectCode.UNKNOWN_OFFER);
                    assertThat(e.call()).isEqualTo("LAUNCH a on e1");
                    assertThat(e.shimMessage()).contains("no-such-offer");
                });
    }

    @Test
    void updatesAreDeliveredThenAcknowledged() throws Exception {
        shim.running(client, "a", "cpus:1;mem:256");

        ExecutorEvent ack = shim.awaitEvent(ExecutorEvent::hasAcknowledged);

        assertThat(ack.getAcknowledged().getTaskId().getValue()).isEqualTo("a");
        assertThat(ack.getAcknowledged().getMoreCount()).as("a lone update is acknowledged on its own").isZero();
        // acknowledged only after the listeners ran: the listener has it by now
        assertThat(seen).anySatisfy(s -> assertThat(s.getUuid()).isEqualTo(ack.getAcknowledged().getUuid()));
        TaskStatus queued = client.updates().poll(5, SECONDS);
        assertThat(queued.getTaskId().getValue()).isEqualTo("a");
        assertThat(queued.getState()).isEqualTo(TaskState.TASK_RUNNING);
    }

    @Test
    void closeDeliversWhatArrivedAndWaitsForItsAcknowledgements() throws Exception {
        shim.running(client, "a", "cpus:1;mem:256");
        shim.awaitEvent(ExecutorEvent::hasAcknowledged); // a's RUNNING
        java.util.concurrent.CountDownLatch inListener = new java.util.concurrent.CountDownLatch(1);
        client.onUpdate(s -> {
            if (s.getMessage().equals("slow")) {
                inListener.countDown();
                try {
                    Thread.sleep(300); // a listener still busy when close() is called
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        TaskStatus slow = status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("slow").build();
        TaskStatus last = status("a", TaskState.TASK_FINISHED).toBuilder().setMessage("last").build();
        shim.send(slow);
        shim.send(last);
        assertThat(inListener.await(5, SECONDS)).isTrue();
        // the shim relayed "last" before it answers this, on the same connection: by the answer it has arrived
        client.state().get(5, SECONDS);

        client.close();

        assertThat(seen).extracting(TaskStatus::getMessage).contains("slow", "last");
        shim.awaitEvent(e -> ShimFixture.acknowledges(e, last.getUuid()) > 0);
    }

    final java.util.concurrent.CountDownLatch inListener = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

    /** Blocks the delivery thread in the listener of the update with {@code message} until {@link #release}. */
    private boolean holdOn(TaskStatus s, String message) {
        if (!s.getMessage().equals(message)) {
            return false;
        }
        inListener.countDown();
        try {
            release.await(10, SECONDS); // the delivery thread is busy while the rest of the burst arrives
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    @Test
    void updatesDeliveredTogetherAreAcknowledgedInOneCallOnceTheirListenersRan() throws Exception {
        shim.running(client, "a", "cpus:1;mem:256");
        shim.awaitEvent(ExecutorEvent::hasAcknowledged); // a's RUNNING
        client.onUpdate(s -> holdOn(s, "burst-0"));
        java.util.Map<String, Long> deliveredAt = new java.util.concurrent.ConcurrentHashMap<>();
        client.onUpdate(s -> deliveredAt.put(s.getMessage(), System.nanoTime())); // after burst-0's hold
        List<TaskStatus> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("burst-" + i).build());
        }
        shim.send(burst.get(0));
        assertThat(inListener.await(5, SECONDS)).isTrue();
        for (TaskStatus s : burst.subList(1, 10)) {
            shim.send(s);
        }
        // the shim relayed all ten before it answers this, on the same connection: their deliveries are queued
        client.state().get(5, SECONDS);
        release.countDown();

        ExecutorEvent ack = shim.awaitEvent(e -> ShimFixture.acknowledges(e, burst.get(0).getUuid()) > 0);
        long firstAckSeen = System.nanoTime();
        assertThat(ack.getAcknowledged().getUuid()).isEqualTo(burst.get(0).getUuid());
        List<com.google.protobuf.ByteString> acknowledged = new java.util.ArrayList<>(List.of(ack.getAcknowledged()
                .getUuid()));
        ack.getAcknowledged().getMoreList().forEach(m -> acknowledged.add(m.getUuid()));
        int calls = 1;
        while (acknowledged.size() < burst.size()) { // split only where the delivery thread was held up (below)
            ExecutorEvent next = shim.awaitEvent(e -> ShimFixture.acknowledges(e, burst.get(acknowledged.size())
                    .getUuid()) > 0);
            acknowledged.add(next.getAcknowledged().getUuid());
            next.getAcknowledged().getMoreList().forEach(m -> acknowledged.add(m.getUuid()));
            calls++;
        }

        assertThat(acknowledged).as("each acknowledged once, in order")
                .containsExactlyElementsOf(burst.stream().map(TaskStatus::getUuid).toList());
        assertThat(ack.getAcknowledged().getMoreCount()).as("burst-0 waited for the deliveries queued behind it")
                .isPositive();
        // an acknowledgement waits at most UpdateStream.MOST_WAIT_MS (50 ms) for its burst: a pause of the delivery
        // thread (a garbage collection, a busy machine) can split it. A split sends the first call more than that
        // after burst-0's listener returned; a first call seen sooner leaves no room for one
        long spanMs = (firstAckSeen - deliveredAt.get("burst-0")) / 1_000_000;
        if (spanMs < UpdateStream.MOST_WAIT_MS) {
            assertThat(calls).as("the first acknowledgement arrived %d ms after burst-0's delivery: one call", spanMs)
                    .isEqualTo(1);
        } else {
            System.out.printf("BatonClientIT: the first acknowledgement arrived %d ms after burst-0's delivery (the "
                    + "delivery thread was held up): %d acknowledgement calls%n", spanMs, calls);
        }
        assertThat(seen).extracting(TaskStatus::getMessage).as("each delivered once, in order")
                .containsSubsequence(burst.stream().map(TaskStatus::getMessage).toList());
    }

    @Test
    void aListenerThatClosesTheClientStillHasTheUpdatesDeliveredBeforeAcknowledged() throws Exception {
        shim.running(client, "a", "cpus:1;mem:256");
        shim.awaitEvent(ExecutorEvent::hasAcknowledged); // a's RUNNING
        client.onUpdate(s -> {
            if (!holdOn(s, "first") && s.getMessage().equals("closer")) {
                client.close(); // on the delivery thread, in the middle of a burst
            }
        });
        TaskStatus first = status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("first").build();
        TaskStatus second = status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("second").build();
        TaskStatus closer = status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("closer").build();
        shim.send(first);
        assertThat(inListener.await(5, SECONDS)).isTrue();
        shim.send(second);
        shim.send(closer);
        client.state().get(5, SECONDS); // all three relayed before this answer: their deliveries are queued
        release.countDown();

        ExecutorEvent ack = shim.awaitEvent(e -> ShimFixture.acknowledges(e, first.getUuid()) > 0);

        assertThat(ack.getAcknowledged().getMoreList()).extracting(io.baton.proto.UpdateRef::getUuid)
                .as("the closer's own listener had not returned: not acknowledged").containsExactly(second.getUuid());
    }

    @Test
    void acknowledgingSeveralByHandNamesThoseTheShimDidNotTakeAndRefusesBadInputUnsent() throws Exception {
        shim.running(client, "a", "cpus:1;mem:256");
        TaskStatus running = client.updates().poll(5, SECONDS);
        TaskStatus unknown = status("ghost", TaskState.TASK_RUNNING);

        assertThatThrownBy(() -> client.acknowledge(List.of(running, unknown)).get(5, SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ShimRejectedException.class, e -> {
                    assertThat(e.code()).isEqualTo(RejectCode.UNKNOWN_TASK);
                    assertThat(e.call()).isEqualTo("ACKNOWLEDGE of 2 updates");
                    assertThat(e.shimMessage()).isEqualTo("1 of 2 acknowledgements not taken (1 taken): task ghost is "
                            + "not known");
                });
        assertThatThrownBy(() -> client.acknowledge(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no updates to acknowledge");
        assertThatThrownBy(() -> client.acknowledge(List.of(running, TaskStatus.newBuilder().setTaskId(
                running.getTaskId()).setState(TaskState.TASK_RUNNING).build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the update of task a (TASK_RUNNING) has no uuid: it needs no acknowledgement; nothing was "
                        + "sent");
    }

    @Test
    void aDuplicateUuidIsDroppedButAcknowledgedAgain() throws Exception {
        shim.running(client, "a", "cpus:1;mem:256");
        TaskStatus twice = status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("healthy").build();
        TaskStatus marker = status("a", TaskState.TASK_RUNNING).toBuilder().setMessage("marker").build();

        shim.send(twice);
        shim.send(twice);
        shim.send(marker);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> seen.stream().anyMatch(s -> s.getUuid().equals(marker.getUuid())));
        assertThat(seen).filteredOn(s -> s.getUuid().equals(twice.getUuid())).hasSize(1);
        // acknowledged again, unless the first acknowledgement had not gone out yet when the duplicate came (then that
        // call covers both: the client never names one update twice in a call)
        assertThat(ShimFixture.acknowledges(shim.awaitEvent(e -> ShimFixture.acknowledges(e, twice.getUuid()) > 0),
                twice.getUuid())).isEqualTo(1);
    }

    @Test
    void reconcileStateAndKill() throws Exception {
        shim.running(client, "a", "cpus:1;mem:256");
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(s -> s.getTaskId().getValue()
                .equals("a")));

        List<TaskStatus> statuses = client.reconcile("a", "ghost").get(5, SECONDS);
        assertThat(statuses).extracting(s -> s.getTaskId().getValue(), TaskStatus::getState)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", TaskState.TASK_RUNNING),
                        org.assertj.core.groups.Tuple.tuple("ghost", TaskState.TASK_UNKNOWN));

        var state = client.state().get(5, SECONDS);
        assertThat(Resources.fromProto(state.getTotalList())).isEqualTo(Resources.parse("cpus:4;mem:4096"));
        assertThat(state.getExecutorsList()).singleElement().satisfies(e -> {
            assertThat(e.getExecutorId().getValue()).isEqualTo("e1");
            assertThat(e.getTasksList()).extracting(t -> t.getTaskId().getValue()).containsExactly("a");
        });

        assertThat(client.kill("a", 1500).get(5, SECONDS).getExecutorId().getValue()).isEqualTo("e1");
        ExecutorEvent kill = shim.awaitEvent(ExecutorEvent::hasKill);
        assertThat(kill.getKill().getTaskId().getValue()).isEqualTo("a");
        assertThat(kill.getKill().getGracePeriodMs()).isEqualTo(1500);
    }

    @Test
    void closingTheClientFailsWhatWaits() throws Exception {
        shim.running(client, "a", "cpus:1;mem:256");
        ReplaceHandle h = client.replace(ReplaceSpec.of("a", task("b", "cpus:1;mem:256")));
        h.forwarded().get(5, SECONDS);

        client.close();

        assertThatThrownBy(() -> h.outcome().get(5, SECONDS)).cause()
                .isInstanceOf(ShimUnavailableException.class).hasMessageContaining("was closed");
        assertThat(client.closed()).isDone();
    }
}
