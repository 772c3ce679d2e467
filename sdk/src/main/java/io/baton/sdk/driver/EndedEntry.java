package io.baton.sdk.driver;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * One entry of a checkpoint's {@code ended} list (an {@code EndedReplacement}'s bytes), written by {@link #join}
 * and read by hand: its outcome, its request's bytes and that request's replacement id, and its final update's
 * bytes; every other field is skipped by its length. Protobuf's generated parsers keep each field a message does
 * not declare as an unknown field (copied, into a tree map): reading 10,000 entries through
 * {@code EndedReplacementHead} and {@code ReplaceHead} was over half of a restarted executor's replay. Same results
 * as those two messages: the last occurrence of a field wins (of the replacement id's value too, through however many
 * occurrences of the id), and a string that is not UTF-8 is an error.
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

    /** Each outcome's field, as every entry begins. */
    private static final ByteString[] OUTCOME_FIELDS = new ByteString[io.baton.sdk.core.Phase.values().length];

    static {
        for (io.baton.sdk.core.Phase p : io.baton.sdk.core.Phase.values()) {
            OUTCOME_FIELDS[p.ordinal()] = delimited(OUTCOME, ByteString.copyFromUtf8(p.name()));
        }
    }

    /**
     * An entry's bytes as protobuf writes an {@code EndedReplacement} (outcome, request, final update, in field
     * order), joined from {@code request} and {@code finalField} (from {@link #finalUpdateField}, or null) without
     * copying them.
     */
    static ByteString join(io.baton.sdk.core.Phase outcome, ByteString request, ByteString finalField) {
        ByteString entry = OUTCOME_FIELDS[outcome.ordinal()];
        if (!request.isEmpty()) {
            entry = entry.concat(delimited(REQUEST, request));
        }
        return finalField == null ? entry : entry.concat(finalField);
    }

    /** A final update's encoding as an entry's {@code final_update} field. */
    static ByteString finalUpdateField(ByteString status) {
        return delimited(FINAL_UPDATE, status);
    }

    /** A length-delimited field (number below 16): its tag, the length, then {@code value} itself (not copied). */
    private static ByteString delimited(int number, ByteString value) {
        int length = value.size();
        byte[] head = new byte[1 + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(length)];
        head[0] = (byte) (number << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
        for (int i = 1; i < head.length; i++, length >>>= 7) {
            head[i] = (byte) (i < head.length - 1 ? length & 0x7F | 0x80 : length);
        }
        return com.google.protobuf.UnsafeByteOperations.unsafeWrap(head).concat(value);
    }

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
