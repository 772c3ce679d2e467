package io.baton.shim.core;

import static io.baton.shim.core.CoreFixture.execReply;
import static io.baton.shim.core.CoreFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.RejectCode;
import io.baton.proto.TaskInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A subscription the shim refuses: answered with the reason, logged (then every 12th try while it goes on), and
 * listed in STATE until the executor subscribes or stops trying.
 */
class RefusedSubscriptionsTest {
    static final long EXEC = 1;
    final CoreFixture f = new CoreFixture("cpus:4;mem:4096");

    @Test
    void aSubscriptionTheLedgerRefusesIsAnsweredWithTheReasonAndLoggedAtWarnThenEvery12thTry() {
        List<Effect> out = f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"), task("t1", "cpus:1;mem:128"));
        assertThat(execReply(out).getRejected().getCode()).isEqualTo(RejectCode.DUPLICATE_TASK);
        assertThat(CoreFixture.all(out, Effect.Note.class)).singleElement().satisfies(n -> {
            assertThat(n.level()).isEqualTo(Effect.Note.Level.WARN);
            assertThat(n.text()).isEqualTo("executor e1 (pid 4242, uid 1000): subscription refused (DUPLICATE_TASK):"
                    + " task t1 is reported twice");
        });
        assertThat(CoreFixture.all(out, Effect.Attach.class)).as("nothing attached").isEmpty();
        assertThat(f.core.ledger().executor("e1")).isNull();
        List<Integer> loggedAt = new java.util.ArrayList<>(List.of(1));
        for (int i = 2; i <= 30; i++) {
            List<Effect> again = f.subscribe(EXEC, "e1", task("t1", "cpus:1;mem:128"), task("t1", "cpus:1;mem:128"));
            List<Effect.Note> notes = CoreFixture.all(again, Effect.Note.class);
            if (!notes.isEmpty()) {
                loggedAt.add(i);
                assertThat(notes).singleElement().extracting(Effect.Note::text).isEqualTo("executor e1 (pid 4242, uid"
                        + " 1000): subscription refused (DUPLICATE_TASK): task t1 is reported twice (" + i
                        + " times in a row)");
            }
        }
        assertThat(loggedAt).as("then once every 12 tries").containsExactly(1, 2, 3, 12, 24);
    }

    @Test
    void aRefusedSubscriptionIsInStateUntilTheExecutorSubscribes() {
        TaskInfo t1 = task("t1", "cpus:1;mem:128");
        f.subscribe(EXEC, "e1", t1, t1);
        long first = f.now;
        f.now += 5_000_000;
        f.subscribe(EXEC, "e1", t1, t1);
        assertThat(f.core.state().getRefusedSubscriptionsList()).singleElement().satisfies(r -> {
            assertThat(r.getExecutorId().getValue()).isEqualTo("e1");
            assertThat(r.getCode()).isEqualTo(RejectCode.DUPLICATE_TASK);
            assertThat(r.getMessage()).isEqualTo("task t1 is reported twice");
            assertThat(r.getTimes()).as("refused twice in a row, the same way").isEqualTo(2);
            assertThat(r.getPid()).isEqualTo(4242);
            assertThat(r.getUid()).isEqualTo(1000);
            assertThat(r.getFirstAtUs()).isEqualTo(first);
            assertThat(r.getLastAtUs()).isEqualTo(f.now);
        });
        f.now += 5_000_000;
        f.attachFailure = "cgroup.procs: permission denied";
        assertThat(execReply(f.subscribe(EXEC, "e1", t1)).getRejected().getCode())
                .isEqualTo(RejectCode.ISOLATOR_FAILED);
        assertThat(f.core.state().getRefusedSubscriptionsList()).singleElement().satisfies(r -> {
            assertThat(r.getCode()).isEqualTo(RejectCode.ISOLATOR_FAILED);
            assertThat(r.getMessage()).contains("could not put executor e1 (pid 4242)", "permission denied");
            assertThat(r.getTimes()).as("another reason counts from one").isEqualTo(1);
            assertThat(r.getFirstAtUs()).isEqualTo(f.now);
        });
        f.attachFailure = null;
        assertThat(execReply(f.subscribe(EXEC, "e1", t1)).hasSubscribed()).isTrue();
        assertThat(f.core.state().getRefusedSubscriptionsList()).as("gone once it subscribed").isEmpty();
    }

    @Test
    void refusedSubscriptionsAreForgottenWhenTheExecutorStopsTryingAndKeptForAtMost64Executors() {
        TaskInfo t1 = task("t1", "cpus:1;mem:128");
        for (int i = 0; i < RefusedSubscriptions.MAX + 1; i++) {
            f.subscribe(1_000 + i, "e" + i, t1, t1);
            f.now += 1_000;
        }
        assertThat(f.core.state().getRefusedSubscriptionsList()).as("the least recently refused dropped")
                .extracting(r -> r.getExecutorId().getValue()).hasSize(RefusedSubscriptions.MAX)
                .doesNotContain("e0").startsWith("e1").endsWith("e" + RefusedSubscriptions.MAX);
        f.now += 30_000_000;
        f.subscribe(EXEC, "e1", t1, t1);
        f.feed(new Input.Tick(f.now + 31_000_000)); // the recovery timeout (60 s) after the others' last try
        assertThat(f.core.state().getRefusedSubscriptionsList()).as("only the one that still tries")
                .extracting(r -> r.getExecutorId().getValue()).containsExactly("e1");
    }
}
