package io.baton.sdk.driver;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import java.util.List;

/** One executor's driver on a {@link ListJournal}, with a clock the test moves, and the events a shim would send. */
final class DriverFixture {
    final ListJournal journal = new ListJournal();
    long now = 1_000_000;
    private int uuid;

    ExecutorDriver driver() {
        return new ExecutorDriver("e1", Resources.parse("cpus:0.1;mem:32"), journal,
                () -> ByteString.copyFromUtf8(String.format("%016d", ++uuid)), since -> false);
    }

    /** A driver that has started, connected and subscribed. */
    ExecutorDriver subscribed() {
        ExecutorDriver d = driver();
        d.step(new Input.Start(now));
        d.step(new Input.Connected(now));
        d.step(new Input.Subscribed("c1", now));
        return d;
    }

    /** Feeds a shim event, one millisecond later. */
    List<Effect> event(ExecutorDriver d, ExecutorEvent e) {
        return d.step(new Input.ShimEvent(e, now += 1_000));
    }

    static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id))
                .addAllResources(Resources.parse("cpus:1;mem:64").toProto()).build();
    }

    static ExecutorEvent launch(TaskInfo task) {
        return ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder().setTask(task)).build();
    }

    /** A STOP_THEN_START (the default) of {@code oldId} by {@code next}, not reserved on delivery. */
    static ExecutorEvent replace(String id, String oldId, TaskInfo next) {
        return ExecutorEvent.newBuilder().setReplace(ReplaceEvent.newBuilder().setRequest(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(id))
                .setOldTaskId(TaskID.newBuilder().setValue(oldId)).setNewTask(next))).build();
    }

    /** The last effect of {@code type}. */
    static <T extends Effect> T last(List<Effect> effects, Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).reduce((a, b) -> b).orElseThrow();
    }

    static List<TaskStatus> updates(List<Effect> effects) {
        return effects.stream().filter(Effect.Update.class::isInstance).map(e -> ((Effect.Update) e).status()).toList();
    }
}
