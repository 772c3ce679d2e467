package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.delivered;
import static io.baton.shim.core.CoreFixture.execReply;
import static io.baton.shim.core.CoreFixture.fwReply;
import static io.baton.shim.core.CoreFixture.relayed;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorState;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.GetState;
import io.baton.proto.Kill;
import io.baton.proto.NodeState;
import io.baton.proto.Reconcile;
import io.baton.proto.RejectCode;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One core and one ledger per node behind a {@link NodeRouter}, as the YARN application master runs them: each
 * node hands out its own port 31000, a launch may use only its executor's node's offers, a refusal names what each
 * node had, and a framework sees one shim (one SUBSCRIBED, one STATE with every node, every node's updates).
 */
class NodeRouterTest {
    private static final long FW = 100;
    private static final long E1 = 1;
    private static final long E2 = 2;
    private static final String TOTAL = "cpus:4;mem:4096;ports:[31000-31000]";

    private CoreFixture f;

    @BeforeEach
    void twoNodes() {
        f = new CoreFixture(TOTAL, "a", "b");
        List<Effect> subscribed = f.fw(FW, FrameworkCall.newBuilder().setSubscribe(io.baton.proto.FrameworkSubscribe
                .newBuilder().setToken("tok").setName("fw").setUpdates(true)));
        FrameworkResponse answer = fwReply(subscribed); // exactly one answer, though both cores were subscribed
        assertThat(answer.getSubscribed().getNode()).isEqualTo("am");
        assertThat(Resources.fromProto(answer.getSubscribed().getNodeTotalList()).scalarValue("cpus")).isEqualTo(8.0);
        f.place("e1", "a");
        f.place("e2", "b");
        assertThat(execReply(f.subscribe(E1, "e1")).hasSubscribed()).isTrue();
        assertThat(execReply(f.subscribe(E2, "e2")).hasSubscribed()).isTrue();
    }

    private String offerOn(String exec, String resources) {
        FrameworkResponse r = fwReply(f.fw(FW, FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(Resources.parse(resources).toProto())
                .setExecutorId(ExecutorID.newBuilder().setValue(exec)))));
        assertThat(r.hasOffers()).as("%s", r).isTrue();
        return r.getOffers().getOffers(0).getId().getValue();
    }

    private List<Effect> launchRunning(long conn, String exec, String taskId, String offer) {
        return launchRunning(conn, exec, taskId, offer, "cpus:1;mem:128");
    }

    private List<Effect> launchRunning(long conn, String exec, String taskId, String offer, String resources) {
        List<Effect> out = f.launch(FW, exec, task(taskId, resources), offer);
        assertThat(fwReply(out).hasForwarded()).as("%s", fwReply(out)).isTrue();
        assertThat(delivered(out)).singleElement().matches(e -> e.hasLaunch());
        assertThat(CoreFixture.all(out, Effect.Deliver.class).get(0).conn()).isEqualTo(conn);
        return f.update(conn, taskId, TaskState.TASK_RUNNING);
    }

    @Test
    void eachNodeHandsOutItsOwnPortAndARefusalNamesWhatEveryNodeHad() {
        String onA = offerOn("e1", "cpus:1;mem:128;ports:[31000-31000]");
        String onB = offerOn("e2", "cpus:1;mem:128;ports:[31000-31000]");
        assertThat(onA).isNotEqualTo(onB);
        launchRunning(E1, "e1", "t1", onA, "cpus:1;mem:128;ports:[31000-31000]");
        launchRunning(E2, "e2", "t2", onB, "cpus:1;mem:128;ports:[31000-31000]");
        assertThat(f.router().ledgers().get(0).ownerOf("t1")).isEqualTo("e1");
        assertThat(f.router().ledgers().get(1).ownerOf("t2")).isEqualTo("e2");

        FrameworkResponse none = fwReply(f.fw(FW, FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(Resources.parse("ports:[31000-31000]").toProto()))));
        assertThat(none.getRejected().getCode()).isEqualTo(RejectCode.INSUFFICIENT_RESOURCES);
        assertThat(none.getRejected().getMessage()).contains("no node has ports:[31000-31000] free", "node a:",
                "node b:", "free of cpus:4");
        assertThat(f.router().verify()).isNull();
    }

    @Test
    void anOfferOfAnotherNodeIsRefusedForALaunchWithBothNodesNamedAndNothingChanges() {
        String onB = offerOn("e2", "cpus:1;mem:128");
        FrameworkResponse r = fwReply(f.launch(FW, "e1", task("t1", "cpus:1;mem:128"), onB));
        assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.OFFER_FOREIGN);
        assertThat(r.getRejected().getMessage()).contains("offer " + onB + " is on node b", "executor e1 runs on node a");
        assertThat(f.router().ledgers().get(0).ownerOf("t1")).isNull();
        assertThat(f.router().ledgers().get(1).holdsOffer(onB)).as("the offer is still the framework's").isTrue();
    }

    @Test
    void callsAboutATaskGoToItsNodeAndStateAndReconcileCoverEveryNode() {
        launchRunning(E1, "e1", "t1", offerOn("e1", "cpus:1;mem:128"));
        List<Effect> update = launchRunning(E2, "e2", "t2", offerOn("e2", "cpus:1;mem:128"));
        assertThat(relayed(update)).as("node b's update reaches the framework").singleElement()
                .matches(s -> s.getTaskId().getValue().equals("t2"));

        List<Effect> kill = f.fw(FW, FrameworkCall.newBuilder().setKill(Kill.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("t2"))));
        assertThat(fwReply(kill).hasForwarded()).isTrue();
        assertThat(CoreFixture.all(kill, Effect.Deliver.class)).singleElement().matches(d -> d.conn() == E2);

        f.place("e3", "b");
        assertThat(execReply(f.subscribe(7, "e3", task("t3", "cpus:1;mem:128"), task("t3", "cpus:1;mem:128")))
                .getRejected().getCode()).isEqualTo(RejectCode.DUPLICATE_TASK);
        NodeState state = fwReply(f.fw(FW, FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())))
                .getState();
        assertThat(state.getRefusedSubscriptionsList()).as("node b's refusal, naming its node").singleElement()
                .matches(r -> r.getExecutorId().getValue().equals("e3") && r.getNode().equals("b"));
        assertThat(state.getNode()).isEqualTo("am");
        assertThat(state.getNodesList()).extracting(NodeState::getNode).containsExactly("a", "b");
        assertThat(state.getExecutorsList()).extracting(ExecutorState::getNode).containsExactly("a", "b");
        assertThat(Resources.fromProto(state.getTotalList()).scalarValue("cpus")).isEqualTo(8.0);
        assertThat(Resources.fromProto(state.getNodes(1).getAllocatedList()).scalarValue("cpus"))
                .as("e2's overhead and t2").isEqualTo(1.1);

        List<TaskStatus> all = fwReply(f.fw(FW, FrameworkCall.newBuilder().setReconcile(Reconcile.getDefaultInstance())))
                .getStatuses().getStatusesList();
        assertThat(all).extracting(s -> s.getTaskId().getValue()).containsExactlyInAnyOrder("t1", "t2");
        List<TaskStatus> named = fwReply(f.fw(FW, FrameworkCall.newBuilder().setReconcile(Reconcile.newBuilder()
                .addTaskIds(TaskID.newBuilder().setValue("t2")).addTaskIds(TaskID.newBuilder().setValue("nope")))))
                .getStatuses().getStatusesList();
        assertThat(named).extracting(TaskStatus::getState)
                .containsExactlyInAnyOrder(TaskState.TASK_RUNNING, TaskState.TASK_UNKNOWN);
    }

    @Test
    void anExecutorPlacedNowhereIsRefusedAndANewNodeGetsACoreThatRelaysToFrameworksSubscribedBefore() {
        assertThat(execReply(f.subscribe(3, "e3")).getRejected().getMessage())
                .contains("executor e3 was not started on any node of am");
        f.place("e3", "c");
        assertThat(f.router().nodes()).containsExactly("a", "b", "c");
        assertThat(execReply(f.subscribe(3, "e3")).hasSubscribed()).isTrue();
        List<Effect> update = launchRunning(3, "e3", "t3", offerOn("e3", "cpus:1;mem:128"));
        assertThat(relayed(update)).extracting(s -> s.getTaskId().getValue()).containsExactly("t3");
    }

    @Test
    void anExecutorStartedAgainOnAnotherNodeEndsWhatTheOldNodeHeld() {
        launchRunning(E1, "e1", "t1", offerOn("e1", "cpus:1;mem:128"));
        List<Effect> moved = f.place("e1", "b");
        assertThat(relayed(moved)).singleElement().matches(s -> s.getState() == TaskState.TASK_LOST
                && s.getMessage().contains("started again on node b"));
        assertThat(f.router().ledgers().get(0).executor("e1")).isNull();
        assertThat(execReply(f.subscribe(5, "e1")).hasSubscribed()).isTrue();
        assertThat(f.router().ledgers().get(1).executor("e1")).isNotNull();
        assertThat(f.router().verify()).isNull();
    }

    @Test
    void theAcknowledgementOfAnUpdateOfATaskNoNodeHoldsGoesBackToTheNodeThatRelayedIt() {
        List<Effect> update = f.update(E2, "never-held", TaskState.TASK_LOST); // e.g. a refused replacement's new task
        TaskStatus relayedUpdate = relayed(update).get(0);
        List<Effect> ack = f.fw(FW, FrameworkCall.newBuilder().setAcknowledge(io.baton.proto.Acknowledge.newBuilder()
                .setTaskId(relayedUpdate.getTaskId()).setUuid(relayedUpdate.getUuid())));
        assertThat(fwReply(ack).hasAccepted()).as("%s", fwReply(ack)).isTrue();
        assertThat(CoreFixture.all(ack, Effect.Deliver.class)).singleElement()
                .matches(d -> d.conn() == E2 && d.event().hasAcknowledged());
    }

    @Test
    void oneAcknowledgeOfUpdatesOnTwoNodesIsSplitByNodeAndAnsweredOnce() {
        TaskStatus onA = relayed(launchRunning(E1, "e1", "t1", offerOn("e1", "cpus:1;mem:128"))).get(0);
        TaskStatus onB = relayed(launchRunning(E2, "e2", "t2", offerOn("e2", "cpus:1;mem:128"))).get(0);
        TaskStatus alsoOnA = relayed(f.update(E1, "t1", TaskState.TASK_FINISHED)).get(0);
        io.baton.proto.Acknowledge.Builder all = io.baton.proto.Acknowledge.newBuilder().setTaskId(onA.getTaskId())
                .setUuid(onA.getUuid()).addMore(ref(onB)).addMore(ref(alsoOnA));

        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setAcknowledge(all));

        assertThat(fwReply(out).hasAccepted()).as("%s", fwReply(out)).isTrue();
        List<Effect.Deliver> events = CoreFixture.all(out, Effect.Deliver.class);
        assertThat(events).extracting(Effect.Deliver::conn).containsExactly(E1, E2);
        assertThat(events.get(0).event().getAcknowledged().getMoreList()).containsExactly(ref(alsoOnA));
        assertThat(f.router().ledgers().get(0).latest("t1")).as("its final update acknowledged").isNull();

        out = f.fw(FW, FrameworkCall.newBuilder().setAcknowledge(all.clone().setTaskId(TaskID.newBuilder()
                .setValue("nowhere"))));
        FrameworkResponse no = fwReply(out);
        assertThat(no.getRejected().getCode()).isEqualTo(RejectCode.UNKNOWN_TASK);
        assertThat(no.getRejected().getMessage()).isEqualTo("not every one of 3 acknowledgements (on 2 nodes) was "
                + "taken; the rest were: on node a: 2 of 2 acknowledgements not taken (0 taken): task nowhere is not "
                + "known; task t1 is not known");
        assertThat(CoreFixture.all(out, Effect.Deliver.class)).extracting(Effect.Deliver::conn).containsExactly(E2);
        assertThat(f.router().verify()).isNull();

        // quiet: no answer when every node took its part, one (the refusal) when not
        TaskStatus nextA = relayed(launchRunning(E1, "e1", "t3", offerOn("e1", "cpus:1;mem:128"))).get(0);
        TaskStatus nextB = relayed(f.update(E2, "t2", TaskState.TASK_FINISHED)).get(0);
        out = f.fw(FW, FrameworkCall.newBuilder().setQuiet(true).setAcknowledge(io.baton.proto.Acknowledge.newBuilder()
                .setTaskId(nextA.getTaskId()).setUuid(nextA.getUuid()).addMore(ref(nextB))));
        assertThat(CoreFixture.all(out, Effect.FrameworkReply.class)).isEmpty();
        assertThat(CoreFixture.all(out, Effect.Deliver.class)).extracting(Effect.Deliver::conn).containsExactly(E1, E2);
        TaskStatus onBAgain = relayed(launchRunning(E2, "e2", "t4", offerOn("e2", "cpus:1;mem:128"))).get(0);
        out = f.fw(FW, FrameworkCall.newBuilder().setQuiet(true).setAcknowledge(io.baton.proto.Acknowledge.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("nowhere")).setUuid(onBAgain.getUuid()).addMore(ref(onBAgain))));
        assertThat(CoreFixture.all(out, Effect.FrameworkReply.class)).singleElement()
                .satisfies(r -> assertThat(r.response().getRejected().getMessage()).isEqualTo("not every one of 2 "
                        + "acknowledgements (on 2 nodes) was taken; the rest were: on node a: task nowhere is not known"));
        assertThat(CoreFixture.all(out, Effect.Deliver.class)).extracting(Effect.Deliver::conn).containsExactly(E2);
    }

    private static io.baton.proto.UpdateRef ref(TaskStatus s) {
        return io.baton.proto.UpdateRef.newBuilder().setTaskId(s.getTaskId()).setUuid(s.getUuid()).build();
    }

    @Test
    void tasksOfAnExecutorThatNeverCameBackEndOnItsNodeOnceAndReconcileSaysSo() {
        launchRunning(E1, "e1", "t1", offerOn("e1", "cpus:1;mem:128"));
        f.place("e9", "b"); // taken over by this attempt, but it never re-subscribes
        List<Effect> ended = f.feed(new Input.TasksEndedAway("e9", List.of("x1", "x2", "t1"), TaskState.TASK_LOST,
                io.baton.proto.TaskReason.REASON_EXECUTOR_TERMINATED, "executor e9 did not re-subscribe", f.now));
        assertThat(relayed(ended)).as("t1 is e1's and runs: untouched").extracting(s -> s.getTaskId().getValue())
                .containsExactly("x1", "x2");
        assertThat(relayed(ended)).allMatch(s -> s.getState() == TaskState.TASK_LOST
                && s.getExecutorId().getValue().equals("e9") && s.getMessage().contains("did not re-subscribe"));
        assertThat(f.router().ledgers().get(1).ownerOf("x1")).isEqualTo("e9");
        List<TaskStatus> known = fwReply(f.fw(FW, FrameworkCall.newBuilder().setReconcile(Reconcile.newBuilder()
                .addTaskIds(TaskID.newBuilder().setValue("x1")).addTaskIds(TaskID.newBuilder().setValue("t1")))))
                .getStatuses().getStatusesList();
        assertThat(known).extracting(TaskStatus::getState)
                .containsExactlyInAnyOrder(TaskState.TASK_LOST, TaskState.TASK_RUNNING);
        assertThat(relayed(f.feed(new Input.TasksEndedAway("e9", List.of("x1"), TaskState.TASK_LOST,
                io.baton.proto.TaskReason.REASON_EXECUTOR_TERMINATED, "again", f.now)))).as("once").isEmpty();

        TaskStatus x1 = relayed(ended).get(0);
        assertThat(fwReply(f.fw(FW, FrameworkCall.newBuilder().setAcknowledge(io.baton.proto.Acknowledge.newBuilder()
                .setTaskId(x1.getTaskId()).setUuid(x1.getUuid())))).hasAccepted()).isTrue();
        assertThat(f.router().ledgers().get(1).latest("x1")).as("acknowledged: forgotten").isNull();
        assertThat(f.router().verify()).isNull();
    }

    @Test
    void anAnswerHeldBackFindsTheCoreThatAsked() {
        f.place("e4", "b");
        f.holdAnswers = true;
        List<Effect> out = f.subscribe(4, "e4");
        Effect.Attach attach = CoreFixture.all(out, Effect.Attach.class).get(0);
        assertThat(attach.request() % NodeRouter.MAX_NODES).as("node b's index").isEqualTo(1);
        f.holdAnswers = false;
        assertThat(execReply(f.feed(f.answer(f.held.remove(0)))).hasSubscribed()).isTrue();
        assertThat(f.router().ledgers().get(1).executor("e4")).isNotNull();
        assertThat(f.router().unanswered()).isZero();
    }
}
