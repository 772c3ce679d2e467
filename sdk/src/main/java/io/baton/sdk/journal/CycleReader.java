package io.baton.sdk.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.JournalRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Replay without Chronicle: reads the records from the latest checkpoint on straight from the queue's cycle files,
 * so that a restarting executor replays its journal while Chronicle starts (its class loading and initialisation,
 * about half a second of a cold JVM) on another thread ({@link OpeningJournal}). It touches no Chronicle class.
 *
 * <p>What it relies on of Chronicle Queue's file layout (checked against Chronicle's own tailer by
 * {@code CycleReaderTest} on journals with rolls, fragments, checkpoints and torn tails): a cycle file is a run of
 * documents, each a 4-byte little-endian header (bit 31: not complete, bit 30: metadata, bits 0–29: the length)
 * followed by that many bytes, the next header at the next multiple of 4; a header of 0 is where nothing was
 * written yet, {@code 0xC0000000} ends a cycle that rolled over; Chronicle's own headers and indexes are metadata
 * documents, every record Baton appends is a data document; cycle files sort by name in cycle order.
 *
 * <p>Anything it does not expect ends it with {@link Outcome#unavailable()} before a single record is handed out,
 * and replay then goes through Chronicle: no {@code checkpoint.pos} agreeing with {@code checkpoint.idx}, a
 * document there that is not the checkpoint it names, names of two formats, a cycle that ends without its
 * end-of-file mark while a later one exists, a record that does not decode. A torn tail (a header left not complete
 * by a crash) ends the replay there, as Chronicle's tailer does.
 */
final class CycleReader {
    static final int NOT_COMPLETE = 0x80000000;
    static final int META_DATA = 0x40000000;
    static final int LENGTH_MASK = 0x3FFFFFFF;
    static final int END_OF_FILE = NOT_COMPLETE | META_DATA;
    private static final String SUFFIX = ".cq4";
    private static final int CHUNK = 1 << 20;

    /**
     * @param records the records to replay, in order (null when unavailable)
     * @param unavailable why they could not be read this way (null when they could)
     */
    record Outcome(List<JournalRecord> records, String unavailable) {
        static Outcome no(String why) {
            return new Outcome(null, why);
        }
    }

    private CycleReader() {
    }

    /**
     * Deletes the last cycle files of {@code dir} that have no header yet (shorter than one, its first four bytes
     * zero, or a header claimed but not written: Chronicle writes a file's records only after its header): a process
     * killed while Chronicle created the file leaves one, with nothing in it. Left there, Chronicle
     * waits about 10 s for its header each time it reaches it — once in the replay and once at the first append, so
     * a restarted executor subscribed some 20 s late. Only for the journal's writer, before it opens the queue: a
     * reader must not delete what a live writer may be creating. Returns what it deleted (name and size), in order.
     */
    static List<String> dropHeaderlessTail(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        TreeMap<String, Path> cycles = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : stream) {
                cycles.put(file.getFileName().toString(), file);
            }
        }
        List<String> dropped = new ArrayList<>();
        for (Path file : cycles.descendingMap().values()) {
            long size = Files.size(file);
            if (size >= 4) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                    ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN); // as Chronicle writes it
                    while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
                        // a 4-byte read from the start of a file
                    }
                    int first = header.getInt(0);
                    if (first != 0 && first != NOT_COMPLETE) {
                        break; // the last file with a header: the tail ends here
                    } // else never claimed, or claimed and killed before the header was written: nothing in it
                }
            }
            Files.delete(file);
            dropped.add(file.getFileName() + " (" + size + " bytes)");
        }
        if (!dropped.isEmpty()) {
            DurableFiles.forceDirectory(dir);
        }
        return dropped;
    }

    /** The records {@link ChronicleJournal#replay} would feed for {@code dir}, read without Chronicle. */
    static Outcome read(Path dir) throws IOException {
        return read(dir, true);
    }

    /** As above; {@code warn} false: records cut short or out of place are dropped without a word (a snapshot's). */
    static Outcome read(Path dir, boolean warn) throws IOException {
        if (!Files.exists(dir)) {
            return new Outcome(List.of(), null); // a new journal: Chronicle makes the directory when it opens
        }
        if (!Files.isDirectory(dir)) {
            return Outcome.no(dir + " is not a directory");
        }
        long index = CheckpointFile.read(dir);
        CheckpointPosition at = CheckpointPosition.read(dir);
        TreeMap<String, Path> cycles = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : stream) {
                cycles.put(file.getFileName().toString(), file);
            }
        }
        if (cycles.keySet().stream().mapToInt(String::length).distinct().count() > 1) {
            return Outcome.no("cycle files with names of more than one length " + cycles.keySet());
        }
        String first;
        long from;
        if (index < 0) {
            if (at != null) {
                return Outcome.no(CheckpointPosition.NAME + " without " + CheckpointFile.NAME);
            }
            if (cycles.isEmpty()) {
                return new Outcome(List.of(), null);
            }
            first = cycles.firstKey();
            from = 0;
        } else {
            if (at == null || at.index() != index) {
                return Outcome.no(at == null ? "no " + CheckpointPosition.NAME
                        : CheckpointPosition.NAME + " names index " + at.index() + ", " + CheckpointFile.NAME + " " + index);
            }
            if (!cycles.containsKey(at.file())) {
                return Outcome.no("the checkpoint's cycle file " + at.file() + " is not there");
            }
            first = at.file();
            from = at.dataStart() - 4;
        }
        List<byte[]> documents = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        String why = documents(cycles, first, from, index >= 0, documents, positions);
        if (why != null) {
            return Outcome.no(why);
        }
        Reassembly pieces = new Reassembly(dir, warn);
        List<JournalRecord> records = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            JournalRecord r;
            try {
                r = RecordFrames.decode(documents.get(i));
            } catch (InvalidProtocolBufferException e) {
                return Outcome.no("the document at " + positions.get(i) + " does not decode (" + e.getMessage() + ")");
            }
            r = pieces.offer(r, positions.get(i));
            if (r == null) {
                continue;
            }
            if (records.isEmpty() && index >= 0 && !(r.hasCheckpoint() && r.getSequence() == at.sequence())) {
                return Outcome.no("the document at " + at.file() + ":" + at.dataStart() + " is not checkpoint "
                        + at.sequence() + " (" + r.getRecordCase() + " " + r.getSequence() + ")");
            }
            records.add(r);
        }
        pieces.dropIncomplete("at the end of the journal");
        if (index >= 0 && records.isEmpty()) {
            return Outcome.no("no whole record at " + at.file() + ":" + at.dataStart());
        }
        return new Outcome(records, null);
    }

    /** Every data document from {@code from} in {@code first} on, in order; the reason to give up, or null. */
    private static String documents(TreeMap<String, Path> cycles, String first, long from, boolean checkpointFirst,
            List<byte[]> out, List<Long> positions) throws IOException {
        long position = from;
        for (var entry : cycles.tailMap(first, true).entrySet()) {
            boolean last = entry.getKey().equals(cycles.lastKey());
            try (FileChannel channel = FileChannel.open(entry.getValue(), StandardOpenOption.READ)) {
                Window w = new Window(channel);
                boolean rolled = false;
                while (true) {
                    if (position % 4 != 0 || position + 4 > w.size) {
                        return "a document header at " + entry.getKey() + ":" + position + " (file of " + w.size + " bytes)";
                    }
                    int header = w.intAt(position);
                    if (header == 0 || header == END_OF_FILE || (header & NOT_COMPLETE) != 0) {
                        if (checkpointFirst && out.isEmpty()) {
                            return "no checkpoint document at " + entry.getKey() + ":" + position;
                        }
                        if (header == END_OF_FILE) {
                            rolled = true;
                        } else if (!last) {
                            return "cycle file " + entry.getKey() + " ends at " + position + " without its end-of-file"
                                    + " mark, and a later one exists";
                        }
                        break; // nothing written yet, or a tail torn by a crash: the end, as for Chronicle's tailer
                    }
                    int length = header & LENGTH_MASK;
                    if (position + 4 + length > w.size) {
                        return "a document of " + length + " bytes at " + entry.getKey() + ":" + position
                                + " runs past the file's " + w.size + " bytes";
                    }
                    if ((header & META_DATA) == 0) {
                        out.add(w.bytes(position + 4, length));
                        positions.add(position + 4);
                    } else if (checkpointFirst && out.isEmpty() && position == from) {
                        return "a metadata document at " + entry.getKey() + ":" + position + ", not the checkpoint";
                    }
                    position = (position + 4 + length + 3) & ~3L;
                }
                if (!rolled && !last) {
                    return "cycle file " + entry.getKey() + " has no end-of-file mark";
                }
            }
            position = 0;
        }
        return null;
    }

    /** Reads a cycle file a megabyte at a time: records are small and mostly contiguous, the file sparse and large. */
    private static final class Window {
        final FileChannel channel;
        final long size;
        ByteBuffer buffer = ByteBuffer.allocate(0);
        long start;

        Window(FileChannel channel) throws IOException {
            this.channel = channel;
            this.size = channel.size();
        }

        int intAt(long position) throws IOException {
            cover(position, 4);
            return buffer.getInt((int) (position - start));
        }

        byte[] bytes(long position, int length) throws IOException {
            cover(position, length);
            byte[] b = new byte[length];
            buffer.get((int) (position - start), b);
            return b;
        }

        private void cover(long position, int length) throws IOException {
            if (position >= start && position + length <= start + buffer.limit()) {
                return;
            }
            int want = (int) Math.min(Math.max(length, CHUNK), size - position);
            if (buffer.capacity() < want) {
                buffer = ByteBuffer.allocate(want);
            }
            buffer.clear().limit(want);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new java.io.EOFException("cycle file shorter than " + (position + want) + " bytes");
                }
            }
            start = position;
        }
    }
}
