package io.baton.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.baton.proto.ExecutorID;
import io.baton.proto.ExecutorSubscribe;
import io.baton.proto.Keep;
import io.baton.proto.TaskRecord;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Random operation sequences never break the ledger's invariant and never leak: 300 sequences
 * (QuickTheories). A failure prints the smallest failing sequence and the seed; replay it with
 * {@code -Dtest=LedgerPropertiesTest -DQT_SEED=<seed>}.
 */
class LedgerPropertiesTest {
    static final int CASES = 300;
    /** QuickTheories skips a generated case equal to one it already ran; the margin keeps CASES checked. */
    static final int EXAMPLES = CASES + CASES / 10;
    private static final String[] SIZES = {"cpus:0.5;mem:64", "cpus:1;mem:256", "cpus:0.25", "mem:128",
            "cpus:2;mem:512;ports:[31000-31009]", "cpus:0.1;mem:32;ports:[31010-31010]"};

    /** What one sequence reached, so the run can check it exercised replacements, not only offers. */
    record Reached(boolean reserved, boolean ended) {
    }

    @Test
    void randomOperationsKeepTheLedgerBalanced() {
        List<Reached> runs = new ArrayList<>();
        qt().withExamples(EXAMPLES).forAll(lists().of(integers().between(0, 99_999)).ofSizeBetween(1, 80))
                .checkAssert(ops -> runs.add(run(ops)));
        long reserved = runs.stream().filter(Reached::reserved).count();
        long ended = runs.stream().filter(Reached::ended).count();
        System.out.printf("LedgerPropertiesTest: %d sequences; a replacement reserved in %d, ended in %d%n",
                runs.size(), reserved, ended);
        assertThat(runs).hasSizeGreaterThanOrEqualTo(CASES);
        assertThat(reserved * 100 / runs.size()).as("percent of sequences reserving a replacement").isGreaterThan(15);
        assertThat(ended * 100 / runs.size()).as("percent of sequences ending a replacement").isGreaterThan(5);
    }

    private static Reached run(List<Integer> ops) {
        LedgerFixture f = new LedgerFixture("cpus:4;mem:2048;ports:[31000-31019]");
        String[] execs = {"e1", "e2"};
        for (String e : execs) {
            f.subscribe(e, "cpus:0.1;mem:32", 0).value();
        }
        int seq = 0;
        int reserved = 0;
        int ended = 0;
        for (int op : ops) {
            String exec = execs[op % 2];
            String size = SIZES[(op / 2) % SIZES.length];
            int kind = (op / 16) % 10;
            List<String> tasks = f.ledger.executor(exec) == null ? List.of() : f.ledger.executor(exec).taskIds();
            List<ReservationView> mine = new ArrayList<>();
            f.ledger.reservations().stream().filter(r -> r.executorId().equals(exec)).forEach(mine::add);
            seq++;
            switch (kind) {
                case 0, 1 -> {
                    var o = f.ledger.requestOffer(Resources.parse(size), f.now);
                    if (o.accepted()) {
                        f.launch(exec, "t" + seq, size, o.value().id());
                    }
                }
                case 2 -> {
                    if (!tasks.isEmpty()) {
                        f.status(exec, tasks.get(op % tasks.size()), TaskState.TASK_FINISHED);
                    }
                }
                case 3, 4 -> {
                    if (!tasks.isEmpty()) {
                        var o = f.ledger.requestOffer(Resources.parse(SIZES[op % SIZES.length]), f.now);
                        String[] offers = o.accepted() ? new String[] {o.value().id()} : new String[0];
                        if (f.replace(exec, "r" + seq, tasks.get(op % tasks.size()), "t" + seq, size, op % 3 == 0,
                                offers).accepted()) {
                            reserved++;
                        }
                    }
                }
                case 5 -> mine.forEach(r -> f.adjust(exec, r.replacementId(), op % 2 == 0
                        ? r.newResources().toString() : r.oldResources().toString()));
                case 6 -> {
                    for (ReservationView r : mine) {
                        if (f.end(exec, r.replacementId(), Keep.forNumber(1 + op % 3)).accepted()) {
                            ended++;
                        }
                    }
                }
                case 7 -> mine.forEach(r -> f.giveBack(exec, r.replacementId(), r.pool().minus(r.newResources())
                        .minus(r.inUse()).toString()));
                case 8 -> f.now += 10_000_000L * (op % 5);
                default -> resubscribe(f, exec, op);
            }
            f.balanced();
            assertThat(f.ledger.total().contains(f.ledger.allocated().plus(f.ledger.reserved()).plus(f.ledger.offered())))
                    .isTrue();
        }
        // wind down: end every reservation, finish every task, let offers expire: only overheads remain
        for (ReservationView r : f.ledger.reservations()) {
            f.end(r.executorId(), r.replacementId(), Keep.KEEP_NONE).value();
        }
        for (String e : execs) {
            for (String t : f.ledger.executor(e).taskIds()) {
                f.status(e, t, TaskState.TASK_KILLED).value();
            }
        }
        f.ledger.expireOffers(f.now + 31_000_000L);
        assertThat(f.ledger.allocated()).isEqualTo(Resources.parse("cpus:0.2;mem:64"));
        assertThat(f.ledger.reserved().isEmpty()).isTrue();
        f.balanced();
        return new Reached(reserved > 0, ended > 0);
    }

    /** The executor reconnects reporting exactly what the ledger has (or drops one task). */
    private static void resubscribe(LedgerFixture f, String exec, int op) {
        ExecutorView v = f.ledger.executor(exec);
        ExecutorSubscribe.Builder b = ExecutorSubscribe.newBuilder()
                .setExecutorId(ExecutorID.newBuilder().setValue(exec)).addAllOverhead(v.overhead().toProto());
        List<String> ids = v.taskIds();
        for (int i = 0; i < ids.size(); i++) {
            if (op % 4 == 0 && i == 0) {
                continue; // this one the executor forgot: it must come back as lost
            }
            b.addTasks(TaskRecord.newBuilder().setTask(f.ledger.executorMapForTest(exec, ids.get(i)))
                    .setState(TaskState.TASK_RUNNING));
        }
        f.ledger.reservations().stream().filter(r -> r.executorId().equals(exec)).forEach(r -> b.addReservations(r.toRecord()));
        f.ledger.disconnected(exec, f.now);
        var s = f.ledger.subscribe(b.build(), 1, 0, f.now).value();
        assertThat(s.lostTasks()).hasSize(op % 4 == 0 && !ids.isEmpty() ? 1 : 0);
    }
}
