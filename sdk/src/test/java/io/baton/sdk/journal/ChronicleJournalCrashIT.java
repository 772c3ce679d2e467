package io.baton.sdk.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a journal-writing child JVM with SIGKILL ({@link Process#destroyForcibly()}) and checks what a
 * fresh journal replays: every acknowledged record since the last checkpoint, in order, once, and no
 * torn record.
 */
@Tag("integration")
class ChronicleJournalCrashIT {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    /** One acknowledged write: the child printed it after the journal call returned. */
    record Ack(boolean checkpoint, long sequence, long index) {
    }

    @Test
    void everyAcknowledgedRecordSurvivesRepeatedKillsInOrderAndOnce() throws Exception {
        Path dir = temp.resolve("journal");
        long lastCheckpoint = -1;
        long checkpointBefore = -1;
        long lastAcked = -1;
        long lastIndex = Long.MIN_VALUE;
        int[] killAfter = {250, 400, 300};
        for (int round = 0; round < killAfter.length; round++) {
            int target = killAfter[round];
            List<Ack> acks;
            try (Child child = Child.start(temp, "loop", dir.toString(), "200000")) {
                child.awaitLines(lines -> lines.stream().filter(l -> l.startsWith("A ") || l.startsWith("C ")).count() >= target);
                child.kill();
                acks = child.acks();
            }
            assertThat(acks).hasSizeGreaterThanOrEqualTo(target);
            for (Ack ack : acks) {
                assertThat(ack.sequence()).as("the child continues the replayed sequence").isEqualTo(lastAcked + 1);
                assertThat(ack.index()).as("indexes increase, across restarts too").isGreaterThan(lastIndex);
                lastAcked = ack.sequence();
                lastIndex = ack.index();
                if (ack.checkpoint()) {
                    checkpointBefore = lastCheckpoint;
                    lastCheckpoint = ack.sequence();
                }
            }

            List<JournalRecord> replayed = new ArrayList<>();
            try (ChronicleJournal journal = ChronicleJournal.open(dir, JournalCrashChild.options())) {
                journal.replay(replayed::add);
            }
            long first = replayed.get(0).getSequence();
            long last = replayed.get(replayed.size() - 1).getSequence();
            assertThat(replayed.get(0).hasCheckpoint()).as("replay starts at a checkpoint").isTrue();
            // a checkpoint becomes the replay start on the journal's retention thread; the next one waits for it
            assertThat(first).as("at the last acknowledged checkpoint or the one before it (its fsync still under"
                    + " way), or one written but not yet acknowledged")
                    .isBetween(Math.max(0, checkpointBefore), lastAcked + 1);
            assertThat(first == checkpointBefore || first >= lastCheckpoint).as("no checkpoint older than those")
                    .isTrue();
            assertThat(last).as("every acknowledged record is there; at most one more was written")
                    .isBetween(lastAcked, lastAcked + 1);
            for (int i = 0; i < replayed.size(); i++) {
                long sequence = first + i;
                JournalRecord expected = sequence % JournalCrashChild.CHECKPOINT_EVERY == JournalCrashChild.CHECKPOINT_EVERY - 1
                        ? Records.checkpoint(sequence) : Records.numbered(sequence);
                assertThat(replayed.get(i)).as("record %d of round %d", i, round).isEqualTo(expected);
            }
            System.out.printf("crash round %d: %d acknowledged, killed; replay %d..%d (%d records), last checkpoint %d%n",
                    round, acks.size(), first, last, replayed.size(), lastCheckpoint);
            lastAcked = last;
        }
    }

    /**
     * An executor restarting writes its records to {@link PendingRecords}' file until its queue opens: killed before
     * the queue opened, after it took them, and before it opened again on a journal with a queue, every acknowledged
     * record is replayed, in order and once — by the next {@link OpeningJournal}, by a reader
     * ({@link ChronicleJournal#replayWithPending}) and by an executor's own {@link ChronicleJournal#open}, which takes
     * them into the queue.
     */
    @Test
    void recordsWrittenBeforeTheQueueOpenedSurviveKillsInOrderAndOnce() throws Exception {
        Path dir = temp.resolve("opening");
        long lastAcked = -1;
        long[][] rounds = {{300, -1}, {400, 150}, {250, -1}}; // kill after so many, open the queue after so many
        for (int round = 0; round < rounds.length; round++) {
            long target = rounds[round][0];
            List<Ack> acks;
            try (Child child = Child.start(temp, "opening", dir.toString(), "200000", Long.toString(rounds[round][1]))) {
                child.awaitLines(lines -> lines.stream().filter(l -> l.startsWith("A ")).count() >= target);
                child.kill();
                acks = child.acks();
            }
            for (Ack ack : acks) {
                assertThat(ack.sequence()).as("the child continues the replayed sequence").isEqualTo(lastAcked + 1);
                lastAcked = ack.sequence();
            }
            assertThat(PendingRecords.exists(dir)).as("round %d: the queue took the file's records, or not", round)
                    .isEqualTo(rounds[round][1] < 0);
            List<JournalRecord> byOpening = new ArrayList<>();
            OpeningJournal next = new OpeningJournal(dir, new java.util.concurrent.CompletableFuture<ChronicleJournal>());
            next.replay(byOpening::add);
            next.abandon(); // as if killed: its writer's lock goes, nothing written
            List<JournalRecord> byQueue = new ArrayList<>();
            boolean fold = round == rounds.length - 1; // the last round's file goes into the queue as a plain open does
            if (fold) {
                List<JournalRecord> byReader = new ArrayList<>();
                try (ChronicleJournal journal = ChronicleJournal.open(dir,
                        JournalCrashChild.options().withFoldPending(false))) {
                    journal.replayWithPending(byReader::add);
                }
                assertThat(byReader).as("a reader (baton journal) sees the same").isEqualTo(byOpening);
                assertThat(PendingRecords.exists(dir)).as("and leaves the file").isTrue();
                try (ChronicleJournal journal = ChronicleJournal.open(dir, JournalCrashChild.options())) {
                    journal.replay(byQueue::add);
                }
                assertThat(PendingRecords.exists(dir)).as("taken into the queue").isFalse();
            }
            for (List<JournalRecord> replayed : fold ? List.of(byOpening, byQueue) : List.of(byOpening)) {
                long last = replayed.get(replayed.size() - 1).getSequence();
                assertThat(last).as("round %d: every acknowledged record; at most one more", round)
                        .isBetween(lastAcked, lastAcked + 1);
                for (int i = 0; i < replayed.size(); i++) {
                    assertThat(replayed.get(i)).as("record %d of round %d", i, round).isEqualTo(Records.numbered(i));
                }
            }
            System.out.printf("opening round %d: %d acknowledged, killed; replay 0..%d%n", round, acks.size(),
                    byOpening.get(byOpening.size() - 1).getSequence());
            lastAcked = byOpening.get(byOpening.size() - 1).getSequence();
        }
    }

    @Test
    void aDocumentTornByTheKillIsNeverReplayedAndAppendingContinuesAfterIt() throws Exception {
        Path dir = temp.resolve("torn");
        try (Child child = Child.start(temp, "torn", dir.toString())) {
            child.awaitLines(lines -> lines.contains("TORN"));
            child.kill();
            assertThat(child.acks()).hasSize(10);
        }
        byte[] frame = RecordFrames.encode(Records.numbered(10));
        assertThat(cycleFilesContain(dir, Arrays.copyOf(frame, frame.length / 2)))
                .as("the first half of record 10 reached the file: the kill tore a document").isTrue();

        List<JournalRecord> expected = new ArrayList<>();
        for (long i = 0; i < 10; i++) {
            expected.add(Records.numbered(i));
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, JournalCrashChild.options())) {
            assertThat(JournalContract.replayAll(journal)).containsExactlyElementsOf(expected);
            long started = System.nanoTime();
            journal.append(Records.numbered(10));
            System.out.printf("torn: first append after the kill took %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            expected.add(Records.numbered(10));
            assertThat(JournalContract.replayAll(journal)).containsExactlyElementsOf(expected);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(dir, JournalCrashChild.options())) {
            assertThat(JournalContract.replayAll(journal)).containsExactlyElementsOf(expected);
        }
    }

    private static boolean cycleFilesContain(Path dir, byte[] needle) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(CycleFiles.SUFFIX)).toList()) {
                byte[] haystack = Files.readAllBytes(file);
                for (int i = 0; i + needle.length <= haystack.length; i++) {
                    if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * A child JVM running {@link JournalCrashChild}. Its stdout goes to a file: {@link Process#destroyForcibly()}
     * closes the pipe to the child, which would lose lines still in it.
     */
    /** A {@link JournalCrashChild} process (WriterLockIT starts one too). */
    static final class Child implements AutoCloseable {
        private final Process process;
        private final Path stdout;
        private final Path stderr;

        private Child(Process process, Path stdout, Path stderr) {
            this.process = process;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        static Child start(Path temp, String... args) throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmFlags());
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), JournalCrashChild.class.getName()));
            command.addAll(Arrays.asList(args));
            Path stdout = Files.createTempFile(temp, "child", ".stdout");
            Path stderr = Files.createTempFile(temp, "child", ".stderr");
            Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            return new Child(process, stdout, stderr);
        }

        /** The flags failsafe passes (root pom's baton.jvm.flags), else the ones this JVM got. */
        private static List<String> jvmFlags() {
            String flags = System.getProperty("baton.jvm.flags");
            if (flags != null && !flags.isBlank()) {
                return Arrays.asList(flags.trim().split("\\s+"));
            }
            return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle.")).toList();
        }

        long pid() {
            return process.pid();
        }

        List<String> lines() throws IOException {
            return Files.readAllLines(stdout, StandardCharsets.UTF_8);
        }

        void awaitLines(Predicate<List<String>> done) {
            await().atMost(BOUND).pollInterval(Duration.ofMillis(5)).until(() -> {
                boolean finished = done.test(lines());
                if (!finished && !process.isAlive()) {
                    throw new AssertionError("child exited " + process.exitValue() + " early: " + Files.readString(stderr));
                }
                return finished;
            });
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("child died").isTrue();
            assertThat(process.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        }

        /** Kills the child if a failed assertion left it running. */
        @Override
        public void close() {
            process.destroyForcibly();
        }

        /** Complete lines only: the kill may cut the last line short. */
        List<Ack> acks() throws IOException {
            String text = Files.readString(stdout, StandardCharsets.UTF_8);
            List<String> complete = Arrays.asList(text.substring(0, text.lastIndexOf('\n') + 1).split("\n"));
            return complete.stream().filter(l -> l.startsWith("A ") || l.startsWith("C ")).map(l -> {
                String[] parts = l.split(" ");
                return new Ack(parts[0].equals("C"), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }).toList();
        }
    }
}
