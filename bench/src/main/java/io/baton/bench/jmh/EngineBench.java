package io.baton.bench.jmh;

import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Engine;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Policy;
import io.baton.sdk.core.ReplaceRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One step of the pure replacement engine: each invocation drives a STOP_THEN_START replacement
 * through its six inputs (request, reserve accepted, old task killed, container adjusted, new task
 * running, released), so the score is the mean time per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.F1, JvmFlags.F2, JvmFlags.F3, JvmFlags.F4, JvmFlags.F5, JvmFlags.F6,
        JvmFlags.F7, JvmFlags.F8, JvmFlags.F9, JvmFlags.F10, JvmFlags.F11})
public class EngineBench {
    static final int EVENTS = 6;
    static final Resources RES = Resources.parse("cpus:1;mem:256");
    static final Policy POLICY = Policy.of(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START).build());

    Engine engine;
    long now;
    long n;
    TaskInfo current;

    static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(RES.toProto()).setSpec(TaskSpec.newBuilder().setValue("ok"))
                .setKillGracePeriodMs(500).build();
    }

    @Setup
    public void setUp() {
        engine = new Engine();
        now = 1_000_000_000L;
        engine.shimConnected(now);
        current = task("t0");
        engine.taskKnown(current, TaskState.TASK_RUNNING);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void replacementStep(Blackhole bh) {
        String rid = "r" + n;
        TaskInfo next = task("t" + (++n));
        String old = current.getTaskId().getValue();
        String neu = next.getTaskId().getValue();
        Engine.Submitted s = engine.submit(ReplaceRequest.of(rid, current, next, List.of(), POLICY, now), now);
        bh.consume(s.commands());
        bh.consume(engine.apply(rid, new Event.ReserveAccepted(RES, now += 10)));
        bh.consume(engine.taskState(old, TaskState.TASK_KILLED, "", now += 10));
        bh.consume(engine.apply(rid, new Event.ContainerAdjusted(now += 10)));
        bh.consume(engine.taskState(neu, TaskState.TASK_RUNNING, "", now += 10));
        bh.consume(engine.apply(rid, new Event.Released(now += 10)));
        bh.consume(engine.drainPhaseChanges());
        current = next;
        if ((n & 1023) == 0 && engine.replacement(rid).phase() != Phase.COMMITTED) {
            throw new IllegalStateException("replacement " + rid + " ended " + engine.replacement(rid).phase());
        }
    }
}
