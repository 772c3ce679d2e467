package io.baton.shim.core;

import com.google.protobuf.ByteString;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkEvent;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkSubscribe;
import io.baton.proto.Launch;
import io.baton.proto.OfferID;
import io.baton.proto.RequestOffers;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.resources.Resources;
import io.baton.ledger.Ledger;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shim core behind a hand-written fake node: it answers container and grant requests at once (or
 * fails the ones a test asks it to, or holds them back), keeps the limits each container holds, and
 * records every effect. Reads like the protocol, with a fake clock.
 */
class CoreFixture {
    long now = 1_000_000_000L;
    final ShimCore core;
    final List<Effect> effects = new ArrayList<>();
    final Map<String, Resources> containers = new HashMap<>();
    final ArrayDeque<String> applyFailures = new ArrayDeque<>();
    String attachFailure;
    String grantRefusal;
    boolean holdAnswers;
    final List<Effect> held = new ArrayList<>();
    private final ShimDriver driver;
    private long cid;
    private int uuid;

    final Ledger ledger;

    CoreFixture(String total) {
        ledger = new Ledger(Resources.parse(total), 30_000_000L, "o");
        core = new ShimCore(settings("node1"), ledger, "in-memory");
        driver = new ShimDriver(core, this::carryOut);
    }

    /** Several nodes behind one {@link NodeRouter} called "am", each with a ledger of {@code total}; more on placing. */
    CoreFixture(String total, String... nodes) {
        java.util.function.Function<String, ShimCore> newNode = n -> new ShimCore(settings(n),
                new Ledger(Resources.parse(total), 30_000_000L, "o" + n), "in-memory");
        List<ShimCore> initial = new ArrayList<>();
        for (String n : nodes) {
            initial.add(newNode.apply(n));
        }
        driver = new ShimDriver(NodeRouter.cluster("am", initial, newNode), this::carryOut);
        core = driver.core();
        ledger = core.ledger();
    }

    private static ShimSettings settings(String node) {
        return new ShimSettings(node, Resources.parse("cpus:0.1;mem:32"), 5_000, 60_000, "tok", "/work/framework.token",
                new long[] {7, node.equals("node1") ? 100 : node.hashCode()});
    }

    NodeRouter router() {
        return driver.router();
    }

    List<Effect> place(String exec, String node) {
        return feed(new Input.Placed(exec, node, now));
    }

    private Input carryOut(Effect e) {
        effects.add(e);
        if (holdAnswers && (e instanceof Effect.Attach || e instanceof Effect.ApplyLimits
                || e instanceof Effect.RequestGrant)) {
            held.add(e);
            return null;
        }
        return answer(e);
    }

    Input answer(Effect e) {
        if (e instanceof Effect.Attach a) {
            return new Input.Attached(a.request(), attachFailure == null ? "container of " + a.executorId() : null,
                    attachFailure);
        }
        if (e instanceof Effect.ApplyLimits a) {
            String failure = applyFailures.poll();
            if (failure == null) {
                containers.put(a.executorId(), a.limits());
            }
            return new Input.LimitsApplied(a.request(), false, failure);
        }
        if (e instanceof Effect.RequestGrant g) {
            return new Input.GrantDecided(g.request(), grantRefusal);
        }
        return null;
    }

    /** Feeds an input and returns the effects it caused (including those of immediate answers). */
    List<Effect> feed(Input in) {
        int from = effects.size();
        driver.feed(in);
        return List.copyOf(effects.subList(from, effects.size()));
    }

    List<Effect> exec(long conn, ExecutorCall.Builder call) {
        return feed(new Input.ExecutorCalled(conn, 4242, 1000, call.setCorrelationId(++cid).build(),
                Input.OwnerRecord.NOBODY, now));
    }

    List<Effect> fw(long conn, FrameworkCall.Builder call) {
        return feed(new Input.FrameworkCalled(conn, call.setCorrelationId(++cid).build(), now));
    }

    static ExecutorSubscribe.Builder subscription(String exec, TaskInfo... running) {
        ExecutorSubscribe.Builder b = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(exec))
                .setAcknowledgedTogether(true); // as the SDK subscribes
        for (TaskInfo t : running) {
            b.addTasks(TaskRecord.newBuilder().setTask(t).setState(TaskState.TASK_RUNNING));
        }
        return b;
    }

    List<Effect> subscribe(long conn, String exec, TaskInfo... running) {
        return exec(conn, ExecutorCall.newBuilder().setSubscribe(subscription(exec, running)));
    }

    void framework(long conn) {
        fw(conn, FrameworkCall.newBuilder().setSubscribe(FrameworkSubscribe.newBuilder().setToken("tok")
                .setName("fw").setUpdates(true)));
    }

    String offer(long fwConn, String resources) {
        List<Effect> out = fw(fwConn, FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder()
                .addAllResources(Resources.parse(resources).toProto())));
        return fwReply(out).getOffers().getOffers(0).getId().getValue();
    }

    List<Effect> launch(long fwConn, String exec, TaskInfo task, String offer) {
        return fw(fwConn, FrameworkCall.newBuilder().setLaunch(Launch.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(exec)).setTask(task)
                .addOfferIds(OfferID.newBuilder().setValue(offer))));
    }

    List<Effect> update(long conn, String task, TaskState state) {
        return exec(conn, ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(TaskStatus.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(task)).setState(state).setUuid(uuid()))));
    }

    ByteString uuid() {
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(99).putLong(++uuid).array());
    }

    static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    static <T extends Effect> List<T> all(List<Effect> effects, Class<T> type) {
        return new Result(effects).of(type);
    }

    static ExecutorResponse execReply(List<Effect> effects) {
        return new Result(effects).only(Effect.ExecutorReply.class).response();
    }

    static FrameworkResponse fwReply(List<Effect> effects) {
        return new Result(effects).only(Effect.FrameworkReply.class).response();
    }

    static List<ExecutorEvent> delivered(List<Effect> effects) {
        return all(effects, Effect.Deliver.class).stream().map(Effect.Deliver::event).toList();
    }

    static List<TaskStatus> relayed(List<Effect> effects) {
        return all(effects, Effect.Relay.class).stream().map(Effect.Relay::event).filter(FrameworkEvent::hasUpdate)
                .map(FrameworkEvent::getUpdate).toList();
    }
}
