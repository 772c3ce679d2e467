package io.baton.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Keep;
import io.baton.proto.OfferID;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.Reserve;
import io.baton.proto.ResourceList;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import java.util.List;

/** Reads like the protocol: subscribe, offer, launch, reserve, adjust, release — with a fake clock. */
class LedgerFixture {
    long now = 1_000_000_000L;
    final Ledger ledger;

    LedgerFixture(String total) {
        ledger = new Ledger(Resources.parse(total), 30_000_000L, "o");
    }

    static TaskInfo task(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    Verdict<Ledger.Subscribed> subscribe(String exec, String overhead, int uid) {
        return ledger.subscribe(ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(exec))
                .addAllOverhead(Resources.parse(overhead).toProto()).build(), 100, uid, now);
    }

    String offer(String resources) {
        return ledger.requestOffer(Resources.parse(resources), now).value().id();
    }

    Verdict<Resources> launch(String exec, String task, String resources, String... offers) {
        return ledger.launch(exec, task(task, resources), List.of(offers), now);
    }

    Verdict<String> precheck(String rid, String oldTask, String newTask, String resources, boolean concurrent,
            String... offers) {
        io.baton.proto.Replace.Builder b = io.baton.proto.Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTaskId(TaskID.newBuilder().setValue(oldTask)).setNewTask(task(newTask, resources))
                .setPolicy(io.baton.proto.ReplacePolicy.newBuilder().setStrategy(concurrent
                        ? io.baton.proto.ReplaceStrategy.START_THEN_STOP : io.baton.proto.ReplaceStrategy.STOP_THEN_START));
        for (String o : offers) {
            b.addOfferIds(OfferID.newBuilder().setValue(o));
        }
        return ledger.precheckReplace(b.build(), now);
    }

    Verdict<ReservationView> reserve(String exec, String rid, String oldTask, String newTask, String resources,
            boolean concurrent, String... offers) {
        Reserve.Builder b = Reserve.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setOldTaskId(TaskID.newBuilder().setValue(oldTask)).setNewTask(task(newTask, resources))
                .setConcurrent(concurrent);
        for (String o : offers) {
            b.addOfferIds(OfferID.newBuilder().setValue(o));
        }
        return ledger.reserve(exec, b.build(), now);
    }

    /** Routes a REPLACE (sets offers aside) and reserves, as shim + executor would. */
    Verdict<ReservationView> replace(String exec, String rid, String oldTask, String newTask, String resources,
            boolean concurrent, String... offers) {
        Verdict<String> pre = precheck(rid, oldTask, newTask, resources, concurrent, offers);
        if (!pre.accepted()) {
            return pre.cast();
        }
        return reserve(exec, rid, oldTask, newTask, resources, concurrent, offers);
    }

    Verdict<Resources> adjust(String exec, String rid, String inUse) {
        return ledger.adjust(exec, rid, Resources.parse(inUse));
    }

    Verdict<Resources> end(String exec, String rid, Keep keep) {
        return ledger.release(exec, Release.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setKeep(keep).build());
    }

    Verdict<Resources> giveBack(String exec, String rid, String resources) {
        return ledger.release(exec, Release.newBuilder().setReplacementId(ReplacementID.newBuilder().setValue(rid))
                .setGiveBack(ResourceList.newBuilder().addAllResources(Resources.parse(resources).toProto())).build());
    }

    Verdict<Ledger.StatusEffect> status(String exec, String task, TaskState state) {
        return ledger.recordStatus(exec, TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue(task))
                .setState(state).build());
    }

    void balanced() {
        assertThat(ledger.verify()).as("ledger self-check").isNull();
    }

    static String rejection(Verdict<?> v) {
        assertThat(v).isInstanceOf(Verdict.Rejected.class);
        Verdict.Rejected<?> r = (Verdict.Rejected<?>) v;
        return r.code() + ": " + r.message();
    }
}
