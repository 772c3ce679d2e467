package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.Keep;
import io.baton.proto.LaunchEvent;
import io.baton.proto.Release;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Hook;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Simulation seed 542 (before the merge of the shim core): a RESERVE's answer is lost with the connection,
 * the executor re-subscribes naming it a pending reserve (so the shim keeps the reservation), and the old task
 * ends before SUBSCRIBED arrives. The replacement ends ABORTED and its RELEASE, issued while unsubscribed, was
 * dropped and never re-issued: the reservation leaked. It must go out once the subscription takes.
 */
class UnconfirmedReserveReleaseTest {
    private final ListJournal journal = new ListJournal();
    private long now = 1_000_000;
    private int uuid;
    private final ExecutorDriver d = new ExecutorDriver("e1", Resources.parse("cpus:0.1;mem:32"), journal,
            () -> ByteString.copyFromUtf8(String.format("%016d", ++uuid)), since -> false);

    private List<Effect> step(Input in) {
        now += 1_000;
        return d.step(in);
    }

    private static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                .addAllResources(Resources.parse("cpus:1;mem:64").toProto()).build();
    }

    @Test
    void aReplacementThatEndsWhileItsReserveIsUnansweredReleasesAfterReSubscribing() {
        step(new Input.Start(now));
        step(new Input.Connected(now));
        step(new Input.Subscribed("c1", now));
        List<Effect> launched = step(new Input.ShimEvent(ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder()
                .setTask(task("t1"))).build(), now));
        Effect.RunHook launch = (Effect.RunHook) launched.stream().filter(e -> e instanceof Effect.RunHook).findFirst()
                .orElseThrow();
        assertThat(launch.hook()).isEqualTo(Hook.LAUNCH);
        step(new Input.HookReturned(launch, true, null, now));
        step(new Input.TaskReported("t1", launch.incarnation(), TaskState.TASK_RUNNING, "", now));

        List<Effect> replaced = step(new Input.ShimEvent(ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(Replace
                .newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("r1"))
                .setOldTaskId(TaskID.newBuilder().setValue("t1")).setNewTask(task("t2")))).build(), now));
        assertThat(replaced).anyMatch(e -> e instanceof Effect.Call c && c.kind() == Effect.CallKind.RESERVE);

        step(new Input.Disconnected("connection lost", now)); // the RESERVE's answer with it
        assertThat(step(new Input.Connected(now))).anyMatch(e -> e instanceof Effect.Subscribe s
                && s.subscription().getPendingReservesList().stream().anyMatch(r -> r.getValue().equals("r1")));
        List<Effect> ended = step(new Input.TaskReported("t1", launch.incarnation(), TaskState.TASK_FAILED, "crashed", now));
        assertThat(ended).noneMatch(e -> e instanceof Effect.Call); // not subscribed: nothing may go out yet

        List<Effect> subscribed = step(new Input.Subscribed("c1", now));
        assertThat(subscribed).anyMatch(e -> e instanceof Effect.Call c && c.kind() == Effect.CallKind.RELEASE
                && c.replacementId().equals("r1") && ((Release) c.request()).getKeep() == Keep.KEEP_NONE);
    }
}
