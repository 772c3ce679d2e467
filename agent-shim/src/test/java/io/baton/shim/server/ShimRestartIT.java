package io.baton.shim.server;

import static io.baton.shim.server.ShimHarness.launch;
import static io.baton.shim.server.ShimHarness.offer;
import static io.baton.shim.server.ShimHarness.replace;
import static io.baton.shim.server.ShimHarness.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.NodeState;
import io.baton.proto.RejectCode;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReservationRecord;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.shim.ShimMain;
import io.baton.shim.testing.JavaProcess;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shim persists nothing: after it is killed with SIGKILL and started again, executors
 * re-subscribe with their tasks and live reservations and the ledger is rebuilt from them.
 */
class ShimRestartIT {
    static final String TOTAL = "cpus:4;mem:4096;ports:[31000-31099]";

    @TempDir
    Path dir;

    private JavaProcess startShim() throws Exception {
        JavaProcess p = JavaProcess.start(dir.resolve("shim.log"), ShimMain.class.getName(), "--work-dir",
                dir.toString(), "--isolator", "none", "--resources", TOTAL, "--node", "n1");
        p.awaitLine("baton shim ready");
        return p;
    }

    private static NodeState state(TestFramework fw) throws InterruptedException {
        return fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
    }

    @Test
    void aKilledShimRebuildsItsLedgerFromReSubscriptions() throws Exception {
        ReservationRecord reservation;
        NodeState before;
        JavaProcess shim = startShim();
        String token = Files.readString(dir.resolve("framework.token")).trim();
        try (TestExecutor e1 = new TestExecutor(dir.resolve("executor.sock"), "e1");
                TestFramework fw = TestFramework.unix(dir.resolve("framework.sock"))) {
            e1.subscribe("cpus:0.1;mem:32");
            fw.subscribe(token, true);
            launch(fw, "e1", task("a", "cpus:1;mem:512"), offer(fw, "cpus:1;mem:512"));
            launch(fw, "e1", task("b", "cpus:1;mem:256"), offer(fw, "cpus:1;mem:256"));
            String o = offer(fw, "cpus:1;mem:512");
            replace(fw, "r1", "a", task("a2", "cpus:2;mem:1024"), ReplaceStrategy.STOP_THEN_START, o);
            reservation = e1.reserve("r1", "a", task("a2", "cpus:2;mem:1024"), false, List.of(o)).getReserved();
            e1.adjust("r1", "cpus:2;mem:1024");
            before = state(fw);
            shim.kill9();
        }

        try (JavaProcess again = startShim();
                TestExecutor e1 = new TestExecutor(dir.resolve("executor.sock"), "e1");
                TestFramework fw = TestFramework.unix(dir.resolve("framework.sock"))) {
            var sub = e1.subscribe(ExecutorSubscribe.newBuilder()
                    .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())
                    .addTasks(TaskRecord.newBuilder().setTask(task("b", "cpus:1;mem:256")).setState(TaskState.TASK_RUNNING))
                    .addReservations(reservation.toBuilder().clearInUse()
                            .addAllInUse(Resources.parse("cpus:2;mem:1024").toProto())));
            assertThat(sub.hasSubscribed()).isTrue();
            assertThat(sub.getSubscribed().getLostTasksCount()).isZero();
            fw.subscribe(Files.readString(dir.resolve("framework.token")).trim(), true);
            NodeState after = state(fw);
            assertThat(Resources.fromProto(after.getAllocatedList())).isEqualTo(Resources.fromProto(before.getAllocatedList()));
            assertThat(Resources.fromProto(after.getReservedList())).isEqualTo(Resources.fromProto(before.getReservedList()));
            assertThat(Resources.fromProto(after.getExecutors(0).getLimitsList()))
                    .isEqualTo(Resources.parse("cpus:3.1;mem:1312"));
            assertThat(after.getReservations(0).getReplacementId().getValue()).isEqualTo("r1");

            // the executor finishes the replacement against the rebuilt ledger
            assertThat(e1.release("r1", io.baton.proto.Keep.KEEP_NEW).hasReleased()).isTrue();
            assertThat(Resources.fromProto(state(fw).getFreeList()))
                    .isEqualTo(Resources.parse("cpus:0.9;mem:2784;ports:[31000-31099]"));
            assertThat(again.process.isAlive()).isTrue();
        }
    }

    @Test
    void aReSubscriptionBeyondTheTotalIsRefusedWithTheNumbers() throws Exception {
        try (JavaProcess shim = startShim(); TestExecutor e1 = new TestExecutor(dir.resolve("executor.sock"), "e1")) {
            var r = e1.subscribe(ExecutorSubscribe.newBuilder()
                    .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto())
                    .addTasks(TaskRecord.newBuilder().setTask(task("huge", "cpus:8")).setState(TaskState.TASK_RUNNING)));
            assertThat(r.getRejected().getCode()).isEqualTo(RejectCode.OVER_TOTAL);
            assertThat(r.getRejected().getMessage()).isEqualTo("executor e1 reports holding cpus:8.1;mem:32 but only "
                    + "cpus:4;mem:4096;ports:[31000-31099] of the node total cpus:4;mem:4096;ports:[31000-31099] is "
                    + "available to it (missing cpus:4.1)");
        }
    }

    @Test
    void aSecondShimOnTheSameWorkDirIsRefused() throws Exception {
        try (JavaProcess shim = startShim();
                JavaProcess second = JavaProcess.start(dir.resolve("s2.log"), ShimMain.class.getName(), "--work-dir",
                        dir.toString(), "--isolator", "none", "--resources", TOTAL)) {
            assertThat(second.awaitLine("baton shim:")).contains("another shim is running on work directory");
            assertThat(second.process.waitFor()).isEqualTo(2);
        }
    }
}
