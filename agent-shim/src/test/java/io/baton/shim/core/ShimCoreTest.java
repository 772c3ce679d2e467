package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.delivered;
import static io.baton.shim.core.CoreFixture.execReply;
import static io.baton.shim.core.CoreFixture.fwReply;
import static io.baton.shim.core.CoreFixture.relayed;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkCall;
import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Replace;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shim's decisions as scripts: calls in, effects out, with a fake node answering its requests. */
class ShimCoreTest {
    static final long EXEC = 1;
    static final long EXEC2 = 3;
    static final long FW = 2;

    final CoreFixture f = new CoreFixture("cpus:4;mem:4096");

    @Test
    void aSubscriptionAttachesBeforeTheLedgerChangesAndIsAnsweredOnceTheContainerHoldsItsLimits() {
        List<Effect> out = f.subscribe(EXEC, "e1");
        assertThat(out.stream().map(e -> e.getClass().getSimpleName())).containsExactly("Attach", "RecordOwner",
                "ApplyLimits", "ExecutorReply", "Note");
        assertThat(((Effect.ApplyLimits) out.get(2)).rewrite()).as("after a subscription the limits are rewritten").isTrue();
        assertThat(execReply(out).getSubscribed().getContainer()).isEqualTo("container of e1");
        assertThat(execReply(out).getSubscribed().getHeartbeatIntervalMs()).isEqualTo(5_000);
        assertThat(f.containers.get("e1")).as("the default overhead").isEqualTo(Resources.parse("cpus:0.1;mem:32"));
        assertThat(f.core.connectionOf("e1")).isEqualTo(EXEC);
        assertThat(execReply(f.subscribe(EXEC, "e1")).getRejected().getCode()).isEqualTo(RejectCode.CONFLICT);
    }

    @Test
    void nothingIsDecidedBeforeTheNodeAnswers() {
        f.holdAnswers = true;
        List<Effect> out = f.subscribe(EXEC, "e1");
        assertThat(out).hasSize(1).first().isInstanceOf(Effect.Attach.class);
        assertThat(f.core.ledger().executor("e1")).as("the ledger waits for the container").isNull();
        assertThat(f.core.unanswered()).isEqualTo(1);
        f.holdAnswers = false;
        out = f.feed(f.answer(f.held.remove(0)));
        assertThat(f.core.ledger().executor("e1")).isNotNull();
        assertThat(execReply(out).hasSubscribed()).isTrue();
        assertThat(f.core.unanswered()).isZero();
        assertThatThrownBy(() -> f.feed(new Input.LimitsApplied(99, false, null)))
                .hasMessageContaining("request 99, which is not pending");
    }

    @Test
    void aProcessThatCannotBePutIntoItsContainerIsRefusedAndChangesNothing() {
        f.attachFailure = "cgroup.procs: permission denied";
        List<Effect> out = f.subscribe(EXEC, "e1");
        assertThat(execReply(out).getRejected().getCode()).isEqualTo(RejectCode.ISOLATOR_FAILED);
        assertThat(execReply(out).getRejected().getMessage()).contains("pid 4242", "permission denied");
        assertThat(CoreFixture.all(out, Effect.RecordOwner.class)).isEmpty();
        assertThat(f.core.ledger().executor("e1")).isNull();
        f.attachFailure = null;
        assertThat(execReply(f.subscribe(EXEC, "e1")).hasSubscribed()).as("the connection may try again").isTrue();
    }

    @Test
    void anExecutorIdBelongsToItsUidAcrossRestartsAndOverTcpTheTokenIsNeeded() {
        ExecutorCall.Builder sub = ExecutorCall.newBuilder().setSubscribe(CoreFixture.subscription("e1"));
        List<Effect> out = f.feed(new Input.ExecutorCalled(EXEC, 4242, 1000, sub.build(), new Input.OwnerRecord(2000, null),
                f.now));
        assertThat(execReply(out).getRejected().getCode()).isEqualTo(RejectCode.NOT_OWNER);
        assertThat(execReply(out).getRejected().getMessage()).contains("belongs to uid 2000", "this connection is uid 1000");
        out = f.feed(new Input.ExecutorCalled(EXEC, 4242, 1000, sub.build(), new Input.OwnerRecord(null, "holds 'x'"), f.now));
        assertThat(execReply(out).getRejected().getMessage()).contains("cannot be checked (holds 'x'); refused to be safe");
        out = f.feed(new Input.ExecutorCalled(EXEC2, -1, -1, sub.build(), Input.OwnerRecord.NOBODY, f.now));
        assertThat(execReply(out).getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
        assertThat(execReply(out).getRejected().getMessage()).contains("/work/framework.token");
        out = f.feed(new Input.ExecutorCalled(5, 4242, 0, sub.build(), new Input.OwnerRecord(2000, null), f.now));
        assertThat(execReply(out).hasSubscribed()).as("root may take any id").isTrue();
    }

    @Test
    void aTaskLaunchedWhileTheContainerIsBeingSetUpWaitsForTheAnswerToTheSubscription() {
        f.framework(FW);
        f.subscribe(EXEC, "e1");
        List<Effect> closed = f.feed(new Input.ExecutorClosed(EXEC, f.now));
        assertThat(new Result(closed).only(Effect.WakeAt.class).atUs()).isEqualTo(f.now + 60_000_000);
        String offer = f.offer(FW, "cpus:1;mem:128");
        assertThat(fwReply(f.launch(FW, "e1", task("t0", "cpus:1;mem:128"), offer)).getRejected().getCode())
                .as("the ledger refuses a launch for an executor that is away").isEqualTo(RejectCode.EXECUTOR_DISCONNECTED);
        f.holdAnswers = true;
        f.subscribe(EXEC2, "e1");
        f.feed(f.answer(f.held.remove(0))); // attached: the ledger has the executor back; its limits are being applied
        f.holdAnswers = false;
        List<Effect> out = f.launch(FW, "e1", task("t1", "cpus:1;mem:128"), offer);
        assertThat(fwReply(out).getForwarded().getQueued()).as("as before: LAUNCH says not queued").isFalse();
        assertThat(delivered(out)).isEmpty();
        assertThat(f.core.waiting()).isEqualTo(1);
        out = f.feed(f.answer(f.held.remove(0)));
        int reply = out.indexOf(new Result(out).only(Effect.ExecutorReply.class));
        assertThat(out.subList(reply, out.size()).stream().filter(e -> e instanceof Effect.Deliver)
                .map(e -> ((Effect.Deliver) e).event().getLaunch().getTask().getTaskId().getValue())).containsExactly("t1");
        assertThat(f.core.waiting()).isZero();
    }

    @Test
    void anExecutorThatComesBackWithoutATaskHasItReportedLostWithAUuid() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        f.feed(new Input.ExecutorClosed(EXEC, f.now));
        List<Effect> out = f.subscribe(EXEC2, "e1");
        assertThat(execReply(out).getSubscribed().getLostTasks(0).getValue()).isEqualTo("t1");
        TaskStatus lost = relayed(out).get(0);
        assertThat(lost.getState()).isEqualTo(TaskState.TASK_LOST);
        assertThat(lost.getReason()).isEqualTo(TaskReason.REASON_EXECUTOR_UNREGISTERED);
        assertThat(lost.getUuid().size()).isEqualTo(16);
        assertThat(f.core.ledger().latest("t1").getState()).as("for RECONCILE").isEqualTo(TaskState.TASK_LOST);
    }

    @Test
    void aLaunchWhoseContainerCannotGrowIsUndone() {
        f.subscribe(EXEC, "e1");
        f.framework(FW);
        String offer = f.offer(FW, "cpus:1;mem:128");
        f.applyFailures.add("memory.limit_in_bytes: device busy");
        List<Effect> out = f.launch(FW, "e1", task("t1", "cpus:1;mem:128"), offer);
        assertThat(fwReply(out).getRejected().getCode()).isEqualTo(RejectCode.ISOLATOR_FAILED);
        assertThat(fwReply(out).getRejected().getMessage()).contains("could not set container limits", "device busy");
        assertThat(delivered(out)).isEmpty();
        assertThat(f.core.ledger().ownerOf("t1")).isNull();
        assertThat(f.core.ledger().verify()).isNull();
    }

    @Test
    void aRetriedReserveIsAnsweredWithTheFirstAndAContainerThatCannotGrowUndoesTheReservation() {
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        ExecutorCall.Builder reserve = ExecutorCall.newBuilder().setReserve(io.baton.proto.Reserve.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1")).setOldTaskId(TaskID.newBuilder().setValue("t1"))
                .setNewTask(task("t2", "cpus:1;mem:128")));
        f.holdAnswers = true;
        assertThat(f.exec(EXEC, reserve)).hasSize(1).first().isInstanceOf(Effect.RequestGrant.class);
        assertThat(f.exec(EXEC, reserve)).as("the same RESERVE again (an executor that lost the answer): it waits")
                .isEmpty();
        List<Effect> out = f.feed(f.answer(f.held.remove(0))); // granted: booked, the container must grow
        assertThat(out).hasSize(1).first().isInstanceOf(Effect.ApplyLimits.class);
        f.applyFailures.add("memory.limit_in_bytes: device busy");
        out = f.feed(f.answer(f.held.remove(0)));
        List<Effect.ExecutorReply> replies = CoreFixture.all(out, Effect.ExecutorReply.class);
        assertThat(replies).extracting(r -> r.response().getRejected().getCode())
                .containsExactly(RejectCode.ISOLATOR_FAILED, RejectCode.ISOLATOR_FAILED);
        assertThat(replies.get(0).response().getRejected().getMessage()).contains("r1 was not reserved", "device busy");
        assertThat(f.core.ledger().reservations()).as("undone, once, for both").isEmpty();
        assertThat(f.core.ledger().ownerOf("t1")).isEqualTo("e1");
        Effect.ApplyLimits restore = (Effect.ApplyLimits) f.held.remove(0);
        assertThat(restore.limits()).as("the container is set back to the ledger's limits")
                .isEqualTo(Resources.parse("cpus:1.1;mem:160"));
        f.feed(f.answer(restore));
        assertThat(f.core.ledger().verify()).isNull();

        reserve.getReserveBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r2")).setNewTask(task("t3",
                "cpus:1;mem:128"));
        f.exec(EXEC, reserve);
        f.exec(EXEC, reserve);
        f.feed(f.answer(f.held.remove(0)));
        out = f.feed(f.answer(f.held.remove(0)));
        assertThat(CoreFixture.all(out, Effect.ExecutorReply.class)).extracting(r -> r.response().hasReserved())
                .containsExactly(true, true);
        assertThat(f.core.ledger().reservations()).hasSize(1);
    }

    /**
     * A RELEASE that comes while its RESERVE waits for the node's grant (an executor whose replacement ended before the
     * answer) waits too: answered at once it found nothing to release, and the grant then booked a reservation nobody
     * released (simulation seeds 29942, 30445, 44652 once grants could come later).
     */
    @Test
    void aReleaseWhileItsReserveIsBeingGrantedWaitsForItThenReleasesWhatWasBooked() {
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        ExecutorCall.Builder reserve = ExecutorCall.newBuilder().setReserve(io.baton.proto.Reserve.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task("t2", "cpus:1;mem:128")));
        ExecutorCall.Builder release = ExecutorCall.newBuilder().setRelease(io.baton.proto.Release.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1")).setKeep(io.baton.proto.Keep.KEEP_OLD));
        f.holdAnswers = true;
        assertThat(f.exec(EXEC, reserve)).hasSize(1).first().isInstanceOf(Effect.RequestGrant.class);
        assertThat(f.exec(EXEC, release)).as("the RELEASE waits for the RESERVE's answer").isEmpty();
        f.holdAnswers = false;
        List<Effect> out = f.feed(f.answer(f.held.remove(0)));
        assertThat(CoreFixture.all(out, Effect.ExecutorReply.class)).extracting(r -> r.response().getResultCase())
                .as("answered in the order they came").containsExactly(ExecutorResponse.ResultCase.RESERVED,
                        ExecutorResponse.ResultCase.RELEASED);
        assertThat(f.core.ledger().reservations()).as("what the grant booked is released").isEmpty();
        assertThat(f.core.ledger().ownerOf("t1")).isEqualTo("e1");
        assertThat(f.containers.get("e1")).isEqualTo(Resources.parse("cpus:1.1;mem:160"));
        assertThat(f.core.ledger().verify()).isNull();

        reserve.getReserveBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r2"));
        release.getReleaseBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r2"));
        f.grantRefusal = "the resource manager has no room";
        f.holdAnswers = true;
        f.exec(EXEC, reserve);
        assertThat(f.exec(EXEC, release)).isEmpty();
        f.holdAnswers = false;
        out = f.feed(f.answer(f.held.remove(0)));
        assertThat(CoreFixture.all(out, Effect.ExecutorReply.class))
                .extracting(r -> r.response().getRejected().getCode())
                .as("a refused grant: the RELEASE finds nothing, as it would have").containsExactly(
                        RejectCode.INSUFFICIENT_RESOURCES, RejectCode.UNKNOWN_RESERVATION);
        assertThat(f.core.ledger().verify()).isNull();
    }

    @Test
    void aReservationWaitsForItsGrantAndTheContainerGrowsBeforeTheAnswer() {
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        ExecutorCall.Builder reserve = ExecutorCall.newBuilder().setReserve(io.baton.proto.Reserve.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1")).setOldTaskId(TaskID.newBuilder().setValue("t1"))
                .setNewTask(task("t2", "cpus:1;mem:128")));
        f.grantRefusal = "the cluster has no room";
        List<Effect> out = f.exec(EXEC, reserve);
        assertThat(execReply(out).getRejected().getMessage()).contains("r1", "the cluster has no room");
        assertThat(f.core.ledger().reservations()).isEmpty();
        f.grantRefusal = null;
        out = f.exec(EXEC, reserve);
        assertThat(execReply(out).hasReserved()).isTrue();
        assertThat(out.get(0)).isInstanceOf(Effect.RequestGrant.class);
        assertThat(out.get(1)).isInstanceOf(Effect.ApplyLimits.class);
        assertThat(f.containers.get("e1")).as("the whole pool, before the answer").isEqualTo(Resources.parse("cpus:1.1;mem:160"));
        out = f.exec(EXEC, ExecutorCall.newBuilder().setAdjust(io.baton.proto.Adjust.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1"))));
        assertThat(out.get(0)).isInstanceOf(Effect.ApplyLimits.class);
        assertThat(execReply(out).hasAdjusted()).isTrue();
        out = f.exec(EXEC, ExecutorCall.newBuilder().setRelease(io.baton.proto.Release.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1")).setKeep(io.baton.proto.Keep.KEEP_OLD)));
        assertThat(Resources.fromProto(execReply(out).getReleased().getLimitsList()))
                .isEqualTo(Resources.parse("cpus:1.1;mem:160"));
        assertThat(f.containers.get("e1")).isEqualTo(Resources.parse("cpus:1.1;mem:160"));
        assertThat(f.core.ledger().reservations()).isEmpty();
    }

    @Test
    void aContainerThatCannotShrinkIsReportedToTheExecutorAfterTheAnswer() {
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        f.framework(FW);
        f.applyFailures.add("EBUSY");
        List<Effect> out = f.update(EXEC, "t1", TaskState.TASK_FINISHED);
        assertThat(out.stream().map(e -> e.getClass().getSimpleName())).containsExactly("ApplyLimits", "Note",
                "Deliver", "Relay", "StatusRelayed", "ExecutorReply");
        assertThat(delivered(out).get(0).getError().getCode()).isEqualTo(RejectCode.ISOLATOR_FAILED);
        assertThat(relayed(out).get(0).getExecutorId().getValue()).isEqualTo("e1");
    }

    @Test
    void anExecutorAwayPastItsRecoveryTimeoutLosesItsTasksItsOwnerRecordAndItsContainer() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        f.feed(new Input.ExecutorClosed(EXEC, f.now));
        assertThat(f.feed(new Input.Tick(f.now + 59_000_000))).isEmpty();
        List<Effect> out = f.feed(new Input.Tick(f.now + 61_000_000));
        assertThat(relayed(out)).extracting(TaskStatus::getReason).containsExactly(TaskReason.REASON_EXECUTOR_TERMINATED);
        assertThat(new Result(out).only(Effect.ForgetOwner.class).executorId()).isEqualTo("e1");
        assertThat(new Result(out).only(Effect.DestroyContainer.class).executorId()).isEqualTo("e1");
        assertThat(f.core.ledger().executor("e1")).isNull();
    }

    @Test
    void anExecutorWhoseContainerEndedLosesItsTasksAtOnceWithTheReasonWhileStillConnected() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        List<Effect> out = f.feed(new Input.ExecutorGone("e1", TaskState.TASK_FAILED,
                TaskReason.REASON_CONTAINER_LIMITATION_MEMORY, "container c1 exited -104 on node n1: over its memory",
                f.now));
        TaskStatus s = relayed(out).get(0);
        assertThat(s.getState()).isEqualTo(TaskState.TASK_FAILED);
        assertThat(s.getReason()).isEqualTo(TaskReason.REASON_CONTAINER_LIMITATION_MEMORY);
        assertThat(s.getMessage()).isEqualTo("container c1 exited -104 on node n1: over its memory");
        assertThat(s.getExecutorId().getValue()).isEqualTo("e1");
        assertThat(new Result(out).only(Effect.ForgetOwner.class).executorId()).isEqualTo("e1");
        assertThat(CoreFixture.all(out, Effect.DestroyContainer.class)).as("the container is already gone").isEmpty();
        assertThat(f.core.ledger().executor("e1")).isNull();
        assertThat(f.core.ledger().allocated().isEmpty()).isTrue();
        assertThat(f.core.connectionOf("e1")).isNull();
        assertThat(f.feed(new Input.ExecutorClosed(EXEC, f.now))).as("its connection closing later changes nothing")
                .isEmpty();
        assertThat(relayed(f.feed(new Input.ExecutorGone("e1", TaskState.TASK_LOST,
                TaskReason.REASON_EXECUTOR_TERMINATED, "again", f.now)))).as("a second word of it neither").isEmpty();
        assertThat(f.feed(new Input.Tick(f.now + 61_000_000))).isEmpty();
    }

    @Test
    void aReplaceWithAnUnknownOfferGoesToTheExecutorWithTheRefusalAndAReplaceForwardedIsResentUntilConfirmed() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task("t2", "cpus:2;mem:128"))
                .addOfferIds(OfferID.newBuilder().setValue("nope"));
        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setReplace(r));
        assertThat(fwReply(out).getRejected().getCode()).isEqualTo(RejectCode.UNKNOWN_OFFER);
        assertThat(fwReply(out).getRejected().getOutcomeFollows()).as("the executor ends it").isTrue();
        assertThat(relayed(out)).as("the shim declares nothing itself").isEmpty();
        assertThat(delivered(out).get(0).getReplace().getRefusal().getMessage())
                .isEqualTo(fwReply(out).getRejected().getMessage());
        assertThat(CoreFixture.all(out, Effect.ReplaceRefused.class)).hasSize(1);
        r.setReplacementId(ReplacementID.newBuilder().setValue("r2")).setNewTask(task("t2", "cpus:1;mem:128"))
                .clearOfferIds();
        out = f.fw(FW, FrameworkCall.newBuilder().setReplace(r));
        assertThat(fwReply(out).getForwarded().getQueued()).isFalse();
        assertThat(delivered(out).get(0).getReplace().getRequestedAtUs()).isEqualTo(f.now);
        f.feed(new Input.ExecutorClosed(EXEC, f.now));
        out = f.subscribe(EXEC2, "e1", task("t1", "cpus:1;mem:128"));
        assertThat(delivered(out)).extracting(ExecutorEvent::hasReplace).containsExactly(true);
    }

    /**
     * Simulation seed 195761122705: after a shim restart the executor re-subscribed naming t2 as ended (its
     * terminal update not yet acknowledged); the framework's retry of the replacement that created t2 was
     * refused (its offer died with the shim), and the shim published TASK_LOST for t2 — before t2's own
     * TASK_FAILED, which then followed a terminal state. (The shim declares no refused request's task lost now;
     * t2 also stays e1's until its end is acknowledged.)
     */
    @Test
    void aRefusedReplaceDoesNotCallLostANewTaskWhoseEndIsOwedByAnExecutor() {
        f.framework(FW);
        f.exec(EXEC, ExecutorCall.newBuilder().setSubscribe(CoreFixture.subscription("e1", task("t1", "cpus:1;mem:128"))
                .addTasks(io.baton.proto.TaskRecord.newBuilder().setTask(io.baton.proto.TaskInfo.newBuilder()
                        .setTaskId(TaskID.newBuilder().setValue("t2"))).setState(TaskState.TASK_FAILED))));
        Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task("t2", "cpus:2;mem:128"))
                .addOfferIds(OfferID.newBuilder().setValue("died-with-the-shim"));
        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setReplace(r));
        assertThat(fwReply(out).getRejected().getCode()).as("t2 is e1's until its end is acknowledged")
                .isEqualTo(RejectCode.DUPLICATE_TASK);
        assertThat(relayed(out)).as("t2's end is e1's to report").isEmpty();
        List<Effect> launch = f.launch(FW, "e1", task("t2", "cpus:0.1;mem:16"), f.offer(FW, "cpus:0.1;mem:16"));
        assertThat(fwReply(launch).getRejected().getCode()).isEqualTo(RejectCode.DUPLICATE_TASK);
    }

    @Test
    void aKnownReplacementIdWithAnotherRequestIsRefusedNamingBothAndTheSameRequestIsForwardedAgain() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task("t2", "cpus:1;mem:128"));
        assertThat(delivered(f.fw(FW, FrameworkCall.newBuilder().setReplace(r))).get(0).getReplace().getRequest())
                .as("carried as the framework sent it").isEqualTo(r.build());
        List<Effect> other = f.fw(FW, FrameworkCall.newBuilder().setReplace(r.clone()
                .setNewTask(task("t3", "cpus:1;mem:128"))));
        assertThat(fwReply(other).getRejected().getCode()).isEqualTo(RejectCode.CONFLICT);
        assertThat(fwReply(other).getRejected().getMessage()).isEqualTo("replacement id r1 is already used for t1 -> t2;"
                + " this request (t1 -> t3) differs in its task ids: use a new replacement id, or repeat the first"
                + " request exactly to retry it");
        assertThat(delivered(other)).isEmpty();
        assertThat(relayed(other)).isEmpty();
        assertThat(delivered(f.fw(FW, FrameworkCall.newBuilder().setReplace(r)))).as("a retry").hasSize(1);
    }

    @Test
    void aRefusalWithoutAnExecutorToEndTheRequestIsNoOutcome() {
        f.framework(FW);
        Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("nobody")).setNewTask(task("t2", "cpus:1;mem:128"));
        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setReplace(r));
        assertThat(fwReply(out).getRejected().getCode()).isEqualTo(RejectCode.UNKNOWN_TASK);
        assertThat(fwReply(out).getRejected().getOutcomeFollows()).isFalse();
        assertThat(delivered(out)).isEmpty();
        assertThat(relayed(out)).isEmpty();
    }

    /** Issue 11: a retry of an ended replacement is answered with its recorded outcome, as an answer, not a status. */
    @Test
    void aRecordedOutcomeIsRelayedAsAnOutcomeAndChangesNoLedgerState() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        f.update(EXEC, "t1", TaskState.TASK_KILLED);
        TaskStatus latest = f.ledger.latest("t1");
        TaskStatus committed = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
                .setState(TaskState.TASK_RUNNING).setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOutcome(ReplacementOutcome.COMMITTED).setUuid(f.uuid()).build();
        List<Effect> out = f.exec(EXEC, ExecutorCall.newBuilder().setRecordedOutcome(io.baton.proto.RecordedOutcome
                .newBuilder().setFinalUpdate(committed)));
        assertThat(execReply(out).hasAccepted()).isTrue();
        assertThat(relayed(out)).as("not a status update").isEmpty();
        assertThat(CoreFixture.all(out, Effect.Relay.class)).extracting(rel -> rel.event().getOutcome().getUuid())
                .containsExactly(committed.getUuid());
        assertThat(f.ledger.latest("t1")).as("the task's state is what it is now").isEqualTo(latest);
        List<Effect> bad = f.exec(EXEC, ExecutorCall.newBuilder().setRecordedOutcome(io.baton.proto.RecordedOutcome
                .newBuilder().setFinalUpdate(committed.toBuilder().clearOutcome())));
        assertThat(execReply(bad).getRejected().getMessage()).isEqualTo("recorded outcome refused: it carries no outcome");
    }

    @Test
    void memoryShrinkEventsReachOnlyAConnectedExecutor() {
        f.subscribe(EXEC, "e1");
        List<Effect> out = f.feed(new Input.ShrinkRequested("e1", 100, 200, f.now + 5_000_000));
        assertThat(delivered(out).get(0).getShrink().getDeadlineUs()).isEqualTo(f.now + 5_000_000);
        out = f.feed(new Input.ShrinkFailed("e1", "usage 200 stayed above 100"));
        assertThat(delivered(out).get(0).getError().getMessage()).isEqualTo("usage 200 stayed above 100");
        f.feed(new Input.ExecutorClosed(EXEC, f.now));
        assertThat(delivered(f.feed(new Input.ShrinkFailed("e1", "late")))).isEmpty();
    }

    @Test
    void quietUpdatesAndProgressAreRelayedUnansweredAndTheirRefusalsAnswered() {
        f.framework(FW);
        f.subscribe(EXEC, "e1");
        f.launch(FW, "e1", task("t1", "cpus:1;mem:128"), f.offer(FW, "cpus:1;mem:128"));
        List<io.baton.shim.core.Effect> out = f.exec(EXEC, quiet(update("t1", TaskState.TASK_RUNNING)));
        assertThat(relayed(out)).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_RUNNING);
        assertThat(CoreFixture.all(out, Effect.ExecutorReply.class)).as("accepted: no answer").isEmpty();

        out = f.exec(EXEC, quiet(ExecutorCall.newBuilder().setProgress(io.baton.proto.ReplacementProgress.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue("r1")).setPhase("DRAINING")
                .setFromPhase("REQUESTED").setOldTaskId(TaskID.newBuilder().setValue("t1")))));
        assertThat(CoreFixture.all(out, Effect.Relay.class)).hasSize(1);
        assertThat(CoreFixture.all(out, Effect.ExecutorReply.class)).isEmpty();

        // a terminal update frees resources: relayed once the container shrank, still unanswered
        out = f.exec(EXEC, quiet(update("t1", TaskState.TASK_FINISHED)));
        assertThat(relayed(out)).extracting(TaskStatus::getState).containsExactly(TaskState.TASK_FINISHED);
        assertThat(CoreFixture.all(out, Effect.ExecutorReply.class)).isEmpty();

        // refused: answered, with the call's correlation id
        ExecutorCall.Builder bad = quiet(update("t1", TaskState.TASK_RUNNING));
        bad.getUpdateBuilder().getStatusBuilder().setUuid(com.google.protobuf.ByteString.copyFromUtf8("short"));
        assertThat(execReply(f.exec(EXEC, bad)).getRejected().getCode()).isEqualTo(RejectCode.MALFORMED);
        assertThat(execReply(f.exec(EXEC, update("t1", TaskState.TASK_RUNNING))).hasAccepted())
                .as("not quiet: answered").isTrue();
    }

    @Test
    void progressReachesTheFrameworksThatDidNotSubscribeWithoutIt() {
        long quietFw = 3;
        long againFw = 4;
        f.framework(FW);
        f.fw(quietFw, FrameworkCall.newBuilder().setSubscribe(io.baton.proto.FrameworkSubscribe.newBuilder()
                .setToken("tok").setName("controller").setUpdates(true).setWithoutProgress(true)));
        f.framework(againFw); // then subscribes again on the same connection, without progress this time
        f.fw(againFw, FrameworkCall.newBuilder().setSubscribe(io.baton.proto.FrameworkSubscribe.newBuilder()
                .setToken("tok").setName("controller").setUpdates(true).setWithoutProgress(true)));
        f.subscribe(EXEC, "e1");
        f.launch(FW, "e1", task("t1", "cpus:1;mem:128"), f.offer(FW, "cpus:1;mem:128"));

        List<Effect> out = f.exec(EXEC, quiet(ExecutorCall.newBuilder().setProgress(io.baton.proto.ReplacementProgress
                .newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1")).setPhase("DRAINING")
                .setFromPhase("REQUESTED").setOldTaskId(TaskID.newBuilder().setValue("t1")))));
        assertThat(CoreFixture.all(out, Effect.Relay.class)).extracting(Effect.Relay::conn).containsExactly(FW);
        assertThat(f.core.state().getReplacementsInFlightList()).as("the shim's own record of it all the same")
                .extracting(p -> p.getPhase()).containsExactly("DRAINING");

        out = f.exec(EXEC, quiet(update("t1", TaskState.TASK_FINISHED)));
        assertThat(CoreFixture.all(out, Effect.Relay.class)).as("status updates go to every subscriber")
                .extracting(Effect.Relay::conn).containsExactlyInAnyOrder(FW, quietFw, againFw);
    }

    private ExecutorCall.Builder update(String task, TaskState state) {
        return ExecutorCall.newBuilder().setUpdate(io.baton.proto.Update.newBuilder().setStatus(TaskStatus.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(task)).setState(state).setUuid(f.uuid())));
    }

    private static ExecutorCall.Builder quiet(ExecutorCall.Builder call) {
        return call.setQuiet(true);
    }

    @Test
    void callsBeforeSubscribingAreRefused() {
        assertThat(execReply(f.update(EXEC, "t1", TaskState.TASK_RUNNING)).getRejected().getCode())
                .isEqualTo(RejectCode.UNAUTHENTICATED);
        assertThat(fwReply(f.fw(FW, FrameworkCall.newBuilder().setState(io.baton.proto.GetState.getDefaultInstance())))
                .getRejected().getCode()).isEqualTo(RejectCode.UNAUTHENTICATED);
        f.framework(FW);
        f.subscribe(EXEC, "e1");
        var state = fwReply(f.fw(FW, FrameworkCall.newBuilder().setState(io.baton.proto.GetState.getDefaultInstance())))
                .getState();
        assertThat(state.getExecutors(0).getConnected()).isTrue();
        assertThat(state.getExecutors(0).getContainer()).isEqualTo("container of e1");
        assertThat(Resources.fromProto(state.getExecutors(0).getLimitsList())).isEqualTo(Resources.parse("cpus:0.1;mem:32"));
    }
}
