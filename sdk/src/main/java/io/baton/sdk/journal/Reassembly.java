package io.baton.sdk.journal;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.Fragment;
import io.baton.proto.JournalRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts records written as fragments (bigger than one document) back together on replay; a group cut short
 * by a crash is dropped (its append never returned). Both ways of reading a journal use it: Chronicle's tailer
 * ({@link ChronicleJournal#replay}) and the cycle files read directly ({@link CycleReader}).
 */
final class Reassembly {
    /** Made on first use (a warning): replay runs before anything else in a restarting executor sets logging up. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(Reassembly.class);
    }

    private final Path dir;
    /** False for a reader of a journal a writer may be appending to ({@link JournalSnapshot}): its cut tail is normal. */
    private final boolean warn;
    private List<ByteString> bytes;
    private int expected;
    private int next;
    private long firstIndex;

    Reassembly(Path dir) {
        this(dir, true);
    }

    /** @param warn whether to log the records it drops or skips (a restart's reader does) */
    Reassembly(Path dir, boolean warn) {
        this.dir = dir;
        this.warn = warn;
    }

    /**
     * The whole record once {@code r} completes it (or {@code r} itself if not a fragment), else null.
     * {@code index} names the document in messages: Chronicle's index, or its position in its cycle file.
     */
    JournalRecord offer(JournalRecord r, long index) {
        if (!r.hasFragment()) {
            dropIncomplete("before the record at index " + index);
            return r;
        }
        Fragment f = r.getFragment();
        if (f.getPart() == 0) {
            dropIncomplete("before the record at index " + index);
            bytes = new ArrayList<>();
            expected = f.getParts();
            next = 0;
            firstIndex = index;
        } else if (bytes == null || f.getParts() != expected || f.getPart() != next) {
            dropIncomplete("at index " + index);
            if (warn) {
                Log.LOG.warn("journal {}: fragment {} of {} at index {} does not follow a group; skipped", dir,
                        f.getPart(), f.getParts(), index);
            }
            return null;
        }
        bytes.add(f.getData());
        if (++next < expected) {
            return null;
        }
        ByteString whole = ByteString.copyFrom(bytes);
        bytes = null;
        try {
            // the record's bytes fields (a checkpoint's ended entries) are views of the whole, not copies of it
            CodedInputStream in = whole.newCodedInput();
            in.enableAliasing(true);
            return JournalRecord.parser().parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new JournalException(dir, "decoding the " + expected + "-fragment record at index " + firstIndex, e);
        }
    }

    void dropIncomplete(String where) {
        if (bytes != null && warn) {
            Log.LOG.warn("journal {}: dropping a record cut short {} ({} of {} fragments from index {} were written;"
                    + " its append never returned)", dir, where, next, expected, firstIndex);
        }
        bytes = null;
    }
}
