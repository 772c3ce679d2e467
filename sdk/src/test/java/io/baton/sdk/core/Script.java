package io.baton.sdk.core;

import io.baton.tasks.TaskStates;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.HttpCheck;
import io.baton.proto.Keep;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/** A replacement scenario, step by step, with a fake clock: reads like the protocol. */
class Script {
    /** The rows of the transition table this script's engine used (collected by {@link RowCoverage}). */
    final BitSet rows = new BitSet();
    final Engine engine = new Engine(step -> rows.set(step.row()));
    long now = 1_000_000_000L;
    List<Command> last = List.of();
    final List<Command> all = new ArrayList<>();
    String rid = "r1";

    Script() {
        RowCoverage.track(this);
        engine.shimConnected(now);
    }

    static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).setKillGracePeriodMs(500).build();
    }

    static TaskInfo withReadiness(TaskInfo t) {
        return t.toBuilder().setReadiness(ReadinessCheck.newBuilder().setHttp(HttpCheck.newBuilder().setPort(8080))).build();
    }

    static ReplacePolicy policy(ReplaceStrategy s) {
        return ReplacePolicy.newBuilder().setStrategy(s).build();
    }

    Script running(TaskInfo t) {
        engine.taskKnown(t, TaskState.TASK_RUNNING);
        return this;
    }

    Engine.Submitted replace(String id, String oldTask, TaskInfo newTask, ReplacePolicy p, String... offers) {
        rid = id;
        TaskInfo old = engine.tasks().getOrDefault(oldTask, TaskInfo.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(oldTask)).build());
        Engine.Submitted s = engine.submit(ReplaceRequest.of(id, old, newTask, Arrays.asList(offers), Policy.of(p), now),
                now);
        record(s.commands());
        return s;
    }

    /** A request the shim reserved on delivery: the pool is the old task's resources, held by the container. */
    Engine.Submitted reservedOnDelivery(String id, String oldTask, TaskInfo newTask, ReplacePolicy p) {
        rid = id;
        TaskInfo old = engine.tasks().getOrDefault(oldTask, TaskInfo.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(oldTask)).build());
        ReplaceRequest q = ReplaceRequest.of(id, old, newTask, List.of(), Policy.of(p), now);
        Engine.Submitted s = engine.submit(q, engine.decide(q).reservedByShim(q.oldResources()), now);
        record(s.commands());
        return s;
    }

    /** A request the shim refused the resources of, passed on with its message (the executor ends it). */
    Engine.Submitted refusedByShim(String id, String oldTask, TaskInfo newTask, ReplacePolicy p, String message) {
        rid = id;
        TaskInfo old = engine.tasks().getOrDefault(oldTask, TaskInfo.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(oldTask)).build());
        Engine.Submitted s = engine.submit(ReplaceRequest.of(id, old, newTask, List.of(), Policy.of(p), now),
                new Engine.Decision(Readiness.REFUSED_BY_SHIM, message), now);
        record(s.commands());
        return s;
    }

    Script replace(String oldTask, TaskInfo newTask, ReplaceStrategy s, String... offers) {
        replace(rid, oldTask, newTask, policy(s), offers);
        return this;
    }

    Script after(long ms) {
        now += ms * 1000;
        return this;
    }

    Script on(Event e) {
        record(engine.apply(rid, e));
        return this;
    }

    Script reserved(String pool) {
        return on(new Event.ReserveAccepted(Resources.parse(pool), now));
    }

    Script timer(Timer t) {
        return on(new Event.TimerFired(t, now));
    }

    Script hookFailed(Hook h) {
        return on(new Event.HookFailed(h, h + " threw", now));
    }

    Script status(String task, TaskState state) {
        record(engine.taskState(task, state, "", now));
        return this;
    }

    private void record(List<Command> commands) {
        last = commands;
        all.addAll(commands);
    }

    Phase phase() {
        return engine.replacement(rid).phase();
    }

    Script expect(Phase p) {
        assertThat(phase()).as("phase of %s; history:\n%s", rid, engine.replacement(rid).history()).isEqualTo(p);
        return this;
    }

    /** The last step's commands, by kind, in order (timers included). */
    List<String> kinds() {
        List<String> out = new ArrayList<>();
        for (Command c : last) {
            out.add(c.getClass().getSimpleName());
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    <T extends Command> T the(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (Command c : last) {
            if (type.isInstance(c)) {
                found.add((T) c);
            }
        }
        assertThat(found).as("one %s in %s", type.getSimpleName(), last).hasSize(1);
        return found.get(0);
    }

    List<Command.Report> reports() {
        List<Command.Report> out = new ArrayList<>();
        for (Command c : last) {
            if (c instanceof Command.Report r) {
                out.add(r);
            }
        }
        return out;
    }

    Command.Report report(String task) {
        return reports().stream().filter(r -> r.taskId().equals(task)).findFirst()
                .orElseThrow(() -> new AssertionError("no report for " + task + " in " + last));
    }

    void expectReport(String task, TaskState state, TaskReason reason) {
        Command.Report r = report(task);
        assertThat(r.state()).as("state reported for %s", task).isEqualTo(state);
        assertThat(r.reason()).as("reason reported for %s", task).isEqualTo(reason);
    }

    void expectRelease(Keep keep) {
        assertThat(the(Command.Release.class).keep()).isEqualTo(keep);
    }

    /** Across the whole script: reservations released exactly once, no state after a terminal one. */
    void checkInvariants() {
        List<Command.Report> finals = all.stream().filter(c -> c instanceof Command.Report r && r.outcome() != null)
                .map(c -> (Command.Report) c).toList();
        if (phase().terminal()) {
            assertThat(finals).as("exactly one final update").hasSize(1);
            assertThat(finals.get(0).outcome()).isEqualTo(phase());
            assertThat(finals.get(0).timings()).isNotNull();
            assertThat(all.get(all.size() - 1)).as("the final update is the last word").isInstanceOf(Command.Report.class);
        }
        assertThat(engine.statesWithoutTask()).as("task states kept past their task").isEmpty();
        long releases = all.stream().filter(c -> c instanceof Command.Release).count();
        assertThat(releases).as("final releases").isLessThanOrEqualTo(1);
        for (String task : List.of(engine.replacement(rid).request().oldTaskId(),
                engine.replacement(rid).request().newTaskId())) {
            boolean ended = false;
            for (Command c : all) {
                if (c instanceof Command.Report r && r.taskId().equals(task)) {
                    assertThat(ended).as("a report for %s after its terminal one: %s", task, all).isFalse();
                    ended = TaskStates.isTerminal(r.state());
                }
            }
        }
    }

    static ReplacePolicy immediate(ReplaceStrategy s) {
        return ReplacePolicy.newBuilder().setStrategy(s).setReleaseLeftover(ReleaseLeftover.IMMEDIATE).build();
    }
}
