package io.baton.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.Keep;
import io.baton.proto.TaskState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An executor's stamp (what the shim's STATE cache is keyed by) changes exactly when its view does: through
 * launches, status updates, a replacement's reserve, give-back and end, a disconnection, and the executor expiring
 * and subscribing again as a new entry.
 */
class ExecutorStampTest {
    final LedgerFixture f = new LedgerFixture("cpus:16;mem:16384");
    final List<Object[]> stamps = new ArrayList<>();
    final List<ExecutorView> views = new ArrayList<>();

    private void look() {
        stamps.add(f.ledger.executorStamp("e1"));
        views.add(f.ledger.executor("e1"));
    }

    @Test
    void equalStampsMeanEqualViewsAndEveryChangeShows() {
        assertThat(f.subscribe("e1", "cpus:0.1;mem:32", 100).accepted()).isTrue();
        look();
        look(); // nothing changed
        f.launch("e1", "a", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        look();
        f.status("e1", "a", TaskState.TASK_RUNNING);
        look();
        f.launch("e1", "b", "cpus:1;mem:128", f.offer("cpus:1;mem:128"));
        look();
        f.replace("e1", "r1", "a", "a2", "cpus:0.5;mem:64", false, f.offer("cpus:1;mem:128"));
        look();
        f.giveBack("e1", "r1", "cpus:1;mem:128");
        look();
        f.end("e1", "r1", Keep.KEEP_NEW);
        look();
        f.status("e1", "a2", TaskState.TASK_RUNNING);
        look();
        f.status("e1", "b", TaskState.TASK_FINISHED);
        look();
        look(); // nothing changed
        // one task for another of the same size, with no look in between: the same allocation and limits after
        f.replace("e1", "r2", "a2", "a3", "cpus:0.5;mem:64", false);
        f.end("e1", "r2", Keep.KEEP_NEW);
        look();
        f.ledger.disconnected("e1", f.now);
        look();
        f.now += 3_600_000_000L;
        f.ledger.expireExecutors(f.now, 1);
        assertThat(f.ledger.executorStamp("e1")).isNull();
        assertThat(f.subscribe("e1", "cpus:0.1;mem:32", 100).accepted()).isTrue();
        look(); // a new entry, holding nothing, as the first one did at the start

        for (int i = 0; i < stamps.size(); i++) {
            for (int j = 0; j < stamps.size(); j++) {
                boolean sameStamp = Arrays.equals(stamps.get(i), stamps.get(j));
                if (sameStamp) {
                    assertThat(views.get(j)).as("views %d and %d have equal stamps", i, j).isEqualTo(views.get(i));
                }
                if (j == i + 1 && !views.get(i).equals(views.get(j))) {
                    assertThat(sameStamp).as("view %d changed into view %d but its stamp did not", i, j).isFalse();
                }
            }
        }
        assertThat(Arrays.equals(stamps.get(0), stamps.get(1))).as("nothing changed, the stamp neither").isTrue();
        assertThat(Arrays.equals(stamps.get(0), stamps.get(stamps.size() - 1)))
                .as("the re-subscribed executor is a new entry").isFalse();
        assertThat(f.ledger.verify()).isNull();
    }
}
