package io.baton.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.ledger.LedgerEntries.ReservationEntry;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The index by task when several live reservations name one task (the rules never let them; the book stays exact
 * anyway): the earliest live one is named, whichever of them ends first.
 */
class ReservationBookTest {
    private static ReservationEntry entry(String id, String oldTask, String newTask) {
        Resources r = Resources.parse("cpus:1");
        return new ReservationEntry(id, "e1", task(oldTask), r, task(newTask), r, false, List.of(), r);
    }

    private static TaskInfo task(String id) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).build();
    }

    @Test
    void theEarliestLiveReservationNamesATaskWhicheverEndsFirst() {
        ReservationBook book = new ReservationBook();
        ReservationEntry a = entry("r1", "t1", "t2");
        ReservationEntry b = entry("r2", "t1", "t3");
        ReservationEntry c = entry("r3", "t4", "t1");
        book.add(a);
        book.add(b);
        book.add(c);
        assertThat(book.naming("t1")).isSameAs(a);

        book.remove("r2"); // a later one ends: nothing changes for t1, t3 is named by none
        assertThat(book.naming("t1")).isSameAs(a);
        assertThat(book.naming("t3")).isNull();

        book.remove("r1"); // the named one ends: the next earliest takes its place
        assertThat(book.naming("t1")).isSameAs(c);
        assertThat(book.naming("t2")).isNull();

        book.remove("r3");
        assertThat(book.naming("t1")).isNull();
        assertThat(book.byTask()).isEmpty();
    }

    @Test
    void aReservationWhoseOldAndNewTaskAreOneIsIndexedOnce() {
        ReservationBook book = new ReservationBook();
        ReservationEntry a = entry("r1", "t1", "t1");
        ReservationEntry b = entry("r2", "t1", "t1");
        book.add(a);
        book.add(b);
        book.remove("r1");
        assertThat(book.naming("t1")).isSameAs(b);
        book.remove("r2");
        assertThat(book.byTask()).isEmpty();
    }
}
