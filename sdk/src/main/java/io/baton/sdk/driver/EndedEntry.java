package io.baton.sdk.driver;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * One entry of a checkpoint's {@code ended} list (an {@code EndedReplacement}'s bytes), read by hand: its outcome,
 * its request's bytes and that request's replacement id, and its final update's bytes; every other field is skipped
 * by its length. Protobuf's generated parsers keep each field a message does not declare as an unknown field
 * (copied, into a tree map): reading 10,000 entries through {@code EndedReplacementHead} and {@code ReplaceHead} was
 * over half of a restarted executor's replay. Same results as those two messages: the last occurrence of a field
 * wins (of the replacement id's value too, through however many occurrences of the id), and a string that is not
 * UTF-8 is an error.
 *
 * @param finalAt where the final update's field starts when it is the entry's last field and occurs once (the bytes
 *                before it are then the entry without it), else -1
 */
record EndedEntry(String replacementId, String outcome, ByteString request, ByteString finalUpdate, int finalAt) {
    private static final int OUTCOME = 4;
    private static final int REQUEST = 5;
    private static final int FINAL_UPDATE = 6;
    /** Field 1, length-delimited: a Replace's {@code replacement_id} and a ReplacementID's {@code value}. */
    private static final int FIRST_DELIMITED = 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    static EndedEntry read(ByteString entry) throws InvalidProtocolBufferException {
        try {
            return scan(entry);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw e;
        } catch (Exception e) { // a stream over bytes in memory fails no other way; the driver does no I/O
            throw (InvalidProtocolBufferException) new InvalidProtocolBufferException(e.toString()).initCause(e);
        }
    }

    private static EndedEntry scan(ByteString entry) throws Exception {
        CodedInputStream in = entry.newCodedInput();
        in.enableAliasing(true);
        String outcome = "";
        ByteString request = ByteString.EMPTY;
        ByteString finalUpdate = null;
        int finalAt = -1;
        int finals = 0;
        boolean finalLast = false;
        while (true) {
            int at = in.getTotalBytesRead();
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            finalLast = false;
            int field = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED
                    ? WireFormat.getTagFieldNumber(tag) : 0;
            switch (field) {
                case OUTCOME -> outcome = in.readStringRequireUtf8();
                case REQUEST -> request = in.readBytes();
                case FINAL_UPDATE -> {
                    finalUpdate = in.readBytes();
                    finalAt = at;
                    finals++;
                    finalLast = true;
                }
                default -> in.skipField(tag);
            }
        }
        return new EndedEntry(replacementId(request), outcome, request, finalUpdate,
                finalLast && finals == 1 ? finalAt : -1);
    }

    /** A Replace's {@code replacement_id.value}, read from its encoding without parsing the rest. */
    private static String replacementId(ByteString request) throws Exception {
        CodedInputStream in = request.newCodedInput();
        String id = "";
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return id;
            }
            if (tag != FIRST_DELIMITED) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            for (int inner = in.readTag(); inner != 0; inner = in.readTag()) {
                if (inner == FIRST_DELIMITED) {
                    id = in.readStringRequireUtf8();
                } else {
                    in.skipField(inner);
                }
            }
            in.popLimit(limit);
        }
    }
}
