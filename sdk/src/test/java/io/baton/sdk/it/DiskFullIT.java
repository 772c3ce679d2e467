package io.baton.sdk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.FrameworkCall;
import io.baton.proto.GetState;
import io.baton.proto.JournalRecord;
import io.baton.proto.Kill;
import io.baton.proto.NodeState;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplacementID;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.journal.Tmpfs;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import io.baton.shim.testing.JavaProcess;
import io.baton.shim.testing.TestFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real executor process whose work directory (journal and task pid files) is a small tmpfs that a
 * ballast file fills up: new replacements are refused with a typed final update naming the journal, the
 * free and the needed bytes; the executor stays up, its tasks keep running and a kill still goes
 * through; once the ballast is deleted a replacement commits, and after a SIGKILL the journal replays
 * with no record missing and the executor recovers the new task.
 */
class DiskFullIT {
    static final String TOKEN = "disk-token";

    @TempDir
    Path dir;
    Tmpfs fs;
    Path work;
    ShimServer shim;
    ShimConfig config;
    TestFramework fw;
    JavaProcess executor;
    final List<TaskStatus> seen = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        try {
            if (executor != null) {
                executor.kill9();
            }
            if (work != null && Files.isDirectory(work)) {
                try (var pids = Files.newDirectoryStream(work, "*.pid")) {
                    for (Path pid : pids) {
                        long p = Long.parseLong(Files.readString(pid).trim().split(" ")[0]);
                        ProcessHandle.of(p).ifPresent(h -> {
                            h.descendants().forEach(ProcessHandle::destroyForcibly);
                            h.destroyForcibly();
                        });
                    }
                }
            }
            if (fw != null) {
                fw.close();
            }
            if (shim != null) {
                shim.close();
            }
        } finally {
            if (fs != null) {
                fs.close();
            }
        }
    }

    @Test
    void aFullJournalDiskRefusesNewReplacementsKeepsTheExecutorUpAndRecovers() throws Exception {
        fs = Tmpfs.mountOrSkip(dir.resolve("mnt"), 16L << 20);
        work = fs.path().resolve("exec");
        config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:8;mem:8192"), "none");
        shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
        fw = TestFramework.unix(config.frameworkSocket());
        fw.subscribe(TOKEN, true);
        startExecutor();
        launch(task("a", "ok"));
        launch(task("b", "ok"));

        long ballast = fs.fill();
        System.out.printf("tmpfs full: ballast %d bytes, %d usable%n", ballast, fs.usable());
        Path journal = work.resolve("journal");
        for (int i = 1; i <= 5; i++) {
            replace("full-" + i, "a", task("a2", "ok"));
            TaskStatus refused = outcome("full-" + i);
            assertThat(refused.getOutcome()).isEqualTo(ReplacementOutcome.REJECTED);
            assertThat(refused.getReason()).isEqualTo(TaskReason.REPLACE_JOURNAL_FULL);
            assertThat(refused.getState()).isEqualTo(TaskState.TASK_LOST);
            assertThat(refused.getTaskId().getValue()).isEqualTo("a2");
            assertThat(refused.getMessage()).contains(journal.toString()).containsPattern("has \\d+ bytes free")
                    .containsPattern("\\d+ needed to accept new replacements").contains("free space there and retry");
            if (i == 1) {
                System.out.println("refusal: " + refused.getMessage());
            }
        }
        assertThat(executor.process.isAlive()).as("executor alive while the disk is full").isTrue();
        assertThat(alive("a")).isTrue();
        assertThat(state().getReservationsCount()).isZero();
        // work on existing tasks goes on, on the journal's pre-allocated runway
        fw.call(FrameworkCall.newBuilder().setKill(Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue("b"))));
        awaitUpdate(s -> s.getTaskId().getValue().equals("b") && s.getState() == TaskState.TASK_KILLED);
        assertThat(alive("b")).isFalse();
        assertThat(executor.process.isAlive()).isTrue();

        fs.dropBallast();
        replace("after", "a", task("a2", "ok"));
        assertThat(outcome("after").getOutcome()).isEqualTo(ReplacementOutcome.COMMITTED);
        converged();
        assertThat(executor.output()).doesNotContain("InternalError", "SIGBUS", "fatal error");

        executor.kill9();
        List<JournalRecord> records = new ArrayList<>();
        try (ChronicleJournal j = ChronicleJournal.open(journal, ChronicleJournal.Options.defaults())) {
            j.replay(records::add);
        }
        for (int i = 1; i < records.size(); i++) {
            assertThat(records.get(i).getSequence()).as("record %d follows %d with no gap", i, i - 1)
                    .isEqualTo(records.get(i - 1).getSequence() + 1);
        }
        assertThat(records).filteredOn(JournalRecord::hasReplaceRequested)
                .extracting(r -> r.getReplaceRequested().getRequest().getReplacementId().getValue()).containsExactly("after");
        assertThat(records).filteredOn(r -> r.hasStatusRecorded()
                && r.getStatusRecorded().getStatus().getTaskId().getValue().equals("b")
                && r.getStatusRecorded().getStatus().getState() == TaskState.TASK_KILLED).hasSize(1);
        System.out.printf("journal after recovery: %d records, sequences %d..%d, none missing%n", records.size(),
                records.get(0).getSequence(), records.get(records.size() - 1).getSequence());

        startExecutor();
        converged();
    }

    private void startExecutor() throws Exception {
        executor = JavaProcess.start(List.of(), ProcessExecutor.class.getName(), "--id", "e1", "--work-dir",
                work.toString(), "--shim", config.executorSocket().toString());
        JavaProcess started = executor;
        try {
            await().atMost(Duration.ofSeconds(20)).failFast(() -> !started.process.isAlive()).until(() -> {
                NodeState s = state();
                return s.getExecutorsCount() == 1 && s.getExecutors(0).getConnected();
            });
        } catch (RuntimeException e) {
            throw new AssertionError("executor did not subscribe; its output:\n" + started.output(), e);
        }
    }

    private void converged() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            NodeState s = state();
            assertThat(s.getReservationsCount()).as("no reservation left").isZero();
            assertThat(s.getExecutors(0).getTasksList()).extracting(t -> t.getTaskId().getValue())
                    .containsExactly("a2");
            assertThat(alive("a2")).as("a2 runs").isTrue();
            assertThat(alive("a")).as("a is gone").isFalse();
        });
        assertThat(shim.verifyLedger()).isNull();
    }

    private NodeState state() throws InterruptedException {
        return fw.call(FrameworkCall.newBuilder().setState(GetState.getDefaultInstance())).getState();
    }

    private static TaskInfo task(String id, String mode) {
        return ExecutorCrashIT.task(id, "cpus:1;mem:64", mode, 1_000);
    }

    private TaskStatus awaitUpdate(Predicate<TaskStatus> match) throws InterruptedException {
        return Acks.awaitUpdate(fw, seen, match);
    }

    private void launch(TaskInfo t) throws InterruptedException {
        Acks.launch(fw, seen, "e1", t);
    }

    private void replace(String rid, String old, TaskInfo neu) throws InterruptedException {
        var r = fw.call(FrameworkCall.newBuilder().setReplace(Replace.newBuilder()
                .setReplacementId(ReplacementID.newBuilder().setValue(rid)).setOldTaskId(TaskID.newBuilder().setValue(old))
                .setNewTask(neu).setPolicy(ReplacePolicy.newBuilder().setStartTimeoutMs(20_000).setDrainTimeoutMs(20_000))));
        assertThat(r.hasForwarded()).as("forwarded: %s", r).isTrue();
    }

    private TaskStatus outcome(String rid) throws InterruptedException {
        return awaitUpdate(s -> s.getReplacementId().getValue().equals(rid)
                && s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED);
    }

    private boolean alive(String task) throws Exception {
        Path pid = work.resolve(task + ".pid");
        if (!Files.exists(pid)) {
            return false;
        }
        String[] parts = Files.readString(pid).trim().split(" ");
        long p = Long.parseLong(parts[0]);
        return ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)
                && ProcessExecutor.startTime(p).equals(parts[1]);
    }
}
