package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.delivered;
import static io.baton.shim.core.CoreFixture.fwReply;
import static io.baton.shim.core.CoreFixture.relayed;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Acknowledge;
import io.baton.proto.ExecutorCall;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.TaskID;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.UpdateRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ACKNOWLEDGE: forwarded to the executor that sent the update, one or several per call. */
class AcknowledgeTest {
    static final long EXEC = ShimCoreTest.EXEC;
    static final long EXEC2 = ShimCoreTest.EXEC2;
    static final long FW = ShimCoreTest.FW;

    final CoreFixture f = new CoreFixture("cpus:4;mem:4096");

    @Test
    void acknowledgementsGoToTheExecutorOnlyWhileItIsConnected() {
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        f.framework(FW);
        List<Effect> up = f.update(EXEC, "t1", TaskState.TASK_RUNNING);
        TaskStatus s = relayed(up).get(0);
        FrameworkCall.Builder ack = FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder()
                .setTaskId(s.getTaskId()).setUuid(s.getUuid()));
        f.feed(new Input.ExecutorClosed(EXEC, f.now));
        List<Effect> out = f.fw(FW, ack);
        assertThat(fwReply(out).hasAccepted()).isTrue();
        assertThat(delivered(out)).as("the executor resends; the shim does not queue acknowledgements").isEmpty();
        f.subscribe(EXEC2, "e1", task("t1", "cpus:1;mem:128"));
        up = f.update(EXEC2, "t1", TaskState.TASK_RUNNING);
        s = relayed(up).get(0);
        out = f.fw(FW, FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder().setTaskId(s.getTaskId())
                .setUuid(s.getUuid())));
        assertThat(delivered(out).get(0).getAcknowledged().getUuid()).isEqualTo(s.getUuid());
    }

    @Test
    void oneAcknowledgeTakesEachUpdateOnItsOwnSendsEachExecutorOneEventAndNamesThoseNotTaken() {
        f.subscribe(EXEC, "e1", task("t1", "cpus:0.5;mem:128"), task("t2", "cpus:0.5;mem:128"));
        // an executor of an older SDK, which reads one acknowledgement per event
        f.exec(EXEC2, ExecutorCall.newBuilder().setSubscribe(CoreFixture.subscription("e2",
                task("t3", "cpus:0.5;mem:128"), task("t5", "cpus:0.5;mem:128")).setAcknowledgedTogether(false)));
        assertThat(fwReply(f.fw(FW, FrameworkCall.newBuilder().setSubscribe(io.baton.proto.FrameworkSubscribe
                .newBuilder().setToken("tok").setName("fw").setUpdates(true)))).getSubscribed().getAcknowledgesTogether())
                .as("a client may name several updates in one call").isTrue();
        TaskStatus s1 = relayed(f.update(EXEC, "t1", TaskState.TASK_RUNNING)).get(0);
        TaskStatus s2 = relayed(f.update(EXEC, "t2", TaskState.TASK_RUNNING)).get(0);
        TaskStatus s3 = relayed(f.update(EXEC2, "t3", TaskState.TASK_FINISHED)).get(0);
        TaskStatus s5 = relayed(f.update(EXEC2, "t5", TaskState.TASK_RUNNING)).get(0);

        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder()
                .setTaskId(s1.getTaskId()).setUuid(s1.getUuid()).addMore(ref(s3)).addMore(ref(s2)).addMore(ref(s5))));

        assertThat(fwReply(out).hasAccepted()).isTrue();
        List<Effect.Deliver> events = CoreFixture.all(out, Effect.Deliver.class);
        assertThat(events).extracting(Effect.Deliver::conn).containsExactly(EXEC, EXEC2, EXEC2);
        assertThat(events.get(0).event().getAcknowledged().getUuid()).isEqualTo(s1.getUuid());
        assertThat(events.get(0).event().getAcknowledged().getMoreList()).containsExactly(ref(s2));
        assertThat(events.subList(1, 3)).extracting(e -> e.event().getAcknowledged().getUuid())
                .containsExactly(s3.getUuid(), s5.getUuid());
        assertThat(events.subList(1, 3)).allMatch(e -> e.event().getAcknowledged().getMoreCount() == 0);
        assertThat(f.core.ledger().latest("t3")).as("its final update acknowledged: forgotten").isNull();

        TaskStatus s4 = relayed(f.update(EXEC, "t1", TaskState.TASK_FINISHED)).get(0);
        out = f.fw(FW, FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue("nope")).setUuid(f.uuid()).addMore(ref(s4))
                .addMore(UpdateRef.newBuilder().setTaskId(TaskID.newBuilder().setValue("t3")).setUuid(s3.getUuid()))));

        Rejection no = fwReply(out).getRejected();
        assertThat(no.getCode()).isEqualTo(RejectCode.UNKNOWN_TASK);
        assertThat(no.getMessage()).isEqualTo("2 of 3 acknowledgements not taken (1 taken): task nope is not "
                + "known; task t3 is not known");
        assertThat(delivered(out)).singleElement().satisfies(e -> assertThat(e.getAcknowledged().getUuid())
                .isEqualTo(s4.getUuid()));
        assertThat(f.core.ledger().latest("t1")).as("the one taken was applied").isNull();
    }

    @Test
    void aQuietAcknowledgeIsAnsweredOnlyWhenSomeOfItIsNotTaken() {
        f.subscribe(EXEC, "e1", task("t1", "cpus:0.5;mem:128"), task("t2", "cpus:0.5;mem:128"));
        assertThat(fwReply(f.fw(FW, FrameworkCall.newBuilder().setSubscribe(io.baton.proto.FrameworkSubscribe
                .newBuilder().setToken("tok").setName("fw").setUpdates(true)))).getSubscribed().getQuietAcknowledges())
                .as("a client may send quiet ones").isTrue();
        TaskStatus s1 = relayed(f.update(EXEC, "t1", TaskState.TASK_RUNNING)).get(0);
        TaskStatus s2 = relayed(f.update(EXEC, "t2", TaskState.TASK_RUNNING)).get(0);

        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setQuiet(true).setAcknowledge(Acknowledge.newBuilder()
                .setTaskId(s1.getTaskId()).setUuid(s1.getUuid()).addMore(ref(s2))));

        assertThat(CoreFixture.all(out, Effect.FrameworkReply.class)).as("all taken: no answer").isEmpty();
        assertThat(delivered(out)).singleElement().satisfies(e -> assertThat(e.getAcknowledged().getMoreList())
                .containsExactly(ref(s2)));

        TaskStatus s3 = relayed(f.update(EXEC, "t1", TaskState.TASK_FINISHED)).get(0);
        out = f.feed(new Input.FrameworkCalled(FW, FrameworkCall.newBuilder().setCorrelationId(0).setQuiet(true)
                .setAcknowledge(Acknowledge
                .newBuilder().setTaskId(s3.getTaskId()).setUuid(s3.getUuid()).addMore(UpdateRef.newBuilder()
                        .setTaskId(TaskID.newBuilder().setValue("nope")).setUuid(f.uuid()))).build(), f.now));

        FrameworkResponse no = fwReply(out);
        assertThat(no.getCorrelationId()).as("the call's own").isZero();
        assertThat(no.getRejected().getMessage()).startsWith("1 of 2 acknowledgements not taken (1 taken): ");
        assertThat(delivered(out)).singleElement().satisfies(e -> assertThat(e.getAcknowledged().getUuid())
                .isEqualTo(s3.getUuid()));
        assertThat(fwReply(f.fw(FW, FrameworkCall.newBuilder().setQuiet(true)
                .setHeartbeat(io.baton.proto.Heartbeat.getDefaultInstance()))).hasAccepted())
                .as("quiet means nothing on other calls").isTrue();
    }

    private static UpdateRef ref(TaskStatus s) {
        return UpdateRef.newBuilder().setTaskId(s.getTaskId()).setUuid(s.getUuid()).build();
    }
}
