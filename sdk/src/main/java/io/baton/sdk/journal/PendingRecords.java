package io.baton.sdk.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Records appended while the journal's Chronicle queue is not open yet, in a plain file beside the queue's
 * ({@value #NAME}), so that a restarting executor can act on what it journals — subscribe, send, kill, launch —
 * before Chronicle's start-up (a few hundred ms of class loading and initialisation on two cores) is over. The
 * queue takes them, first and in order, once it is open; the file is deleted after that, once the queue holds them
 * as durably as the file did.
 *
 * <p>Layout: the 8 bytes {@code BATONPR1}, then one frame per record: its length (4 bytes, little-endian), the
 * CRC-32C of the record's bytes (4 bytes), the record (protobuf). A frame that is cut short, empty or does not match
 * its checksum ends the file: it is where a crash interrupted the last write, and {@link Writer} cuts it off before
 * writing again.
 *
 * <p>Which of its records the queue already holds is told by their sequence numbers, which every record carries
 * and which only grow ({@code JournaledEngine} numbers them): the queue takes the file's records after everything
 * else, so a crash half way through leaves the queue ending with a prefix of them, and the ones to take are those
 * numbered above the queue's last record ({@link #after}).
 */
final class PendingRecords {
    static final String NAME = "pending.rec";
    private static final byte[] MAGIC = {'B', 'A', 'T', 'O', 'N', 'P', 'R', '1'};
    private static final int FRAME_HEAD = 8;
    /** Larger than any record appended before the queue opens (checkpoints, the only big ones, need the queue). */
    static final int MAX_RECORD = 64 << 20;

    /**
     * What the file holds.
     *
     * @param records its whole records, in order
     * @param validLength the bytes they take, with the magic; anything after is a torn last write
     * @param fileLength the file's length
     */
    record Contents(List<JournalRecord> records, long validLength, long fileLength) {
        static final Contents NONE = new Contents(List.of(), 0, 0);
    }

    private PendingRecords() {
    }

    static Path path(Path dir) {
        return dir.resolve(NAME);
    }

    static boolean exists(Path dir) {
        return Files.exists(path(dir));
    }

    /** The file's records in {@code dir} ({@link Contents#NONE} when there is no file). */
    static Contents read(Path dir) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(path(dir));
        } catch (NoSuchFileException e) {
            return Contents.NONE;
        }
        if (all.length < MAGIC.length) {
            return new Contents(List.of(), 0, all.length); // created, its magic never fully written
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (all[i] != MAGIC[i]) {
                throw new IOException(path(dir) + " is not a file of records held while the journal's queue opened"
                        + " (it does not start with " + new String(MAGIC, java.nio.charset.StandardCharsets.US_ASCII)
                        + ")");
            }
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        List<JournalRecord> out = new ArrayList<>();
        int at = MAGIC.length;
        while (all.length - at >= FRAME_HEAD) {
            int length = b.getInt(at);
            int crc = b.getInt(at + 4);
            // every record held carries a sequence, so none is empty: a zero length is a zero-filled tail (a file grown
            // before its data reached the disk), whose CRC would match
            if (length <= 0 || length > all.length - at - FRAME_HEAD || crc(all, at + FRAME_HEAD, length) != crc) {
                break;
            }
            try {
                out.add(JournalRecord.parseFrom(ByteBuffer.wrap(all, at + FRAME_HEAD, length)));
            } catch (InvalidProtocolBufferException e) {
                break; // the checksum matched bytes that are not a record: treated as torn, as a bad checksum is
            }
            at += FRAME_HEAD + length;
        }
        return new Contents(List.copyOf(out), at, all.length);
    }

    /** Of {@code records}, those numbered above {@code lastSequence} (the queue's last record): the ones to take. */
    static List<JournalRecord> after(List<JournalRecord> records, long lastSequence) {
        int first = 0;
        while (first < records.size() && records.get(first).getSequence() <= lastSequence) {
            first++;
        }
        return records.subList(first, records.size());
    }

    /**
     * Hands {@code journal} (just opened) the records of its directory's file it does not hold yet — a process died
     * before its {@link OpeningJournal} handed them over — fsyncs it and deletes the file.
     */
    static void fold(ChronicleJournal journal) {
        Path dir = journal.dir();
        try {
            Contents c = read(dir);
            if (c == Contents.NONE) {
                return;
            }
            if (!c.records().isEmpty()) {
                after(c.records(), replayNoting(journal, r -> { })).forEach(journal::append);
                journal.sync();
            }
            delete(dir);
        } catch (IOException e) {
            throw new JournalException(dir, "taking the records of " + NAME, e);
        }
    }

    /** Replays {@code journal} into {@code consumer}; returns the highest sequence replayed (MIN_VALUE if none). */
    static long replayNoting(Journal journal, java.util.function.Consumer<JournalRecord> consumer) {
        long[] last = {Long.MIN_VALUE};
        journal.replay(r -> {
            last[0] = Math.max(last[0], r.getSequence());
            consumer.accept(r);
        });
        return last[0];
    }

    /** Deletes the file, if there is one, and makes the deletion durable. */
    static void delete(Path dir) throws IOException {
        if (Files.deleteIfExists(path(dir))) {
            DurableFiles.forceDirectory(dir);
        }
    }

    /**
     * fsyncs the queue's files as an earlier process left them (its cycle files and Chronicle's metadata) and the
     * directory: a record that process appended and never fsynced, which recovery acts on again, is then on disk
     * before a {@code SYNC} kill or launch, as {@code ChronicleJournal}'s first sync makes sure once the queue is open.
     */
    static void forceQueueFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{cq4,cq4t}")) {
            for (Path f : files) {
                try {
                    DurableFiles.force(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed meanwhile by the queue's opening (retention a crash interrupted): nothing to keep
                }
            }
        }
        DurableFiles.forceDirectory(dir);
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, offset, length);
        return (int) c.getValue();
    }

    /** Appends records to the file, made on first use. One thread. */
    static final class Writer implements AutoCloseable {
        private final Path dir;
        private FileChannel channel;

        Writer(Path dir) {
            this.dir = dir;
        }

        /**
         * Appends {@code records} in one write: in the file (the page cache) when it returns, which survives the
         * process being killed, as a record in Chronicle's mapped file does. Creates the file (its magic, its
         * directory entry fsynced) first if needed, and cuts a torn last frame off an existing one.
         */
        void write(List<JournalRecord> records) throws IOException {
            if (records.isEmpty()) {
                return;
            }
            FileChannel ch = channel();
            int size = 0;
            for (JournalRecord r : records) {
                int n = r.getSerializedSize();
                if (n > MAX_RECORD) {
                    throw new IOException("a record of " + n + " bytes is over the " + MAX_RECORD + " bytes a record"
                            + " held while the queue opens may have");
                }
                size += FRAME_HEAD + n;
            }
            byte[] frames = new byte[size];
            ByteBuffer b = ByteBuffer.wrap(frames).order(ByteOrder.LITTLE_ENDIAN);
            int at = 0;
            for (JournalRecord r : records) {
                int n = r.getSerializedSize();
                com.google.protobuf.CodedOutputStream o = com.google.protobuf.CodedOutputStream.newInstance(frames,
                        at + FRAME_HEAD, n);
                r.writeTo(o);
                o.checkNoSpaceLeft();
                b.putInt(at, n).putInt(at + 4, crc(frames, at + FRAME_HEAD, n));
                at += FRAME_HEAD + n;
            }
            ByteBuffer out = ByteBuffer.wrap(frames);
            while (out.hasRemaining()) {
                ch.write(out);
            }
        }

        /** fsync: what was written survives a power loss too. */
        void force() throws IOException {
            if (channel != null) {
                channel.force(false);
            }
        }

        private FileChannel channel() throws IOException {
            if (channel != null) {
                return channel;
            }
            Path file = path(dir);
            Files.createDirectories(dir);
            Contents before = read(dir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (before.fileLength() < MAGIC.length) { // new (or its magic cut short): start it
                    ch.truncate(0);
                    ByteBuffer magic = ByteBuffer.wrap(MAGIC);
                    while (magic.hasRemaining()) {
                        ch.write(magic, magic.position());
                    }
                    ch.force(true);
                    DurableFiles.forceDirectory(dir);
                    ch.position(MAGIC.length);
                } else {
                    if (before.validLength() < before.fileLength()) {
                        ch.truncate(before.validLength()); // a torn last write: frames go after the whole ones
                    }
                    ch.position(before.validLength());
                }
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            channel = ch;
            return ch;
        }

        @Override
        public void close() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }
    }
}
