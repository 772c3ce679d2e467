package io.baton.sdk.it;

import static io.baton.proto.TaskState.TASK_FAILED;
import static io.baton.proto.TaskState.TASK_KILLED;
import static io.baton.proto.TaskState.TASK_KILLING;
import static io.baton.proto.TaskState.TASK_ROLLED_BACK;
import static io.baton.proto.TaskState.TASK_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.FrameworkResponse;
import io.baton.proto.NodeState;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import io.baton.resources.Resources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * DESIGN §8's crash matrix on real processes: the executor, and separately the shim, is SIGKILLed at
 * each point of a replacement and started again. The shim is a {@code ShimMain} child process (cgroup
 * v1 isolator where writable), the executor a {@link ProcessExecutor} child whose tasks are real
 * processes, the framework this test. Each case gets to its point deterministically, through a
 * failpoint ({@code baton.failpoint} in the executor, {@code baton.shim.failpoint} in the shim) or by
 * waiting for an observable signal of a phase that lasts (an update, a progress event, a marker file)
 * before the kill. Then, per case: the replacement's one outcome; exactly one of old and new running
 * (the real processes, and the shim's task list); the ledger balanced; the container's limits (the
 * shim's and, where writable, the real cgroup's) equal to the allocation; every update delivered,
 * never a state after a terminal one. docs/RELIABILITY.md carries the table. Run a subset with
 * {@code -Dbaton.crash.cases=E4,S4}. Cases run two at a time (each on its own work directories, sockets and
 * cgroups): a case spends about half its time waiting for child JVMs and its phases' signals.
 */
@Execution(ExecutionMode.CONCURRENT)
class CrashMatrixIT {
    static final String OLD = "cpus:1;mem:512";
    static final String NEW = "cpus:0.5;mem:256"; // smaller: fits the old task's resources, no offer to lose
    /** How long a "stubborn" task (ignores SIGTERM) holds a phase open: the window the signal-driven kills hit. */
    static final long GRACE_MS = 1_500;
    static final Map<String, List<TaskState>> COMMITTED = Map.of("a", List.of(TASK_RUNNING, TASK_KILLING, TASK_KILLED),
            "b", List.of(TASK_RUNNING));
    static final Map<String, List<TaskState>> ROLLED_BACK = Map.of("a", List.of(TASK_RUNNING, TASK_KILLING,
            TASK_ROLLED_BACK), "b", List.of(TASK_FAILED));

    /** The points of DESIGN §8. */
    enum Point {
        REQUEST_RECEIVED, WAITING_FOR_EXECUTOR, WAITING_FOR_OLD_TASK, KILLING_OLD_TASK, AFTER_OLD_TERMINAL,
        MONITORING_NEW_START, ROLLING_BACK
    }

    enum Killed { EXECUTOR, SHIM }

    /** One row of the matrix: where, who, and how the test gets there. */
    enum Case {
        E1(Point.REQUEST_RECEIVED, Killed.EXECUTOR, "failpoint journaled:replace_requested"),
        S1(Point.REQUEST_RECEIVED, Killed.SHIM, "shim failpoint replace-received; the framework re-sends"),
        S1D(Point.REQUEST_RECEIVED, Killed.SHIM, "shim failpoint replace-reserved (reserved on delivery, not sent)"),
        S1R(Point.REQUEST_RECEIVED, Killed.SHIM, "shim failpoint reserve-received (executor's RESERVE unanswered; the "
                + "shim's reserve on delivery off)"),
        E2(Point.WAITING_FOR_EXECUTOR, Killed.EXECUTOR, "REPLACE queued for the absent executor; killed again at "
                + "journaled:replace_requested while re-registering"),
        S2(Point.WAITING_FOR_EXECUTOR, Killed.SHIM, "REPLACE queued for the absent executor; the framework re-sends"),
        E3(Point.WAITING_FOR_OLD_TASK, Killed.EXECUTOR, "REPLACE queued while the executor is in its recover hook"),
        S3(Point.WAITING_FOR_OLD_TASK, Killed.SHIM, "REPLACE queued while the executor is in its recover hook; "
                + "the framework re-sends"),
        E4(Point.KILLING_OLD_TASK, Killed.EXECUTOR, "after the old task's TASK_KILLING (it ignores SIGTERM)"),
        S4(Point.KILLING_OLD_TASK, Killed.SHIM, "after the old task's TASK_KILLING (it ignores SIGTERM)"),
        E5(Point.AFTER_OLD_TERMINAL, Killed.EXECUTOR, "failpoint journaled:task-state:TASK_KILLED"),
        S5(Point.AFTER_OLD_TERMINAL, Killed.SHIM, "shim failpoint adjust-received"),
        E6(Point.MONITORING_NEW_START, Killed.EXECUTOR, "new task's process up, not RUNNING yet (3 s)"),
        S6(Point.MONITORING_NEW_START, Killed.SHIM, "new task's process up, not RUNNING yet (3 s)"),
        E7(Point.ROLLING_BACK, Killed.EXECUTOR, "progress ROLLING_BACK (new task never RUNNING, ignores SIGTERM)"),
        S7(Point.ROLLING_BACK, Killed.SHIM, "progress ROLLING_BACK (new task never RUNNING, ignores SIGTERM)");

        final Point point;
        final Killed killed;
        final String how;

        Case(Point point, Killed killed, String how) {
            this.point = point;
            this.killed = killed;
            this.how = how;
        }

        @Override
        public String toString() {
            return name() + " " + killed + " killed at " + point + " (" + how + ")";
        }
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Case.class)
    void killedAndRestarted(Case c) throws Exception {
        String only = System.getProperty("baton.crash.cases", "");
        Assumptions.assumeTrue(only.isEmpty() || List.of(only.split(",")).contains(c.name()),
                "not in -Dbaton.crash.cases=" + only);
        long t0 = System.nanoTime();
        try (CrashNode node = new CrashNode(dir)) {
            try {
                run(c, node);
            } catch (AssertionError | Exception e) {
                throw new AssertionError(c + " failed; process output:\n" + node.outputs(), e);
            }
        }
        System.out.printf("CrashMatrixIT %s: %d ms%n", c.name(), (System.nanoTime() - t0) / 1_000_000);
    }

    private void run(Case c, CrashNode node) throws Exception {
        boolean rollback = c.point == Point.ROLLING_BACK;
        // S1R: this request moves no resources, so the shim would reserve it on delivery and no RESERVE would come
        node.startShim(shimFailpoint(c), c == Case.S1R ? List.of("-Dbaton.shim.reserveOnDelivery=false") : List.of());
        try (Session s = new Session(node)) {
            node.startExecutor(executorFailpoint(c), s.fw, true);
            s.fw.launch(task("a", OLD, c.point == Point.KILLING_OLD_TASK ? "stubborn" : "ok", GRACE_MS));
            TaskInfo b = task("b", NEW, switch (c.point) {
                case MONITORING_NEW_START -> "slow";
                case ROLLING_BACK -> "stubborn-slow";
                default -> "ok";
            }, GRACE_MS);
            long startTimeout = rollback ? 1_000 : 20_000;
            crash(c, node, s, b, startTimeout);

            TaskStatus out = s.fw.awaitOutcome("r1");
            ReplacementOutcome expected = rollback ? ReplacementOutcome.ROLLED_BACK : ReplacementOutcome.COMMITTED;
            assertThat(out.getOutcome()).as("outcome").isEqualTo(expected);
            String running = rollback ? "a" : "b";
            String gone = rollback ? "b" : "a";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                NodeState st = s.fw.state();
                assertThat(st.getExecutors(0).getTasksList()).extracting(t -> t.getTaskId().getValue())
                        .as("the shim's tasks").containsExactly(running);
                assertThat(node.alive(running)).as(running + "'s process runs").isTrue();
                assertThat(node.alive(gone)).as(gone + "'s process is gone").isFalse();
                node.assertBalanced(st, Resources.parse(rollback ? OLD : NEW));
            });
            s.fw.awaitAll(rollback ? ROLLED_BACK : COMMITTED);
            s.fw.assertUpdates("r1", expected, rollback ? ROLLED_BACK : COMMITTED);
            retryIsHarmless(node, s, b, startTimeout, expected, rollback);
            System.out.println("CrashMatrixIT " + c.name() + ": " + expected + ", " + running + " runs, "
                    + node.describeContainer() + ", updates " + s.fw.summary());
        }
    }

    /**
     * A framework that lost its connection cannot know whether its REPLACE went through, so it sends it
     * again, same replacement id: after the outcome that must change nothing — no new update (a
     * TASK_LOST for the running new task would be a lie), the same ledger and container.
     */
    private static void retryIsHarmless(CrashNode node, Session s, TaskInfo b, long startTimeout,
            ReplacementOutcome outcome, boolean rollback) throws Exception {
        FrameworkResponse again = s.fw.replace("r1", "a", b, startTimeout);
        assertThat(again.hasForwarded()).as("a retry of ended replacement r1 is answered idempotently: %s", again)
                .isTrue();
        s.fw.drainUpdates(); // an update caused by the retry is published before the answer
        s.fw.assertUpdates("r1", outcome, rollback ? ROLLED_BACK : COMMITTED);
        node.assertBalanced(s.fw.state(), Resources.parse(rollback ? OLD : NEW));
    }

    /** Brings the replacement to the case's point, kills the process there, and starts it again. */
    private void crash(Case c, CrashNode node, Session s, TaskInfo b, long startTimeout) throws Exception {
        switch (c) {
            case E1, E5 -> {
                replaced(s.fw.replace("r1", "a", b, startTimeout));
                node.awaitExecutorDeath();
                node.startExecutor(null, s.fw, false);
            }
            case S1, S1D -> {
                s.fw.replaceNoAnswer("r1", "a", b, startTimeout);
                node.awaitShimDeath();
                restartShim(node, s, true);
                replaced(s.fw.replace("r1", "a", b, startTimeout)); // no answer came: the framework tries again
            }
            case S1R, S5 -> {
                replaced(s.fw.replace("r1", "a", b, startTimeout));
                node.awaitShimDeath();
                restartShim(node, s, false);
            }
            case E2 -> {
                node.killExecutor(s.fw);
                assertThat(s.fw.replace("r1", "a", b, startTimeout).getForwarded().getQueued()).as("queued").isTrue();
                node.startExecutor("journaled:replace_requested", s.fw, false);
                node.awaitExecutorDeath();
                node.startExecutor(null, s.fw, false);
            }
            case S2 -> {
                node.killExecutor(s.fw);
                assertThat(s.fw.replace("r1", "a", b, startTimeout).getForwarded().getQueued()).as("queued").isTrue();
                node.killShim();
                restartShim(node, s, false);
                node.startExecutor(null, s.fw, true);
                replaced(s.fw.replace("r1", "a", b, startTimeout)); // the queue died with the shim
            }
            case E3, S3 -> {
                node.killExecutor(s.fw);
                node.holdRecovery();
                node.startExecutor(null, s.fw, false);
                node.awaitRecovering();
                assertThat(s.fw.replace("r1", "a", b, startTimeout).getForwarded().getQueued()).as("queued").isTrue();
                if (c == Case.E3) {
                    node.killExecutor(s.fw);
                    node.releaseRecovery();
                    node.startExecutor(null, s.fw, false);
                } else {
                    node.killShim();
                    restartShim(node, s, false);
                    node.releaseRecovery();
                    node.awaitSubscribed(s.fw);
                    replaced(s.fw.replace("r1", "a", b, startTimeout)); // the queue died with the shim
                }
            }
            case E4, S4 -> {
                replaced(s.fw.replace("r1", "a", b, startTimeout));
                s.fw.awaitUpdate(u -> u.getTaskId().getValue().equals("a") && u.getState() == TASK_KILLING);
                assertThat(node.alive("a")).as("the old task is still draining at the kill").isTrue();
                killAndRestart(c, node, s);
            }
            case E6, S6 -> {
                replaced(s.fw.replace("r1", "a", b, startTimeout));
                await().atMost(Duration.ofSeconds(20)).until(() -> node.alive("b"));
                killAndRestart(c, node, s);
            }
            case E7, S7 -> {
                replaced(s.fw.replace("r1", "a", b, startTimeout));
                s.fw.awaitPhase("ROLLING_BACK");
                assertThat(node.alive("b")).as("the new task is still being stopped at the kill").isTrue();
                killAndRestart(c, node, s);
            }
            default -> throw new IllegalStateException("no scenario for " + c);
        }
    }

    private static void killAndRestart(Case c, CrashNode node, Session s) throws Exception {
        if (c.killed == Killed.EXECUTOR) {
            node.killExecutor(s.fw);
            node.startExecutor(null, s.fw, false);
        } else {
            node.killShim();
            restartShim(node, s, false);
        }
    }

    private static void restartShim(CrashNode node, Session s, boolean waitForExecutor) throws Exception {
        node.startShim(null);
        s.fw.reconnect();
        if (waitForExecutor) {
            node.awaitSubscribed(s.fw);
        }
    }

    private static void replaced(FrameworkResponse r) {
        assertThat(r.hasForwarded()).as("replace forwarded: %s", r).isTrue();
    }

    private static String shimFailpoint(Case c) {
        return switch (c) {
            case S1 -> "replace-received";
            case S1R -> "reserve-received";
            case S1D -> "replace-reserved";
            case S5 -> "adjust-received";
            default -> null;
        };
    }

    private static String executorFailpoint(Case c) {
        return switch (c) {
            case E1 -> "journaled:replace_requested";
            case E5 -> "journaled:task-state:TASK_KILLED";
            default -> null;
        };
    }

    static TaskInfo task(String id, String resources, String mode, long graceMs) {
        return ExecutorCrashIT.task(id, resources, mode, graceMs);
    }

    /** The framework's connection for one case. */
    private static final class Session implements AutoCloseable {
        final CrashFramework fw;

        Session(CrashNode node) throws Exception {
            fw = new CrashFramework(node.frameworkSocket(), node.token());
        }

        @Override
        public void close() {
            fw.close();
        }
    }
}
