package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.delivered;
import static io.baton.shim.core.CoreFixture.fwReply;
import static io.baton.shim.core.CoreFixture.relayed;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.FrameworkCall;
import io.baton.proto.OfferID;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.Replace;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 11: a task with no resources ({@code --resources ''}) is refused, as Mesos's master refuses one. */
class NoResourcesTest {
    static final long EXEC = 1;
    static final long FW = 2;

    final CoreFixture f = new CoreFixture("cpus:4;mem:4096");

    @Test
    void aLaunchOfATaskWithNoResourcesIsRefusedAndChangesNothing() {
        f.framework(FW);
        f.subscribe(EXEC, "e1");
        String offer = f.offer(FW, "cpus:1;mem:64");
        var before = f.ledger.allocated();
        for (String none : new String[] {"", "cpus:0", "ports:[]"}) {
            List<Effect> out = f.launch(FW, "e1", task("s1", none), offer);
            Rejection r = fwReply(out).getRejected();
            assertThat(r.getCode()).as("resources '%s'", none).isEqualTo(RejectCode.INVALID_RESOURCES);
            assertThat(r.getMessage()).isEqualTo("task s1 uses no resources: give it at least one, e.g. cpus:0.1;mem:16");
            assertThat(delivered(out)).isEmpty();
            assertThat(CoreFixture.all(out, Effect.ApplyLimits.class)).isEmpty();
        }
        assertThat(f.ledger.allocated()).isEqualTo(before);
        assertThat(fwReply(f.launch(FW, "e1", task("s1", "cpus:1;mem:64"), offer)).hasForwarded())
                .as("the offer is still there for a task that uses something").isTrue();
    }

    /** The same path as any other invalid-resources REPLACE: on to the old task's executor, which ends it. */
    @Test
    void aReplaceWhoseNewTaskUsesNoResourcesGoesToTheExecutorWithTheRefusal() {
        f.framework(FW);
        f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"));
        Replace r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task("t2", ""))
                .addOfferIds(OfferID.newBuilder().setValue(f.offer(FW, "cpus:1"))).build();
        List<Effect> out = f.fw(FW, FrameworkCall.newBuilder().setReplace(r));
        Rejection rej = fwReply(out).getRejected();
        assertThat(rej.getCode()).isEqualTo(RejectCode.INVALID_RESOURCES);
        assertThat(rej.getMessage()).isEqualTo("new task t2 uses no resources: give it at least one, e.g. cpus:0.1;mem:16");
        assertThat(rej.getOutcomeFollows()).as("the executor ends it REJECTED").isTrue();
        assertThat(delivered(out)).hasSize(1);
        assertThat(delivered(out).get(0).getReplace().getRefusal().getMessage()).isEqualTo(rej.getMessage());
        assertThat(relayed(out)).as("the shim declares nothing itself").isEmpty();
        assertThat(CoreFixture.all(out, Effect.ReplaceRefused.class)).hasSize(1);
    }
}
