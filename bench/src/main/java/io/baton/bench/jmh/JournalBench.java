package io.baton.bench.jmh;

import io.baton.proto.JournalRecord;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskLaunched;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.journal.ChronicleJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One journal record appended to a {@link ChronicleJournal} in a temp directory: PROCESS durability
 * (append only: in the memory-mapped file, survives kill -9) and SYNC (append, then fsync). A fresh
 * journal per iteration keeps the disk use bounded.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.F1, JvmFlags.F2, JvmFlags.F3, JvmFlags.F4, JvmFlags.F5, JvmFlags.F6,
        JvmFlags.F7, JvmFlags.F8, JvmFlags.F9, JvmFlags.F10, JvmFlags.F11})
public class JournalBench {
    @Param({"PROCESS", "SYNC"})
    public String durability;

    Path dir;
    ChronicleJournal journal;
    JournalRecord record;
    long seq;

    /** A representative record: a launched task with its TaskInfo (~150 bytes). */
    public static JournalRecord sample(long seq) {
        TaskInfo t = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("worker-000042")).setName("worker")
                .addAllResources(Resources.parse("cpus:0.5;mem:256;ports:[31000-31009]").toProto())
                .setSpec(TaskSpec.newBuilder().setKind("thread").setValue("ok").putParams("period_ms", "100"))
                .build();
        return JournalRecord.newBuilder().setSequence(seq).setTimeUs(1_700_000_000_000_000L + seq)
                .setTaskLaunched(TaskLaunched.newBuilder().setTask(t).setState(TaskState.TASK_RUNNING)).build();
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory("baton-jmh-journal");
        journal = ChronicleJournal.open(dir, ChronicleJournal.Options.defaults().withBlockSize(256 << 10));
        record = sample(0);
    }

    @TearDown(Level.Iteration)
    public void close() {
        journal.close();
        deleteTree(dir);
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public long append() {
        long index = journal.append(record);
        if (durability.equals("SYNC")) {
            journal.sync();
        }
        return index;
    }
}
