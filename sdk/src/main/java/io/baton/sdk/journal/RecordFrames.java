package io.baton.sdk.journal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.JournalRecord;
import java.io.IOException;

/**
 * A record as stored in one Chronicle document: protobuf's length-delimited form (varint length,
 * then the message). The length is redundant with the document's own, which lets decoding reject a
 * document that does not hold exactly one whole record.
 */
final class RecordFrames {
    private RecordFrames() {
    }

    static byte[] encode(JournalRecord record) {
        int size = record.getSerializedSize();
        byte[] frame = new byte[CodedOutputStream.computeUInt32SizeNoTag(size) + size];
        encodeInto(record, frame);
        return frame;
    }

    /**
     * Encodes {@code record} into the start of {@code into} and returns the frame's length, or -1 (nothing written)
     * when it does not fit: the journal's appends reuse one array instead of a new one per record.
     */
    static int encodeInto(JournalRecord record, byte[] into) {
        int size = record.getSerializedSize();
        int length = CodedOutputStream.computeUInt32SizeNoTag(size) + size;
        if (length > into.length) {
            return -1;
        }
        CodedOutputStream out = CodedOutputStream.newInstance(into, 0, length);
        try {
            out.writeUInt32NoTag(size);
            record.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("protobuf wrote past its own size " + size, e);
        }
        return length;
    }

    static JournalRecord decode(byte[] frame) throws InvalidProtocolBufferException {
        CodedInputStream in = CodedInputStream.newInstance(frame);
        int size;
        try {
            size = in.readRawVarint32();
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        int header = in.getTotalBytesRead();
        if (size != frame.length - header) {
            throw new InvalidProtocolBufferException("document of " + frame.length + " bytes declares a record of "
                    + size + " bytes after a " + header + "-byte length");
        }
        return JournalRecord.parser().parseFrom(frame, header, size);
    }
}
