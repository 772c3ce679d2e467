package io.baton.shim.fuzz;

import com.google.protobuf.ByteString;
import io.baton.proto.Acknowledge;
import io.baton.proto.Adjust;
import io.baton.proto.Decline;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkSubscribe;
import io.baton.proto.GetState;
import io.baton.proto.Heartbeat;
import io.baton.proto.Keep;
import io.baton.proto.Kill;
import io.baton.proto.Launch;
import io.baton.proto.OfferID;
import io.baton.proto.Reconcile;
import io.baton.proto.Release;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementProgress;
import io.baton.proto.RequestOffers;
import io.baton.proto.Reserve;
import io.baton.proto.ResourceList;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.resources.Resources;
import java.util.List;

/** One valid call of every type, as seeds for mutation. */
final class Calls {
    private Calls() {
    }

    static TaskID task(String id) {
        return TaskID.newBuilder().setValue(id).build();
    }

    static ReplacementID rid(String id) {
        return ReplacementID.newBuilder().setValue(id).build();
    }

    static TaskInfo taskInfo(String id, String resources) {
        return TaskInfo.newBuilder().setTaskId(task(id)).setName(id)
                .addAllResources(Resources.parse(resources).toProto()).build();
    }

    static ByteString uuid() {
        return ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    }

    static List<ExecutorCall> executorCalls() {
        ExecutorCall.Builder b = ExecutorCall.newBuilder().setCorrelationId(7);
        return List.of(
                b.clone().setSubscribe(ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder()
                        .setValue("fz-exec")).addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())).build(),
                b.clone().setUpdate(Update.newBuilder().setStatus(TaskStatus.newBuilder().setTaskId(task("t1"))
                        .setState(TaskState.TASK_RUNNING).setUuid(uuid()))).build(),
                b.clone().setReserve(Reserve.newBuilder().setReplacementId(rid("r1")).setOldTaskId(task("t1"))
                        .setNewTask(taskInfo("t2", "cpus:1;mem:128;ports:[31005-31005]"))
                        .addOfferIds(OfferID.newBuilder().setValue("o1"))).build(),
                b.clone().setAdjust(Adjust.newBuilder().setReplacementId(rid("r1"))
                        .addAllInUse(Resources.parse("cpus:1;mem:128").toProto())).build(),
                b.clone().setRelease(Release.newBuilder().setReplacementId(rid("r1")).setKeep(Keep.KEEP_NEW)).build(),
                b.clone().setRelease(Release.newBuilder().setReplacementId(rid("r1")).setGiveBack(ResourceList
                        .newBuilder().addAllResources(Resources.parse("mem:64").toProto()))).build(),
                b.clone().setHeartbeat(Heartbeat.getDefaultInstance()).build(),
                b.clone().setProgress(ReplacementProgress.newBuilder().setReplacementId(rid("r1"))
                        .setOldTaskId(task("t1")).setNewTaskId(task("t2"))).build());
    }

    static List<FrameworkCall> frameworkCalls() {
        FrameworkCall.Builder b = FrameworkCall.newBuilder().setCorrelationId(9);
        OfferID o1 = OfferID.newBuilder().setValue("o1").build();
        return List.of(
                b.clone().setSubscribe(FrameworkSubscribe.newBuilder().setToken(FuzzShim.TOKEN).setName("fz")).build(),
                b.clone().setOffers(RequestOffers.newBuilder().addAllResources(Resources.parse("cpus:1;mem:64")
                        .toProto())).build(),
                b.clone().setDecline(Decline.newBuilder().addOfferIds(o1)).build(),
                b.clone().setLaunch(Launch.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue("fz-exec"))
                        .setTask(taskInfo("t9", "cpus:1;mem:64")).addOfferIds(o1)).build(),
                b.clone().setKill(Kill.newBuilder().setTaskId(task("t1")).setGracePeriodMs(10)).build(),
                b.clone().setReplace(io.baton.proto.Replace.newBuilder().setReplacementId(rid("r1"))
                        .setOldTaskId(task("t1")).setNewTask(taskInfo("t2", "cpus:1;mem:64")).addOfferIds(o1)
                        .setPolicy(ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.START_THEN_STOP))).build(),
                b.clone().setReconcile(Reconcile.newBuilder().addTaskIds(task("t1"))).build(),
                b.clone().setAcknowledge(Acknowledge.newBuilder().setTaskId(task("t1")).setUuid(uuid())).build(),
                b.clone().setAcknowledge(Acknowledge.newBuilder().setTaskId(task("t1")).setUuid(uuid())
                        .addMore(io.baton.proto.UpdateRef.newBuilder().setTaskId(task("t2")).setUuid(uuid()))
                        .addMore(io.baton.proto.UpdateRef.getDefaultInstance())).build(),
                b.clone().setQuiet(true).setAcknowledge(Acknowledge.newBuilder().setTaskId(task("t1")).setUuid(uuid())
                        .addMore(io.baton.proto.UpdateRef.newBuilder().setTaskId(task("t2")).setUuid(uuid()))).build(),
                b.clone().setState(GetState.getDefaultInstance()).build(),
                b.clone().setHeartbeat(io.baton.proto.Heartbeat.getDefaultInstance()).build());
    }
}
