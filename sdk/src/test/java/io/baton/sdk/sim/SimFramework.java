package io.baton.sdk.sim;

import com.google.protobuf.ByteString;
import io.baton.proto.OfferID;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.proto.Acknowledge;
import io.baton.proto.ExecutorID;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.FrameworkSubscribe;
import io.baton.proto.Kill;
import io.baton.proto.Launch;
import io.baton.proto.RequestOffers;
import io.baton.tasks.TaskStates;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The framework (as a BatonClient user would be): a random workload of launches, replacements of every
 * strategy and kind, and kills; it receives status updates, drops duplicates by uuid and acknowledges
 * every delivery. A call whose answer never came (the connection broke) is retried with the same ids.
 */
final class SimFramework {
    private static final ReplaceStrategy[] STRATEGIES = {ReplaceStrategy.STOP_THEN_START,
        ReplaceStrategy.START_THEN_STOP, ReplaceStrategy.FREEZE_THEN_START, ReplaceStrategy.RESIZE_IN_PLACE};

    private final SimWorld w;
    private final SimNet net;
    private final SimTasks tasks;
    /** Every update, first delivery only, in arrival order. */
    final Map<ByteString, TaskStatus> received = new LinkedHashMap<>();
    /** Every update as the framework saw it: first deliveries and the shim's own (uuid-less) ones, in order. */
    final List<TaskStatus> arrivals = new ArrayList<>();
    private final Map<String, TaskState> latest = new LinkedHashMap<>();
    private final Map<String, Resources> resources = new LinkedHashMap<>();
    private final Set<String> busy = new LinkedHashSet<>();
    private final Map<String, List<String>> busyBy = new LinkedHashMap<>();
    private final Set<String> decided = new LinkedHashSet<>();
    private int epoch = -1;
    private boolean subscribed;
    /** The connection (by epoch) whose subscription asked for no progress, or -1: the shim must relay it none. */
    int withoutProgressEpoch = -1;
    private int taskSeq;
    private int replaceSeq;
    private long nextCid;
    final Map<String, Integer> kinds = new java.util.TreeMap<>();

    private final boolean forgetOutcomes;

    SimFramework(SimWorld w, SimNet net, SimTasks tasks, boolean forgetOutcomes) {
        this.forgetOutcomes = forgetOutcomes;
        this.w = w;
        this.net = net;
        this.tasks = tasks;
    }

    void start(long workloadEndUs) {
        connect();
        int ops = (int) w.between(4, 24);
        for (int i = 0; i < ops; i++) {
            w.after(w.between(200_000, workloadEndUs), "workload op", this::operation);
        }
    }

    // ------------------------------------------------------------------ connection

    private void connect() {
        net.connect(net.fw, () -> {
            epoch = net.fw.epoch;
            int e = epoch;
            // with or without progress, as BatonClient subscribes with progress(true) or by default: the shim decides
            // whom to relay it to
            boolean withoutProgress = w.rnd.nextBoolean();
            withoutProgressEpoch = withoutProgress ? e : -1;
            kinds.merge(withoutProgress ? "subscriptions without progress" : "subscriptions with progress", 1,
                    Integer::sum);
            FrameworkCall sub = FrameworkCall.newBuilder().setCorrelationId(++nextCid).setSubscribe(FrameworkSubscribe
                    .newBuilder().setToken(SimShimProcess.TOKEN).setName("sim").setUpdates(true)
                    .setWithoutProgress(withoutProgress)).build();
            net.send(net.fw, true, "fw->shim SUBSCRIBE", false, () -> net.shim.frameworkCall(e, sub, r -> { }));
            subscribed = true;
        }, () -> w.after(w.between(200_000, 1_000_000), "fw reconnect", this::connect));
    }

    void disconnected(int deadEpoch) {
        if (deadEpoch == epoch) {
            subscribed = false;
            epoch = -1;
            w.after(w.between(100_000, 1_000_000), "fw reconnect", this::connect);
        }
    }

    private void call(String what, FrameworkCall.Builder call, Consumer<FrameworkResponse> onAnswer) {
        if (!subscribed) {
            w.trace("fw: not connected, skips " + what);
            return;
        }
        w.trace("fw: " + what);
        FrameworkCall c = call.setCorrelationId(++nextCid).build();
        int e = epoch;
        int link = net.fw.epoch;
        net.send(net.fw, true, "fw->shim " + what, false, () -> net.shim.frameworkCall(e, c, r -> {
            if (net.fw.epoch != link) { // answered on the call's connection, gone since (see SimExecutor#call)
                w.trace("net fw: answer to " + what + " lost with its connection (#" + link + ")");
                return;
            }
            net.send(net.fw, false, "shim->fw answer to " + what + SimText.answer(r), false, () -> onAnswer.accept(r));
        }));
    }

    private static FrameworkCall.Builder ack(String task, ByteString uuid) {
        return FrameworkCall.newBuilder().setAcknowledge(Acknowledge.newBuilder().setTaskId(TaskID.newBuilder()
                .setValue(task)).setUuid(uuid));
    }

    private static FrameworkCall.Builder offers(Resources res) {
        // on the executor's node (a node shim has one; the clustered seeds' router needs the name)
        return FrameworkCall.newBuilder().setOffers(RequestOffers.newBuilder().addAllResources(res.toProto())
                .setExecutorId(ExecutorID.newBuilder().setValue(SimExecutor.ID)));
    }

    // ------------------------------------------------------------------ updates

    /** Recorded outcomes heard (answers to retries of ended replacements), checked against the outcome heard. */
    final java.util.List<TaskStatus> recordedOutcomes = new java.util.ArrayList<>();

    /** A retry's answer: the replacement's final update again — an outcome, not a new state of its task. */
    void recordedOutcome(TaskStatus s) {
        w.trace("fw got recorded outcome " + SimText.status(s));
        recordedOutcomes.add(s);
        decided(s.getReplacementId().getValue());
    }

    void update(TaskStatus s) {
        if (forgetOutcomes && s.getOutcomeValue() != 0) {
            acknowledge(s);
            return;
        }
        if (s.getUuid().isEmpty() || received.putIfAbsent(s.getUuid(), s) == null) {
            arrivals.add(s);
            latest.put(s.getTaskId().getValue(), s.getState());
        }
        w.trace("fw got " + SimText.status(s));
        if (s.getOutcomeValue() != 0) {
            decided(s.getReplacementId().getValue());
        }
        if (!s.getUuid().isEmpty()) {
            acknowledge(s);
        }
    }

    /** How often an update's acknowledgement waits for others to go in one call, as a client's burst does. */
    private static final double ACK_TOGETHER = 0.5;
    /** How often a burst's acknowledgement is quiet. */
    private static final double QUIET = 0.5;
    /** Updates whose acknowledgement waits for the rest of their burst. */
    private final List<TaskStatus> toAcknowledge = new java.util.ArrayList<>();

    private void acknowledge(TaskStatus s) {
        if (!w.chance(ACK_TOGETHER)) {
            String task = s.getTaskId().getValue();
            call("ACKNOWLEDGE " + task, ack(task, s.getUuid()), v -> { });
            return;
        }
        toAcknowledge.add(s);
        if (toAcknowledge.size() == 1) {
            w.after(w.between(0, 2_000), "fw acknowledges a burst", this::acknowledgeBurst);
        }
    }

    private void acknowledgeBurst() {
        Acknowledge.Builder b = Acknowledge.newBuilder();
        for (TaskStatus s : toAcknowledge) {
            if (b.hasTaskId()) {
                b.addMore(io.baton.proto.UpdateRef.newBuilder().setTaskId(s.getTaskId()).setUuid(s.getUuid()));
            } else {
                b.setTaskId(s.getTaskId()).setUuid(s.getUuid());
            }
        }
        int n = toAcknowledge.size();
        toAcknowledge.clear();
        // quiet, as a client's automatic acknowledgements are: answered only if (some of it is) refused
        boolean quiet = w.chance(QUIET);
        if (quiet) {
            count("quiet ACKNOWLEDGE");
        }
        call((quiet ? "quiet " : "") + "ACKNOWLEDGE of " + n + " updates", FrameworkCall.newBuilder().setQuiet(quiet)
                .setAcknowledge(b), v -> { });
    }

    private void decided(String rid) {
        Replace sent = sentReplaces.get(rid);
        if (decided.add(rid) && sent != null && AGAIN_AFTER_OUTCOME > 0 && w.chance(AGAIN_AFTER_OUTCOME)) {
            // an operator runs the same `baton replace --id ... --wait` again: a retry of a replacement that ended
            w.after(w.between(1_000, 3_000_000), "replace again " + rid, () -> {
                count("same REPLACE again after its outcome");
                call("REPLACE " + rid + " again", FrameworkCall.newBuilder().setReplace(sent), v -> { });
            });
        }
        List<String> ids = busyBy.remove(rid);
        if (ids != null) {
            busy.removeAll(ids);
        }
    }

    // ------------------------------------------------------------------ workload

    private void operation() {
        List<String> live = new ArrayList<>();
        latest.forEach((id, st) -> {
            if (!TaskStates.isTerminal(st) && !busy.contains(id) && resources.containsKey(id)) {
                live.add(id);
            }
        });
        int dice = w.rnd.nextInt(100);
        if (live.isEmpty() || dice < 25 && live.size() < 6) {
            launch();
        } else if (dice < 88) {
            replace(w.chance(0.05) ? w.pick(nonTerminal()) : w.pick(live)); // sometimes one that is busy
        } else {
            String id = w.chance(0.1) ? w.pick(nonTerminal()) : w.pick(live); // sometimes one being replaced
            call("KILL " + id, FrameworkCall.newBuilder().setKill(Kill.newBuilder().setTaskId(TaskID.newBuilder()
                    .setValue(id))), v -> { });
        }
    }

    private List<String> nonTerminal() {
        List<String> out = new ArrayList<>();
        latest.forEach((id, st) -> {
            if (!TaskStates.isTerminal(st)) {
                out.add(id);
            }
        });
        return out;
    }

    private SimTasks.Fate randomFate(boolean withReadiness) {
        int d = w.rnd.nextInt(100);
        if (withReadiness && d < 15) {
            return SimTasks.Fate.NOT_READY;
        }
        SimTasks.Fate[] f = {SimTasks.Fate.FAILS_TO_START, SimTasks.Fate.HANGS_STARTING, SimTasks.Fate.LAUNCH_THROWS,
            SimTasks.Fate.DIES_LATER, SimTasks.Fate.SLOW_TO_DIE, SimTasks.Fate.KILL_THROWS, SimTasks.Fate.RESIZE_THROWS};
        return d < 55 ? SimTasks.Fate.NORMAL : f[d % f.length];
    }

    private void launch() {
        String id = "t" + (++taskSeq);
        Resources res = Resources.parse("cpus:" + w.pick(List.of("0.5", "1", "1.5")) + ";mem:" + w.pick(List.of(128, 256, 384)));
        TaskInfo task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(res.toProto()).build();
        tasks.fates.put(id, randomFate(false));
        if (w.chance(0.1)) {
            tasks.relaunchFails.add(id);
        }
        resources.put(id, res);
        count("launch");
        call("OFFERS " + res, offers(res), offer -> {
            if (offer.hasOffers()) {
                OfferID oid = offer.getOffers().getOffers(0).getId();
                call("LAUNCH " + id, FrameworkCall.newBuilder().setLaunch(Launch.newBuilder().setExecutorId(ExecutorID
                        .newBuilder().setValue(SimExecutor.ID)).setTask(task).addOfferIds(oid)), v -> { });
            }
        });
    }

    private void replace(String oldId) {
        Resources old = resources.getOrDefault(oldId, Resources.parse("cpus:1;mem:128"));
        ReplaceStrategy strategy = STRATEGIES[w.rnd.nextInt(STRATEGIES.length)];
        boolean concurrent = strategy == ReplaceStrategy.START_THEN_STOP || strategy == ReplaceStrategy.FREEZE_THEN_START;
        String size = w.pick(List.of("partial", "full", "augmented"));
        Resources res = switch (size) {
            case "partial" -> Resources.parse("cpus:0.5;mem:" + w.pick(List.of(64, 128)));
            case "full" -> old;
            default -> old.plus(Resources.parse("cpus:0.5;mem:" + w.pick(List.of(64, 128, 256))));
        };
        boolean sameId = strategy == ReplaceStrategy.RESIZE_IN_PLACE || !concurrent && w.chance(0.2);
        String newId = sameId ? oldId : "t" + (++taskSeq);
        boolean readiness = !sameId && w.chance(0.4);
        TaskInfo.Builder nb = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(newId)).setName(newId)
                .addAllResources(res.toProto());
        if (readiness) {
            nb.setReadiness(ReadinessCheck.newBuilder().setIntervalMs(300));
        }
        if (!sameId) {
            tasks.fates.put(newId, randomFate(readiness));
            if (w.chance(0.1)) {
                tasks.relaunchFails.add(newId);
            }
        }
        ReleaseLeftover leftover = w.chance(0.5) ? ReleaseLeftover.IMMEDIATE : ReleaseLeftover.ON_COMMIT;
        ReplacePolicy policy = ReplacePolicy.newBuilder().setStrategy(strategy).setDrainTimeoutMs(w.between(500, 4_000))
                .setStartTimeoutMs(w.between(500, 5_000)).setReleaseLeftover(leftover).build();
        String rid = "r" + (++replaceSeq);
        count(strategy + " " + size + " " + leftover);
        Resources need = concurrent ? res : res.minus(old);
        if (w.chance(0.1)) {
            need = need.isEmpty() ? need : Resources.parse("cpus:0.5"); // too little on purpose: rejected
        } else if (w.chance(0.15)) {
            need = need.plus(Resources.parse("mem:64")); // more than needed: a leftover
        }
        TaskInfo newTask = nb.build();
        Consumer<List<String>> send = offers -> {
            Replace.Builder r = Replace.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                    .setOldTaskId(TaskID.newBuilder().setValue(oldId)).setNewTask(newTask).setPolicy(policy);
            offers.forEach(o -> r.addOfferIds(OfferID.newBuilder().setValue(o)));
            resources.put(newId, res);
            busy.add(oldId);
            busy.add(newId);
            busyBy.put(rid, List.of(oldId, newId));
            sendReplace(r.build(), 0);
            if (!offers.isEmpty() && w.chance(SECOND_REPLACE)) {
                // a second REPLACE of the task while this one's RESERVE may still wait for its grant (another
                // operator, or a framework that lost track): the executor refuses it as busy, and a reconnect
                // meanwhile must still report this one's reservation (finding 36)
                w.after(w.between(1_000, 300_000), "second replace of " + oldId, () -> {
                    count("second REPLACE of a task being replaced");
                    replace(oldId);
                });
            }
        };
        if (need.isEmpty()) {
            send.accept(List.of());
        } else {
            Resources ask = need;
            call("OFFERS " + ask + " for " + rid, offers(ask), offer -> send.accept(offer.hasOffers()
                    ? List.of(offer.getOffers().getOffers(0).getId().getValue()) : List.of()));
        }
    }

    private final Map<String, Replace> sentReplaces = new LinkedHashMap<>();
    /** How often an ended replacement is asked for again (an operator re-running the same command). */
    static final double AGAIN_AFTER_OUTCOME = 0.1;
    /** How often a replacement that reserves offers is followed by another REPLACE of the same old task. */
    static final double SECOND_REPLACE = 0.15;

    private void sendReplace(Replace r, int attempt) {
        String rid = r.getReplacementId().getValue();
        sentReplaces.put(rid, r);
        boolean[] answered = {false};
        call("REPLACE " + rid + " " + r.getOldTaskId().getValue() + "->" + r.getNewTask().getTaskId().getValue() + " "
                + r.getPolicy().getStrategy(), FrameworkCall.newBuilder().setReplace(r), v -> {
                    answered[0] = true;
                    if (!v.hasForwarded()) {
                        decided(rid);
                    }
                });
        w.after(5_000_000, "replace retry " + rid, () -> {
            if (!answered[0] && !decided.contains(rid) && attempt < 3) {
                w.trace("fw: no answer to REPLACE " + rid + "; retrying with the same ids");
                sendReplace(r, attempt + 1);
            }
        });
    }

    private void count(String kind) {
        kinds.merge(kind, 1, Integer::sum);
    }
}
