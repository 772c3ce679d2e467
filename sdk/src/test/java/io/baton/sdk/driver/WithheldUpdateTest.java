package io.baton.sdk.driver;

import static io.baton.sdk.driver.DriverFixture.last;
import static io.baton.sdk.driver.DriverFixture.launch;
import static io.baton.sdk.driver.DriverFixture.replace;
import static io.baton.sdk.driver.DriverFixture.task;
import static io.baton.sdk.driver.DriverFixture.updates;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.RejectCode;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskState;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task's own update while a replacement manages it is withheld (the engine speaks for it); when the replacement
 * ends leaving the task as it was, the update goes out. Found by the yarn CI on 2026-12-04: the old task's launch was
 * still under way when the REPLACE came, the RESERVE was refused, and the framework saw the task STAGING for ever.
 */
class WithheldUpdateTest {
    private final DriverFixture f = new DriverFixture();

    /** The REPLACE of a by b comes before a reports RUNNING (or after, {@code runningFirst}); its RESERVE is refused. */
    private List<Effect> refusedReplacement(boolean runningFirst) {
        ExecutorDriver d = f.subscribed();
        Effect.RunHook launch = last(f.event(d, launch(task("a"))), Effect.RunHook.class);
        assertThat(launch.hook()).isEqualTo(Hook.LAUNCH);
        d.step(new Input.HookReturned(launch, true, null, f.now += 1_000));
        Input running = new Input.TaskReported("a", launch.incarnation(), TaskState.TASK_RUNNING, "up", f.now += 1_000);
        if (runningFirst) {
            assertThat(updates(d.step(running))).hasSize(1);
        }
        Effect.Call reserve = last(f.event(d, replace("r1", "a", task("b"))), Effect.Call.class);
        if (!runningFirst) {
            assertThat(updates(d.step(running))).as("withheld: the replacement manages a").isEmpty();
        }
        List<Effect> refused = d.step(new Input.Answered(reserve, Input.Answer.rejected(
                RejectCode.INSUFFICIENT_RESOURCES, "no room"), f.now += 1_000));
        assertThat(d.engine().replacement("r1").phase()).isEqualTo(Phase.REJECTED);
        return refused;
    }

    @Test
    void theOldTasksRunningWithheldDuringARefusedReplacementIsSentWhenItEnds() {
        List<Effect> refused = refusedReplacement(false);
        assertThat(updates(refused)).extracting(s -> s.getTaskId().getValue() + " " + s.getState() + " "
                + s.getOutcome()).containsExactly("b TASK_LOST REJECTED", "a TASK_RUNNING OUTCOME_UNSPECIFIED");
        assertThat(updates(refused).get(1).getMessage()).isEqualTo("up");
    }

    @Test
    void nothingIsSentTwiceWhenNothingWasWithheld() {
        List<Effect> refused = refusedReplacement(true);
        assertThat(updates(refused)).as("a's RUNNING went out before the replacement").extracting(s -> s.getTaskId()
                .getValue()).containsExactly("b");
        assertThat(updates(refused).get(0).getOutcome()).isEqualTo(ReplacementOutcome.REJECTED);
    }
}
