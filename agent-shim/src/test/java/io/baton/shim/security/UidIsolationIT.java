package io.baton.shim.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.Adjust;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Keep;
import io.baton.proto.NodeState;
import io.baton.proto.RejectCode;
import io.baton.proto.Release;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementProgress;
import io.baton.proto.Reserve;
import io.baton.proto.TaskID;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.proto.Update;
import io.baton.resources.Resources;
import io.baton.shim.testing.TestExecutor;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, non-root uid (nobody, 65534) against root's executor e1, over the real Unix socket (see
 * {@link UidRelay}). With the default file modes it cannot even connect. With the executor socket opened
 * to everyone (an operator's choice, to let non-root executors in) it can run its own executor but cannot
 * act on e1's tasks, reservation or container, nor subscribe as e1 — while e1 is connected, while it is
 * away, or after a shim restart — whatever ids it forges. Root may take over any executor id.
 */
class UidIsolationIT {
    @TempDir
    Path dir;
    SecurityShim shim;
    TestFramework fw;
    TestExecutor e1;

    @BeforeEach
    void start() throws Exception {
        UidRelay.assumeRootWithSetpriv();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        shim = new SecurityShim(SecurityShim.config(dir.resolve("shim")));
        fw = shim.framework();
        e1 = shim.executor("e1");
        SecurityShim.launch(fw, e1, "a", "cpus:1;mem:512");
        assertThat(e1.update("a", TaskState.TASK_RUNNING).hasAccepted()).isTrue();
    }

    @AfterEach
    void stop() {
        if (e1 != null) {
            e1.close();
        }
        if (fw != null) {
            fw.close();
        }
        if (shim != null) {
            shim.close();
        }
    }

    private void openExecutorSocketToEveryone() throws Exception {
        Files.setPosixFilePermissions(shim.config.workDir(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(shim.config.executorSocket(), PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    private static void refused(ExecutorResponse r, RejectCode code, String... mentions) {
        assertThat(r.hasRejected()).as("%s", r).isTrue();
        assertThat(r.getRejected().getCode()).as("%s", r).isEqualTo(code);
        assertThat(r.getRejected().getMessage()).contains(mentions);
    }

    private static ExecutorCall.Builder subscribeAs(String id, String... tasks) {
        ExecutorSubscribe.Builder b = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(id))
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto());
        for (String t : tasks) {
            b.addTasks(TaskRecord.newBuilder().setTask(SecurityShim.task(t, "cpus:1;mem:512")).setState(TaskState.TASK_RUNNING));
        }
        return ExecutorCall.newBuilder().setSubscribe(b);
    }

    @Test
    void theDefaultFileModesKeepAnotherUidFromConnectingAtAll() throws Exception {
        String modes = "work dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(shim.config.workDir()))
                + ", executor.sock " + PosixFilePermissions.toString(Files.getPosixFilePermissions(shim.config.executorSocket()))
                + ", framework.sock " + PosixFilePermissions.toString(Files.getPosixFilePermissions(shim.config.frameworkSocket()));
        for (Path socket : new Path[] {shim.config.executorSocket(), shim.config.frameworkSocket()}) {
            try (UidRelay r = UidRelay.connect(socket, UidRelay.NOBODY)) {
                assertThat(r.greeting).as("uid 65534 connecting to %s (%s)", socket, modes)
                        .startsWith("CONNECT-FAILED uid=65534").contains("Permission denied");
            }
        }
        // even with the directory opened, the 0600 sockets keep it out
        Files.setPosixFilePermissions(shim.config.workDir(), PosixFilePermissions.fromString("rwxr-xr-x"));
        try (UidRelay r = UidRelay.connect(shim.config.executorSocket(), UidRelay.NOBODY)) {
            assertThat(r.greeting).contains("Permission denied");
        }
        System.out.println("UidIsolationIT: default modes (" + modes + "): uid 65534 cannot connect to either socket");
    }

    @Test
    void withTheSocketOpenAnotherUidCannotActOnRootsExecutorEvenWithForgedIds() throws Exception {
        openExecutorSocketToEveryone();
        assertThat(e1.reserve("r1", "a", SecurityShim.task("b", "cpus:1;mem:256"), false, java.util.List.of())
                .hasReserved()).isTrue();
        NodeState before = shim.state();
        long e1Limit = shim.isolator.hardLimit("e1").orElseThrow();
        int refusals = 0;
        try (UidRelay n = UidRelay.connect(shim.config.executorSocket(), UidRelay.NOBODY)) {
            assertThat(n.greeting).startsWith("CONNECTED uid=65534");
            ExecutorResponse asE1 = n.call(subscribeAs("e1", "a"));
            assertThat(asE1.getRejected().getCode()).as("%s", asE1).isIn(RejectCode.NOT_OWNER, RejectCode.CONFLICT);
            assertThat(asE1.getRejected().getMessage()).contains("e1");
            ExecutorResponse own = n.call(subscribeAs("n1"));
            assertThat(own.hasSubscribed()).as("its own executor: %s", own).isTrue();
            refused(n.call(update("a", TaskState.TASK_FINISHED)), RejectCode.NOT_OWNER, "a", "e1");
            refused(n.call(update("b", TaskState.TASK_FAILED)), RejectCode.NOT_OWNER, "b", "e1");
            refused(n.call(ExecutorCall.newBuilder().setReserve(Reserve.newBuilder().setReplacementId(rid("r2"))
                    .setOldTaskId(tid("a")).setNewTask(SecurityShim.task("c", "cpus:1;mem:128")))), RejectCode.NOT_OWNER, "a");
            refused(n.call(ExecutorCall.newBuilder().setAdjust(Adjust.newBuilder().setReplacementId(rid("r1"))
                    .addAllInUse(Resources.parse("cpus:1;mem:512").toProto()))), RejectCode.NOT_OWNER, "r1");
            for (Keep keep : new Keep[] {Keep.KEEP_NONE, Keep.KEEP_OLD, Keep.KEEP_NEW}) {
                refused(n.call(ExecutorCall.newBuilder().setRelease(Release.newBuilder().setReplacementId(rid("r1"))
                        .setKeep(keep))), RejectCode.NOT_OWNER, "r1");
            }
            refused(n.call(ExecutorCall.newBuilder().setProgress(ReplacementProgress.newBuilder()
                    .setReplacementId(rid("r1")).setPhase("COMMITTED").setOldTaskId(tid("a")))), RejectCode.NOT_OWNER, "a");
            refusals += 9;
        }
        // and the framework socket (kill, launch, replace) stays closed to it
        try (UidRelay f = UidRelay.connect(shim.config.frameworkSocket(), UidRelay.NOBODY)) {
            assertThat(f.greeting).contains("Permission denied");
        }
        NodeState after = shim.state();
        assertThat(after.getReservationsList()).isEqualTo(before.getReservationsList());
        assertThat(after.getReservedList()).isEqualTo(before.getReservedList());
        assertThat(shim.isolator.hardLimit("e1")).contains(e1Limit);
        assertThat(shim.server.verifyLedger()).isNull();

        // e1 goes away (its tasks stay its own while it may re-subscribe): uid 65534 still cannot become e1
        assertThat(e1.release("r1", Keep.KEEP_OLD).hasReleased()).isTrue();
        e1.close();
        e1 = null;
        await().atMost(Duration.ofSeconds(5)).until(() -> shim.state().getExecutorsList().stream()
                .anyMatch(x -> x.getExecutorId().getValue().equals("e1") && !x.getConnected()));
        for (String[] claim : new String[][] {{"a"}, {}}) {
            try (UidRelay n = UidRelay.connect(shim.config.executorSocket(), UidRelay.NOBODY)) {
                refused(n.call(subscribeAs("e1", claim)), RejectCode.NOT_OWNER, "e1", "uid 0", "uid 65534");
                refusals++;
            }
        }
        assertThat(shim.state().getExecutorsList()).filteredOn(x -> x.getExecutorId().getValue().equals("e1"))
                .singleElement().satisfies(x -> assertThat(x.getTasksList()).extracting(t -> t.getTaskId().getValue())
                        .containsExactly("a"));
        // root's e1 comes back to what it left
        try (TestExecutor back = new TestExecutor(shim.config.executorSocket(), "e1")) {
            ExecutorResponse r = back.call(subscribeAs("e1", "a"));
            assertThat(r.hasSubscribed()).as("%s", r).isTrue();
            assertThat(r.getSubscribed().getLostTasksList()).isEmpty();
        }
        assertThat(shim.server.verifyLedger()).isNull();
        System.out.println("UidIsolationIT: socket opened to all: uid 65534 refused " + refusals + " times "
                + "(CONFLICT / NOT_OWNER), root's ledger entries and container unchanged");
    }

    @Test
    void aShimRestartDoesNotHandAnExecutorIdToAnotherUid() throws Exception {
        e1.close();
        e1 = null;
        fw.close();
        fw = null;
        shim.close();
        shim = new SecurityShim(shim.config); // same work dir; the ledger starts empty
        openExecutorSocketToEveryone();
        try (UidRelay n = UidRelay.connect(shim.config.executorSocket(), UidRelay.NOBODY)) {
            refused(n.call(subscribeAs("e1", "a")), RejectCode.NOT_OWNER, "e1", "uid 0", "uid 65534");
        }
        assertThat(shim.state().getExecutorsCount()).isZero();
        try (TestExecutor back = new TestExecutor(shim.config.executorSocket(), "e1")) {
            assertThat(back.call(subscribeAs("e1", "a")).hasSubscribed()).isTrue();
        }
        try (UidRelay n = UidRelay.connect(shim.config.executorSocket(), UidRelay.NOBODY)) {
            assertThat(n.call(subscribeAs("n1")).hasSubscribed()).as("a fresh id is free for anyone").isTrue();
        }
    }

    private static ExecutorCall.Builder update(String task, TaskState state) {
        java.util.UUID u = java.util.UUID.randomUUID();
        byte[] uuid = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array();
        return ExecutorCall.newBuilder().setUpdate(Update.newBuilder().setStatus(TaskStatus.newBuilder()
                .setTaskId(tid(task)).setState(state).setUuid(com.google.protobuf.ByteString.copyFrom(uuid))));
    }

    private static ReplacementID rid(String id) {
        return ReplacementID.newBuilder().setValue(id).build();
    }

    private static TaskID tid(String id) {
        return TaskID.newBuilder().setValue(id).build();
    }
}
