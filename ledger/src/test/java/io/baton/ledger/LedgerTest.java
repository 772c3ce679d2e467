package io.baton.ledger;

import static io.baton.ledger.LedgerFixture.rejection;
import static io.baton.ledger.LedgerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Keep;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerTest {
    LedgerFixture f;

    @BeforeEach
    void node() {
        f = new LedgerFixture("cpus:4;mem:4096;ports:[31000-31099]");
        assertThat(f.subscribe("e1", "cpus:0.1;mem:32", 1000).accepted()).isTrue();
    }

    private void running(String task, String resources) {
        String o = f.offer(resources);
        assertThat(f.launch("e1", task, resources, o).accepted()).isTrue();
    }

    @Test
    void launchGrowsTheAllocationAndReturnsUnusedOfferResourcesToFree() {
        String o = f.offer("cpus:2;mem:1024");
        Verdict<Resources> limits = f.launch("e1", "a", "cpus:1;mem:512", o);

        assertThat(limits.value()).isEqualTo(Resources.parse("cpus:1.1;mem:544"));
        assertThat(f.ledger.free()).isEqualTo(Resources.parse("cpus:2.9;mem:3552;ports:[31000-31099]"));
        assertThat(f.ledger.offers()).isEmpty();
        f.balanced();
    }

    @Test
    void launchNeedsOffersThatContainTheTask() {
        String o = f.offer("cpus:1;mem:128");
        assertThat(rejection(f.launch("e1", "a", "cpus:2;mem:128", o)))
                .isEqualTo("INSUFFICIENT_RESOURCES: task a needs cpus:2;mem:128 but offers [" + o
                        + "] hold cpus:1;mem:128 (missing cpus:1)");
        assertThat(f.ledger.offers()).hasSize(1);
        f.balanced();
    }

    @Test
    void anOfferIsUsedOnceAndExpires() {
        String o = f.offer("cpus:1;mem:128");
        assertThat(f.launch("e1", "a", "cpus:1;mem:128", o).accepted()).isTrue();
        assertThat(rejection(f.launch("e1", "b", "cpus:1;mem:128", o)))
                .startsWith("OFFER_USED: offer " + o + " can no longer be used: it was used by launch of task a");

        String p = f.offer("cpus:1;mem:128");
        f.now += 30_000_000L;
        assertThat(rejection(f.launch("e1", "b", "cpus:1;mem:128", p))).startsWith("OFFER_EXPIRED: offer " + p);
        assertThat(f.ledger.offered().isEmpty()).isTrue();
        String q = f.offer("cpus:1");
        assertThat(rejection(f.launch("e1", "b", "cpus:1", q, q))).startsWith("OFFER_USED: offer " + q + " is named twice");
        f.balanced();
    }

    @Test
    void offersAreCarvedFromFreeResourcesOnly() {
        f.offer("cpus:3");
        assertThat(rejection(f.ledger.requestOffer(Resources.parse("cpus:1;mem:10"), f.now)))
                .isEqualTo("INSUFFICIENT_RESOURCES: asked for cpus:1;mem:10 but only cpus:0.9;mem:4064;"
                        + "ports:[31000-31099] is free (missing cpus:0.1)");
        f.offer("");
        assertThat(rejection(f.ledger.requestOffer(Resources.parse("cpus:1"), f.now)))
                .isEqualTo("INSUFFICIENT_RESOURCES: asked for cpus:1 but nothing is free (missing cpus:1)");
        f.balanced();
    }

    @Test
    void duplicateTaskIdsAreRefused() {
        running("a", "cpus:1");
        String o = f.offer("cpus:1");
        assertThat(rejection(f.launch("e1", "a", "cpus:1", o))).isEqualTo(
                "DUPLICATE_TASK: task a already exists on executor e1; task ids must be unique");
    }

    @Test
    void terminalUpdateFreesAHeldTask() {
        running("a", "cpus:1;mem:512");
        Verdict<Ledger.StatusEffect> v = f.status("e1", "a", TaskState.TASK_FINISHED);
        assertThat(v.value().freed()).isTrue();
        assertThat(v.value().limits()).isEqualTo(Resources.parse("cpus:0.1;mem:32"));
        assertThat(f.status("e1", "a", TaskState.TASK_FINISHED).value().freed()).as("a resend frees nothing").isFalse();
        f.balanced();
    }

    @Test
    void partialReplacementKeepsTheOldResourcesUntilCommitThenReleasesTheLeftover() {
        running("a", "cpus:2;mem:1024");
        ReservationView r = f.replace("e1", "r1", "a", "b", "cpus:1;mem:256", false).value();
        assertThat(r.pool()).isEqualTo(Resources.parse("cpus:2;mem:1024"));
        assertThat(f.status("e1", "a", TaskState.TASK_KILLED).value().freed()).as("old task is in the pool").isFalse();
        assertThat(f.adjust("e1", "r1", "cpus:1;mem:256").value()).as("the container holds the whole pool until the end")
                .isEqualTo(Resources.parse("cpus:2.1;mem:1056"));
        assertThat(f.ledger.reservations().get(0).inUse()).isEqualTo(Resources.parse("cpus:1;mem:256"));
        assertThat(f.ledger.free()).as("still reserved").isEqualTo(Resources.parse("cpus:1.9;mem:3040;ports:[31000-31099]"));

        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).value()).isEqualTo(Resources.parse("cpus:1.1;mem:288"));
        assertThat(f.ledger.free()).isEqualTo(Resources.parse("cpus:2.9;mem:3808;ports:[31000-31099]"));
        assertThat(f.ledger.reservations()).isEmpty();
        f.balanced();
    }

    @Test
    void augmentedReplacementIsBackedByOffers() {
        running("a", "cpus:1;mem:512");
        String o = f.offer("cpus:1;mem:512");
        ReservationView r = f.replace("e1", "r1", "a", "b", "cpus:2;mem:1024", false, o).value();
        assertThat(r.pool()).isEqualTo(Resources.parse("cpus:2;mem:1024"));
        assertThat(f.ledger.offers()).isEmpty();
        f.adjust("e1", "r1", "cpus:2;mem:1024");
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).value()).isEqualTo(Resources.parse("cpus:2.1;mem:1056"));
        f.balanced();
    }

    @Test
    void reserveRejectionNamesWhatIsMissingWithNumbers() {
        running("a", "cpus:1;mem:128");
        String o = f.offer("cpus:1");
        assertThat(rejection(f.replace("e1", "r1", "a", "b", "cpus:3;mem:128", false, o))).isEqualTo(
                "INSUFFICIENT_RESOURCES: replacement r1 needs cpus:3;mem:128; old task a cpus:1;mem:128 + offers ["
                        + o + "] cpus:1 = cpus:2;mem:128; missing cpus:1");
        assertThat(f.ledger.offers()).as("nothing changed").hasSize(1);
        assertThat(f.ledger.reservations()).isEmpty();
        f.balanced();
    }

    @Test
    void concurrentStrategiesNeedOffersForTheWholeNewTask() {
        running("a", "cpus:1;mem:128");
        String o = f.offer("cpus:1");
        assertThat(rejection(f.replace("e1", "r1", "a", "b", "cpus:1;mem:128", true, o))).isEqualTo(
                "INSUFFICIENT_RESOURCES: replacement r1 runs old and new task at once, so the offers alone must hold "
                        + "the new task: needs cpus:1;mem:128; offers [" + o + "] cpus:1; missing mem:128");
    }

    @Test
    void reserveIsIdempotentByReplacementIdAndRefusesADifferentRequest() {
        running("a", "cpus:1");
        ReservationView first = f.replace("e1", "r1", "a", "b", "cpus:1", false).value();
        assertThat(f.reserve("e1", "r1", "a", "b", "cpus:1", false).value()).isEqualTo(first);
        assertThat(rejection(f.reserve("e1", "r1", "a", "c", "cpus:1", false)))
                .startsWith("CONFLICT: replacement r1 already reserved for a -> b");
        f.balanced();
    }

    @Test
    void oneReplacementPerTask() {
        running("a", "cpus:1");
        f.replace("e1", "r1", "a", "b", "cpus:1", false).value();
        assertThat(rejection(f.precheck("r2", "a", "c", "cpus:1", false)))
                .isEqualTo("ALREADY_REPLACING: task a is already in replacement r1; one replacement per task at a time");
    }

    @Test
    void offersMustBeHandedToTheReplacement() {
        running("a", "cpus:1");
        String o = f.offer("cpus:1");
        assertThat(rejection(f.reserve("e1", "r1", "a", "b", "cpus:2", false, o))).startsWith(
                "OFFER_FOREIGN: offer " + o + " was not handed to executor e1 for replacement r1");
        f.precheck("r1", "a", "b", "cpus:2", false, o).value();
        assertThat(rejection(f.launch("e1", "x", "cpus:1", o)))
                .isEqualTo("OFFER_FOREIGN: offer " + o + " is set aside for replacement r1 on executor e1");
    }

    @Test
    void rollbackKeepsTheOldTaskAndFreesTheOffers() {
        running("a", "cpus:1;mem:128");
        String o = f.offer("cpus:1;mem:128");
        f.replace("e1", "r1", "a", "b", "cpus:2;mem:256", false, o).value();
        f.adjust("e1", "r1", "cpus:2;mem:256");
        f.adjust("e1", "r1", "cpus:1;mem:128");
        assertThat(f.end("e1", "r1", Keep.KEEP_OLD).value()).isEqualTo(Resources.parse("cpus:1.1;mem:160"));
        assertThat(f.ledger.executor("e1").taskIds()).containsExactly("a");
        assertThat(f.ledger.ownerOf("b")).as("new task retired, still owned for its updates").isEqualTo("e1");
        f.balanced();
    }

    @Test
    void immediateLeftoverReleaseMakesRollbackOfABiggerOldTaskImpossible() {
        running("a", "cpus:2;mem:1024");
        f.replace("e1", "r1", "a", "b", "cpus:1;mem:256", false).value();
        f.adjust("e1", "r1", "cpus:1;mem:256");
        assertThat(rejection(f.giveBack("e1", "r1", "cpus:1.5"))).startsWith(
                "INSUFFICIENT_RESOURCES: replacement r1 cannot give back cpus:1.5: the pool would keep cpus:0.5;mem:1024");
        assertThat(f.giveBack("e1", "r1", "cpus:1;mem:768").accepted()).isTrue();
        assertThat(rejection(f.end("e1", "r1", Keep.KEEP_OLD))).startsWith(
                "INSUFFICIENT_RESOURCES: replacement r1 cannot keep old task a: its pool cpus:1;mem:256 no longer holds");
        assertThat(f.end("e1", "r1", Keep.KEEP_NONE).accepted()).isTrue();
        assertThat(f.ledger.allocated()).isEqualTo(Resources.parse("cpus:0.1;mem:32"));
        f.balanced();
    }

    @Test
    void releaseIsIdempotentAndCannotEndTwiceDifferently() {
        running("a", "cpus:1");
        f.replace("e1", "r1", "a", "b", "cpus:1", false).value();
        f.end("e1", "r1", Keep.KEEP_NEW).value();
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).accepted()).isTrue();
        assertThat(rejection(f.end("e1", "r1", Keep.KEEP_OLD)))
                .isEqualTo("CONFLICT: replacement r1 already ended with KEEP_NEW; it cannot be ended again with KEEP_OLD");
        f.balanced();
    }

    @Test
    void aRetryOfACommittedReplacementGoesToItsExecutorThoughTheOldTaskIsGone() {
        // regression (CrashMatrixIT): the retry was refused UNKNOWN_TASK, which reports the running new task LOST
        running("a", "cpus:1");
        f.replace("e1", "r1", "a", "b", "cpus:1", false).value();
        f.end("e1", "r1", Keep.KEEP_NEW).value();
        com.google.protobuf.ByteString uuid = com.google.protobuf.ByteString.copyFrom(new byte[16]);
        f.ledger.recordStatus("e1", io.baton.proto.TaskStatus.newBuilder().setTaskId(io.baton.proto.TaskID.newBuilder()
                .setValue("a")).setState(io.baton.proto.TaskState.TASK_KILLED).setUuid(uuid).build()).value();
        f.ledger.acknowledge("a", uuid).value();
        assertThat(f.ledger.ownerOf("a")).as("the replaced task is gone").isNull();
        assertThat(f.precheck("r1", "a", "b", "cpus:1", false).value()).isEqualTo("e1");
        f.balanced();
    }

    @Test
    void adjustStaysInsideThePool() {
        running("a", "cpus:1");
        f.replace("e1", "r1", "a", "b", "cpus:1", false).value();
        assertThat(rejection(f.adjust("e1", "r1", "cpus:2"))).isEqualTo(
                "INSUFFICIENT_RESOURCES: replacement r1 cannot put cpus:2 in the container: its pool holds cpus:1 (missing cpus:1)");
    }

    @Test
    void anExecutorCannotTouchAnotherExecutorsTasksOrReservations() {
        running("a", "cpus:1");
        f.subscribe("e2", "cpus:0.1;mem:32", 1001).value();
        assertThat(rejection(f.reserve("e2", "r1", "a", "b", "cpus:1", false)))
                .isEqualTo("NOT_OWNER: old task a belongs to executor e1, not to e2");
        assertThat(rejection(f.status("e2", "a", TaskState.TASK_KILLED)))
                .isEqualTo("NOT_OWNER: task a belongs to executor e1, not to e2");
        f.replace("e1", "r1", "a", "b", "cpus:1", false).value();
        assertThat(rejection(f.adjust("e2", "r1", "cpus:1")))
                .isEqualTo("NOT_OWNER: reservation r1 belongs to executor e1, not to e2");
        assertThat(rejection(f.end("e2", "r1", Keep.KEEP_NONE)))
                .isEqualTo("NOT_OWNER: reservation r1 belongs to executor e1, not to e2");
        f.balanced();
    }

    @Test
    void anotherUidCannotTakeOverAnExecutorId() {
        f.ledger.disconnected("e1", f.now);
        assertThat(rejection(f.subscribe("e1", "cpus:0.1", 1001)))
                .isEqualTo("NOT_OWNER: executor e1 belongs to uid 1000; this connection is uid 1001");
        assertThat(f.subscribe("e1", "cpus:0.1;mem:32", 1000).accepted()).isTrue();
    }

    @Test
    void idsThatCouldEscapeAPathAreRefused() {
        assertThat(rejection(f.subscribe("../etc", "cpus:0.1", 0))).startsWith("INVALID_ID: executor id '../etc' is invalid");
        String o = f.offer("cpus:1");
        assertThat(rejection(f.launch("e1", "a/../b", "cpus:1", o))).startsWith("INVALID_ID: task id 'a/../b' is invalid");
    }

    @Test
    void reSubscriptionRebuildsTheLedgerAndLosesUnreportedTasks() {
        running("a", "cpus:1;mem:128");
        running("b", "cpus:1;mem:128");
        f.replace("e1", "r1", "a", "a2", "cpus:1;mem:128", false).value();
        ReservationView r = f.ledger.reservations().get(0);
        f.ledger.disconnected("e1", f.now);

        ExecutorSubscribe again = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e1"))
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())
                .addReservations(r.toRecord()).build();
        Ledger.Subscribed s = f.ledger.subscribe(again, 200, 1000, f.now).value();
        assertThat(s.lostTasks()).extracting(t -> t.getTaskId().getValue()).containsExactly("b");
        assertThat(f.ledger.reservations()).hasSize(1);
        assertThat(f.ledger.allocated()).isEqualTo(Resources.parse("cpus:0.1;mem:32"));
        f.balanced();
    }

    @Test
    void afterAShimRestartExecutorsAreTakenBackCheckedAgainstTheTotal() {
        Ledger fresh = new Ledger(Resources.parse("cpus:2;mem:1024"), 30_000_000L, "o");
        ExecutorSubscribe big = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e1"))
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())
                .addTasks(TaskRecord.newBuilder().setTask(task("a", "cpus:1;mem:512")).setState(TaskState.TASK_RUNNING))
                .addTasks(TaskRecord.newBuilder().setTask(task("b", "cpus:1;mem:512")).setState(TaskState.TASK_RUNNING))
                .build();
        assertThat(rejection(fresh.subscribe(big, 1, 0, 0))).isEqualTo("OVER_TOTAL: executor e1 reports holding "
                + "cpus:2.1;mem:1056 but only cpus:2;mem:1024 of the node total cpus:2;mem:1024 is available to it "
                + "(missing cpus:0.1;mem:32)");
        assertThat(fresh.verify()).isNull();
        assertThat(fresh.allocated().isEmpty()).isTrue();
    }

    @Test
    void expiredExecutorsLoseTheirTasksAndFreeEverything() {
        running("a", "cpus:1");
        f.ledger.disconnected("e1", f.now);
        assertThat(f.ledger.expireExecutors(f.now + 10, 1_000)).isEmpty();
        var expired = f.ledger.expireExecutors(f.now + 1_000, 1_000);
        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).lostTasks()).extracting(t -> t.getTaskId().getValue()).containsExactly("a");
        assertThat(f.ledger.allocated().isEmpty()).isTrue();
        f.balanced();
    }

    @Test
    void aGoneExecutorLosesItsTasksAndItsReservationAtOnceEvenWhileConnected() {
        running("a", "cpus:1;mem:128");
        String o = f.offer("cpus:1");
        f.replace("e1", "r1", "a", "b", "cpus:2;mem:128", false, o).value();
        var gone = f.ledger.gone("e1");
        assertThat(gone.lostTasks()).extracting(t -> t.getTaskId().getValue()).containsExactlyInAnyOrder("a", "b");
        assertThat(f.ledger.executor("e1")).isNull();
        assertThat(f.ledger.allocated().isEmpty()).isTrue();
        assertThat(f.ledger.reservations()).isEmpty();
        assertThat(f.ledger.gone("e1")).as("a second word of it changes nothing").isNull();
        f.balanced();
    }

    @Test
    void launchOnADisconnectedExecutorIsRefused() {
        f.ledger.disconnected("e1", f.now);
        String o = f.offer("cpus:1");
        assertThat(rejection(f.launch("e1", "a", "cpus:1", o)))
                .isEqualTo("EXECUTOR_DISCONNECTED: executor e1 is disconnected; retry once it has re-subscribed");
    }

    @Test
    void resizeInPlaceKeepsTheTaskId() {
        running("a", "cpus:1;mem:128");
        String o = f.offer("mem:128");
        f.replace("e1", "r1", "a", "a", "cpus:1;mem:256", false, o).value();
        f.adjust("e1", "r1", "cpus:1;mem:256");
        assertThat(f.end("e1", "r1", Keep.KEEP_NEW).value()).isEqualTo(Resources.parse("cpus:1.1;mem:288"));
        assertThat(f.ledger.executor("e1").taskIds()).containsExactly("a");
        f.balanced();
    }

    @Test
    void anUpdateForAnUnknownTaskIsRelayedButClaimsNothing() {
        assertThat(f.status("e1", "ghost", TaskState.TASK_FINISHED).value().freed()).isFalse();
        assertThat(f.ledger.ownerOf("ghost")).isNull();
        assertThat(f.ledger.latest("ghost")).isNull();
        assertThat(f.launch("e1", "ghost", "cpus:1", f.offer("cpus:1")).accepted()).isTrue();
        f.balanced();
    }

    @Test
    void aReSubscriptionCannotTakeOverAnotherExecutorsReservation() {
        running("a", "cpus:1;mem:128");
        ReservationView r = f.replace("e1", "r1", "a", "b", "cpus:1;mem:128", false).value();
        var forged = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("evil"))
                .addReservations(r.toRecord().toBuilder().setOldTask(task("x", "cpus:0.1"))
                        .setNewTask(task("y", "cpus:0.1")).clearPool().clearInUse()
                        .addAllPool(Resources.parse("cpus:0.1").toProto()));
        assertThat(rejection(f.ledger.subscribe(forged.build(), 9, 0, f.now)))
                .isEqualTo("CONFLICT: replacement id r1 belongs to executor e1, not to evil");
        f.end("e1", "r1", Keep.KEEP_NEW).value();
        assertThat(rejection(f.ledger.subscribe(forged.build(), 9, 0, f.now))).as("also once it has ended")
                .isEqualTo("CONFLICT: replacement id r1 belongs to executor e1, not to evil");
        f.balanced();
    }

    @Test
    void overlappingPortsInAReportAreRefused() {
        var report = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e2"))
                .addTasks(TaskRecord.newBuilder().setTask(task("p", "ports:[31000-31000]")).setState(TaskState.TASK_RUNNING))
                .addTasks(TaskRecord.newBuilder().setTask(task("q", "ports:[31000-31001]")).setState(TaskState.TASK_RUNNING));
        assertThat(rejection(f.ledger.subscribe(report.build(), 9, 0, f.now))).isEqualTo("INVALID_RESOURCES: task q "
                + "holds ports:[31000-31001], which overlaps resources already reported (ports:[31000-31000])");
        f.balanced();
    }

    @Test
    void sumsBeyondTheLimitAreInvalidNotACrash() {
        var report = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e2"))
                .addAllOverhead(Resources.parse("mem:900000000000000").toProto())
                .addTasks(TaskRecord.newBuilder().setTask(task("p", "mem:900000000000000")).setState(TaskState.TASK_RUNNING));
        assertThat(rejection(f.ledger.subscribe(report.build(), 9, 0, f.now))).startsWith("INVALID_RESOURCES: executor "
                + "e2 reports resources that cannot be added up");
    }

    @Test
    void reserveRetriedAfterAReSubscriptionIsStillIdempotent() {
        running("a", "cpus:1;mem:128");
        String o = f.offer("cpus:1");
        ReservationView r = f.replace("e1", "r1", "a", "b", "cpus:2;mem:128", false, o).value();
        f.ledger.disconnected("e1", f.now);
        f.ledger.subscribe(ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e1"))
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto()).addReservations(r.toRecord()).build(),
                100, 1000, f.now).value();
        assertThat(f.reserve("e1", "r1", "a", "b", "cpus:2;mem:128", false, o).value().pool())
                .isEqualTo(Resources.parse("cpus:2;mem:128"));
        f.balanced();
    }

    @Test
    void aReplaceForARecoveringExecutorSetsItsOffersAside() {
        String o = f.offer("cpus:1");
        var call = io.baton.proto.Replace.newBuilder()
                .setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(io.baton.proto.TaskID.newBuilder().setValue("recovering"))
                .setNewTask(task("b", "cpus:1")).setExecutorId(ExecutorID.newBuilder().setValue("e1"))
                .addOfferIds(io.baton.proto.OfferID.newBuilder().setValue(o)).build();
        assertThat(f.ledger.precheckReplace(call, f.now).value()).isEqualTo("e1");
        assertThat(f.ledger.offers().get(0).designatedReplacement()).isEqualTo("r1");
    }

    @Test
    void endedReservationsStayTheirOwnersAndCannotBeReused() {
        running("a", "cpus:1");
        f.replace("e1", "r1", "a", "b", "cpus:1", false).value();
        f.end("e1", "r1", Keep.KEEP_NEW).value();
        f.subscribe("e2", "cpus:0.1;mem:32", 0).value();
        assertThat(rejection(f.end("e2", "r1", Keep.KEEP_NEW)))
                .isEqualTo("NOT_OWNER: reservation r1 belonged to executor e1, not to e2");
        assertThat(rejection(f.reserve("e1", "r1", "b", "c", "cpus:1", false)))
                .isEqualTo("CONFLICT: replacement r1 has already ended; use a new replacement id");
    }

    @Test
    void aSameIdReplacementIsLostOnceWhenItsExecutorExpires() {
        running("a", "cpus:1");
        f.replace("e1", "r1", "a", "a", "cpus:1", false).value();
        f.ledger.disconnected("e1", f.now);
        var expired = f.ledger.expireExecutors(f.now + 5, 1);
        assertThat(expired.get(0).lostTasks()).extracting(t -> t.getTaskId().getValue()).containsExactly("a");
        f.balanced();
    }

    @Test
    void aReserveWhoseAnswerWasLostIsKeptWhenTheExecutorListsItAsPending() {
        running("a", "cpus:1;mem:128");
        String o = f.offer("cpus:1");
        f.replace("e1", "r1", "a", "b", "cpus:2;mem:128", false, o).value();
        f.ledger.disconnected("e1", f.now);
        // the executor crashed before journaling the answer: it still thinks it holds task a
        var again = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("e1"))
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())
                .addTasks(TaskRecord.newBuilder().setTask(task("a", "cpus:1;mem:128")).setState(TaskState.TASK_RUNNING))
                .addPendingReserves(io.baton.proto.ReplacementID.newBuilder().setValue("r1")).build();
        assertThat(f.ledger.subscribe(again, 100, 1000, f.now).value().lostTasks()).isEmpty();
        assertThat(f.ledger.reservations()).extracting(ReservationView::replacementId).containsExactly("r1");
        assertThat(f.reserve("e1", "r1", "a", "b", "cpus:2;mem:128", false, o).value().pool())
                .as("the repeated RESERVE is answered with the kept reservation").isEqualTo(Resources.parse("cpus:2;mem:128"));
        f.balanced();
    }
}
