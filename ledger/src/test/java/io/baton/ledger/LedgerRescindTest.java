package io.baton.ledger;

import static io.baton.ledger.LedgerFixture.rejection;
import static io.baton.ledger.LedgerFixture.task;
import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A restarted shim knows nothing until its executors come back, so it may offer what they still hold.
 * Their re-subscription wins: unused offers are rescinded (newest first, only as many as needed), and a
 * framework that then uses one is told why.
 */
class LedgerRescindTest {
    final Ledger fresh = new Ledger(Resources.parse("cpus:4;mem:4096"), 30_000_000L, "o");

    static ExecutorSubscribe holding(String exec, String... tasks) {
        ExecutorSubscribe.Builder b = ExecutorSubscribe.newBuilder().setExecutorId(ExecutorID.newBuilder().setValue(exec))
                .addAllOverhead(Resources.parse("cpus:0.1;mem:32").toProto());
        for (int i = 0; i < tasks.length; i++) {
            b.addTasks(TaskRecord.newBuilder().setTask(task(exec + "-t" + i, tasks[i])).setState(TaskState.TASK_RUNNING));
        }
        return b.build();
    }

    @Test
    void aReturningExecutorTakesBackWhatUnusedOffersHeldAndTheOffersSayWhyTheyAreGone() {
        String older = fresh.requestOffer(Resources.parse("cpus:2;mem:2048"), 0).value().id();
        String newer = fresh.requestOffer(Resources.parse("cpus:2;mem:2048"), 0).value().id();
        assertThat(fresh.free().isEmpty()).isTrue();

        var back = fresh.subscribe(holding("e1", "cpus:1;mem:512"), 10, 0, 1);
        assertThat(back.accepted()).as("%s", back).isTrue();
        assertThat(fresh.verify()).isNull();
        assertThat(fresh.offers()).extracting(OfferView::id).as("only the newest, and only what was needed")
                .containsExactly(older);

        var late = fresh.launch("e1", task("x", "cpus:1;mem:64"), List.of(newer), 2);
        assertThat(rejection(late)).contains(newer).contains("rescinded: executor e1 holds its resources");
        assertThat(fresh.verify()).isNull();
    }

    @Test
    void offersAreRescindedOnlyAsFarAsNeededAndASubscriptionThatStillDoesNotFitIsRefused() {
        fresh.requestOffer(Resources.parse("cpus:3;mem:3072"), 0);
        var refused = fresh.subscribe(holding("e1", "cpus:2;mem:2048"), 10, 0, 1);
        // cpus:1 free + the cpus:3 offer = 4, enough: accepted
        assertThat(refused.accepted()).as("%s", refused).isTrue();
        assertThat(fresh.offers()).isEmpty();

        String kept = fresh.requestOffer(Resources.parse("cpus:0.5;mem:64"), 2).value().id();
        var tooBig = fresh.subscribe(holding("e2", "cpus:3;mem:64"), 11, 0, 3);
        assertThat(rejection(tooBig)).startsWith("OVER_TOTAL: executor e2 reports holding cpus:3.1;mem:96")
                .contains("counting 1 unused offers");
        assertThat(fresh.offers()).as("a refused subscription rescinds nothing").extracting(OfferView::id)
                .containsExactly(kept);
        assertThat(fresh.verify()).isNull();
    }
}
