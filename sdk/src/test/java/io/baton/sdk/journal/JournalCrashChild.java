package io.baton.sdk.journal;

import io.baton.proto.JournalRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The process {@link ChronicleJournalCrashIT} kills. Prints one line per acknowledged write, after the
 * journal call returned: {@code A <sequence> <index>} for an append, {@code C <sequence> <index>} for a
 * checkpoint.
 *
 * <ul>
 *   <li>{@code loop <dir> <max>}: replays, then appends numbered records continuing the sequence, with a
 *       checkpoint every 97 records, until killed (or {@code max} records, a safety bound).
 *   <li>{@code torn <dir>}: appends 10 records, then starts an 11th document, writes half of it, prints
 *       {@code TORN} and waits to be killed inside the document.
 *   <li>{@code opening <dir> <max> <openAfter>}: as an executor restarting, through an {@link OpeningJournal} whose
 *       queue is not open: replays, then appends numbered records continuing the sequence, each settled (in
 *       {@link PendingRecords}' file) before it is acknowledged ({@code A <sequence> -1}); after {@code openAfter} of
 *       them (never if negative) opens the queue, which takes the held records at the next settle, and goes on.
 * </ul>
 */
public final class JournalCrashChild {
    static final int CHECKPOINT_EVERY = 97;

    private JournalCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        PrintStream out = System.out;
        if (args[0].equals("loop")) {
            loop(dir, Long.parseLong(args[2]), out);
        } else if (args[0].equals("opening")) {
            opening(dir, Long.parseLong(args[2]), Long.parseLong(args[3]), out);
        } else {
            torn(dir, out);
        }
    }

    static ChronicleJournal.Options options() {
        return ChronicleJournal.Options.defaults().withBlockSize(64 << 10);
    }

    private static void loop(Path dir, long max, PrintStream out) {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, options())) {
            List<JournalRecord> replayed = new ArrayList<>();
            journal.replay(replayed::add);
            long next = replayed.isEmpty() ? 0 : replayed.get(replayed.size() - 1).getSequence() + 1;
            for (long n = 0; n < max; n++, next++) {
                if (next % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1) {
                    long index = journal.checkpoint(Records.checkpoint(next));
                    out.println("C " + next + " " + index);
                } else {
                    long index = journal.append(Records.numbered(next));
                    out.println("A " + next + " " + index);
                }
                out.flush();
            }
        }
    }

    private static void opening(Path dir, long max, long openAfter, PrintStream out) {
        java.util.concurrent.CompletableFuture<ChronicleJournal> opening = new java.util.concurrent.CompletableFuture<>();
        OpeningJournal journal = new OpeningJournal(dir, opening);
        List<JournalRecord> replayed = new ArrayList<>();
        journal.replay(replayed::add);
        long next = replayed.isEmpty() ? 0 : replayed.get(replayed.size() - 1).getSequence() + 1;
        for (long n = 0; n < max; n++, next++) {
            if (n == openAfter) {
                opening.complete(ChronicleJournal.open(dir, options().withFoldPending(false)));
                out.println("OPEN");
            }
            journal.append(Records.numbered(next));
            journal.settle();
            out.println("A " + next + " -1");
            out.flush();
        }
    }

    private static void torn(Path dir, PrintStream out) throws InterruptedException {
        try (ChronicleJournal journal = ChronicleJournal.open(dir, options())) {
            for (long i = 0; i < 10; i++) {
                out.println("A " + i + " " + journal.append(Records.numbered(i)));
            }
        }
        byte[] frame = RecordFrames.encode(Records.numbered(10));
        ChronicleJournal.Options options = options();
        try (ChronicleQueue queue = ChronicleQueue.singleBuilder(dir).rollCycle(options.rollCycle())
                .blockSize(options.blockSize()).build();
             ExcerptAppender appender = queue.createAppender()) {
            DocumentContext dc = appender.writingDocument();
            dc.wire().bytes().write(frame, 0, frame.length / 2);
            out.println("TORN");
            out.flush();
            Thread.sleep(60_000);
            dc.close();
        }
    }
}
