package io.baton.sdk.journal;

import com.google.protobuf.ByteString;
import io.baton.proto.Checkpoint;
import io.baton.proto.JournalRecord;
import io.baton.proto.Label;
import io.baton.proto.ReplaceRequested;
import io.baton.proto.ReplacementID;
import io.baton.proto.StatusAcknowledged;
import io.baton.proto.StatusRecorded;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskLaunched;
import io.baton.proto.TaskSpec;
import io.baton.proto.TaskState;
import io.baton.proto.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** Journal records for tests: numbered ones and a seeded mix of every kind and size. */
final class Records {
    private Records() {
    }

    /** Every record {@code journal} replays, in order. */
    static java.util.List<JournalRecord> replayAll(Journal journal) {
        java.util.List<JournalRecord> out = new java.util.ArrayList<>();
        journal.replay(out::add);
        return out;
    }

    /** Every file in {@code dir} with its size and modification time: what a reader or a refused writer must leave. */
    static java.util.Map<String, String> files(java.nio.file.Path dir) throws java.io.IOException {
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        try (java.util.stream.Stream<java.nio.file.Path> list = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : list.toList()) {
                files.put(f.getFileName().toString(), java.nio.file.Files.size(f) + " "
                        + java.nio.file.Files.getLastModifiedTime(f).toMillis());
            }
        }
        return files;
    }

    static JournalRecord numbered(long sequence) {
        return JournalRecord.newBuilder().setSequence(sequence).setTimeUs(1_700_000_000_000_000L + sequence)
                .setStatusAcknowledged(StatusAcknowledged.newBuilder()
                        .setTaskId(TaskID.newBuilder().setValue("task-" + sequence)))
                .build();
    }

    static JournalRecord checkpoint(long sequence) {
        return JournalRecord.newBuilder().setSequence(sequence)
                .setCheckpoint(Checkpoint.newBuilder().setUptoSequence(sequence)).build();
    }

    /** Record {@code sequence} of a deterministic mix: empty, tiny, unicode, binary and up to 8 KiB. */
    static JournalRecord varied(long sequence) {
        Random random = new Random(sequence * 31 + 7);
        JournalRecord.Builder record = JournalRecord.newBuilder();
        switch ((int) (sequence % 6)) {
            case 0 -> {
                // the default instance: zero bytes of protobuf
            }
            case 1 -> record.setSequence(sequence).setTimeUs(-random.nextLong());
            case 2 -> record.setSequence(sequence).setReplaceRequested(ReplaceRequested.newBuilder().setRequest(
                    io.baton.proto.Replace.newBuilder()
                            .setReplacementId(ReplacementID.newBuilder().setValue("r-" + sequence + "-ä漢字🙂"))
                            .setOldTaskId(TaskID.newBuilder().setValue("old-" + sequence))
                            .setNewTask(task(random, sequence))));
            case 3 -> record.setSequence(sequence).setTaskLaunched(TaskLaunched.newBuilder().setTask(task(random, sequence)));
            case 4 -> record.setSequence(sequence).setStatusRecorded(StatusRecorded.newBuilder().setStatus(
                    TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t" + sequence))
                            .setState(TaskState.values()[random.nextInt(TaskState.values().length - 1)])
                            .setUuid(ByteString.copyFrom(bytes(random, 16)))
                            .setMessage("m".repeat(random.nextInt(300)))));
            default -> record.setSequence(sequence).setCheckpoint(Checkpoint.newBuilder().setUptoSequence(sequence));
        }
        return record.build();
    }

    private static TaskInfo task(Random random, long sequence) {
        TaskInfo.Builder task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("task-" + sequence))
                .setName("name\n\t\0" + sequence)
                .setSpec(TaskSpec.newBuilder().setKind("command")
                        .setValue(new String(bytes(random, random.nextInt(8192)), StandardCharsets.ISO_8859_1))
                        .putParams("k", "v" + sequence));
        for (int i = random.nextInt(4); i > 0; i--) {
            task.addLabels(Label.newBuilder().setKey("k" + i).setValue("v" + random.nextInt()));
        }
        return task.build();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }
}
