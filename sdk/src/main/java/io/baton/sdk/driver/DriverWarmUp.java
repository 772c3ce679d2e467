package io.baton.sdk.driver;

import com.google.protobuf.ByteString;
import io.baton.proto.AcknowledgedEvent;
import io.baton.proto.Durability;
import io.baton.proto.ExecutorEvent;
import io.baton.proto.LaunchEvent;
import io.baton.proto.Replace;
import io.baton.proto.ReplaceEvent;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Engine;
import io.baton.sdk.journal.InMemoryJournal;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Runs synthetic replacements through a private {@link ExecutorDriver} (its own journal: in memory, or a scratch
 * one the caller gives; nothing carried out: no hook, no connection), so that a freshly started executor's first real replacement does not run
 * the replacement's code for the first time: class loading and initialisation, and the JIT's first compilations
 * of the engine, the driver, the journal codec and the protocol's messages, happen here, off the critical path.
 * Every effect is answered as a healthy shim and author would answer it, every message the runtime would put on
 * the wire or in the journal is serialised and parsed once more.
 *
 * <p>Pure and self-contained: safe on any thread, touches no shared state. Bounded: at most {@code replacements}
 * replacements and a fixed number of steps each; a replacement that does not commit ends the warm-up.
 */
public final class DriverWarmUp {
    private static final int MAX_STEPS_PER_REPLACEMENT = 200;
    private static final String EXECUTOR = "baton-warm-up";

    /**
     * The way messages travel in a warm-up: {@code inbound} returns each event the shim would send as the executor
     * would receive it, {@code outbound} takes each message the executor would send. {@link #bytes()} serialises and
     * parses them (the protobuf code alone); the runtime passes its connection's codecs too.
     */
    public record Wire(java.util.function.UnaryOperator<ExecutorEvent> inbound,
            java.util.function.Consumer<com.google.protobuf.MessageLite> outbound) {
        /** Each event serialised and parsed back, each outgoing message serialised. */
        public static Wire bytes() {
            long[] sink = new long[1];
            return new Wire(e -> {
                try {
                    byte[] b = e.toByteArray();
                    sink[0] += b.length;
                    return ExecutorEvent.parseFrom(b);
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new IllegalStateException(ex);
                }
            }, m -> sink[0] += m.toByteArray().length);
        }
    }

    private final ExecutorDriver driver;
    private final Wire wire;
    private final Deque<Input> inbox = new ArrayDeque<>();
    private long now = 1_000_000;
    private long uuid;
    /** A checksum of what was serialised, so the JIT cannot drop the work. */
    private long sink;

    private DriverWarmUp(io.baton.sdk.journal.Journal journal, Wire wire, long checkpointEvery) {
        this.wire = wire;
        this.driver = new ExecutorDriver(EXECUTOR, Resources.parse("cpus:0.1;mem:32"), journal,
                () -> ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x5741524dL).putLong(++uuid).array()),
                since -> checkpointEvery > 0 && since >= checkpointEvery);
    }

    /**
     * Runs up to {@code replacements} STOP_THEN_START replacements (SYNC and PROCESS alternating) and returns how
     * many committed.
     */
    public static int run(int replacements) {
        return run(replacements, () -> true);
    }

    /** Like {@link #run(int)}, stopping early once {@code keepGoing} says no (checked between replacements). */
    public static int run(int replacements, java.util.function.BooleanSupplier keepGoing) {
        return run(replacements, keepGoing, new InMemoryJournal());
    }

    /**
     * Like {@link #run(int, java.util.function.BooleanSupplier)}, journaling into {@code journal}: a scratch journal
     * of the kind the executor's own is (then its appends and fsyncs are warmed up too), never the executor's own.
     */
    public static int run(int replacements, java.util.function.BooleanSupplier keepGoing,
            io.baton.sdk.journal.Journal journal) {
        return run(replacements, keepGoing, journal, Wire.bytes());
    }

    /** Like the above, its messages travelling through {@code wire}. */
    public static int run(int replacements, java.util.function.BooleanSupplier keepGoing,
            io.baton.sdk.journal.Journal journal, Wire wire) {
        return run(replacements, keepGoing, journal, wire, 0);
    }

    /**
     * Like the above, with a checkpoint every {@code checkpointEvery} records appended (0: none), so that the journal
     * it leaves also warms a replay's reading of checkpoints up ({@link JournaledEngine#replay}).
     */
    public static int run(int replacements, java.util.function.BooleanSupplier keepGoing,
            io.baton.sdk.journal.Journal journal, Wire wire, long checkpointEvery) {
        return new DriverWarmUp(journal, wire, checkpointEvery).replacements(replacements, keepGoing);
    }

    private int replacements(int n, java.util.function.BooleanSupplier keepGoing) {
        drive(new Input.Start(tick()));
        drive(new Input.Connected(tick()));
        TaskInfo current = task("warm-0");
        drive(new Input.ShimEvent(reparse(ExecutorEvent.newBuilder().setLaunch(LaunchEvent.newBuilder().setTask(current))
                .build()), tick()));
        int committed = 0;
        for (int i = 1; i <= n && keepGoing.getAsBoolean(); i++) {
            TaskInfo next = task("warm-" + i);
            if (i % 2 == 1) { // as a service's new version: with a readiness check (probed as passing)
                next = next.toBuilder().setReadiness(io.baton.proto.ReadinessCheck.newBuilder().setIntervalMs(100)
                        .setHttp(io.baton.proto.HttpCheck.newBuilder().setPort(8080).setPath("/"))).build();
            }
            Replace replace = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue("warm-r" + i))
                    .setOldTaskId(current.getTaskId()).setNewTask(next)
                    .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.STOP_THEN_START)
                            .setDurability(i % 2 == 0 ? Durability.SYNC : Durability.PROCESS)
                            .setStartTimeoutMs(10_000).setDrainTimeoutMs(10_000))
                    .build();
            ReplaceEvent.Builder rb = ReplaceEvent.newBuilder().setRequestedAtUs(now).setRequest(replace);
            if (i % 4 != 0) { // as a shim delivers it: reserved on delivery (most), or for the executor to reserve
                rb.setReserved(io.baton.proto.ReservationRecord.newBuilder().setReplacementId(replace.getReplacementId())
                        .setOldTask(current).setNewTask(next).addAllPool(current.getResourcesList())
                        .addAllInUse(current.getResourcesList()));
            }
            ExecutorEvent event = ExecutorEvent.newBuilder().setReplace(rb).build();
            if (!drive(new Input.ShimEvent(reparse(event), tick()))) {
                break;
            }
            Engine engine = driver.engine();
            if (engine == null || !engine.unfinished().isEmpty()) {
                break; // did not end: stop here rather than guess
            }
            committed++;
            current = next;
        }
        return sink == 42 ? committed - 1 : committed; // never 42 in practice: keeps the sink alive
    }

    /** Feeds {@code first} and every input its effects call for, until none is left; false if it did not settle. */
    private boolean drive(Input first) {
        inbox.add(first);
        int steps = 0;
        while (!inbox.isEmpty()) {
            if (++steps > MAX_STEPS_PER_REPLACEMENT) {
                return false;
            }
            AcknowledgedEvent.Builder acks = null; // a step's updates, acknowledged together as a client's burst is
            for (Effect e : driver.step(inbox.poll())) {
                if (e instanceof Effect.Update u) {
                    wire.outbound().accept(io.baton.proto.ExecutorCall.newBuilder().setQuiet(true)
                            .setUpdate(io.baton.proto.Update.newBuilder().setStatus(u.status())).build());
                    acks = acks == null ? AcknowledgedEvent.newBuilder().setTaskId(u.status().getTaskId())
                            .setUuid(u.status().getUuid()) : acks.addMore(io.baton.proto.UpdateRef.newBuilder()
                            .setTaskId(u.status().getTaskId()).setUuid(u.status().getUuid()));
                } else {
                    answer(e);
                }
            }
            if (acks != null) {
                inbox.add(new Input.ShimEvent(reparse(ExecutorEvent.newBuilder().setAcknowledged(acks).build()), tick()));
            }
        }
        return true;
    }

    /** What a healthy shim, author and runtime would answer (effects that need no answer are dropped). */
    private void answer(Effect e) {
        if (e instanceof Effect.Subscribe s) {
            wire.outbound().accept(s.subscription());
            inbox.add(new Input.Subscribed("warm-up", tick()));
        } else if (e instanceof Effect.Call c) {
            wire.outbound().accept(c.request());
            if (c.answerWanted()) {
                List<io.baton.proto.Resource> pool = c.request() instanceof io.baton.proto.Reserve r
                        ? r.getNewTask().getResourcesList() : List.of();
                inbox.add(new Input.Answered(c, Input.Answer.ok(pool), tick()));
            }
        } else if (e instanceof Effect.RunHook h) {
            inbox.add(new Input.HookReturned(h, true, null, tick()));
            switch (h.hook()) {
                case LAUNCH, THAW -> inbox.add(new Input.TaskReported(h.taskId(), h.incarnation(),
                        TaskState.TASK_RUNNING, "", tick()));
                case KILL -> inbox.add(new Input.TaskReported(h.taskId(), h.incarnation(), TaskState.TASK_KILLED,
                        "", tick()));
                default -> { }
            }
        } else if (e instanceof Effect.AskRecover) {
            inbox.add(new Input.Recovered(java.util.Set.of(), tick()));
        }
    }

    private ExecutorEvent reparse(ExecutorEvent e) {
        ExecutorEvent back = wire.inbound().apply(e);
        sink += back.getSerializedSize();
        return back;
    }

    private long tick() {
        return now += 100;
    }

    private static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse("cpus:0.1;mem:16").toProto())
                .setSpec(TaskSpec.newBuilder().setKind("warm-up")).setKillGracePeriodMs(1_000).build();
    }
}
