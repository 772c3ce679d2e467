package io.baton.sdk.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.EndedReplacementHead;
import io.baton.proto.ReplaceHead;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link EndedEntry} reads what protobuf's generated parsers of {@code EndedReplacementHead} and {@code ReplaceHead}
 * read, on entries with their fields in any order, repeated, with unknown and reserved fields, and fields of a
 * declared number but another wire type; and {@code finalAt} cuts an entry into the entry without its final update
 * and that final update's field.
 */
class EndedEntryTest {
    private static final String[] OUTCOMES = {"COMMITTED", "ROLLED_BACK", "ABORTED", "", "FAILED"};

    @Test
    void readsWhatTheGeneratedParsersRead() throws IOException {
        Random random = new Random(938);
        int cut = 0;
        for (int i = 0; i < 3_000; i++) {
            ByteString entry = entry(random);
            EndedReplacementHead head = EndedReplacementHead.parseFrom(entry);
            EndedEntry read = EndedEntry.read(entry);
            assertThat(read.outcome()).isEqualTo(head.getOutcome());
            assertThat(read.request()).isEqualTo(head.getRequest());
            assertThat(read.finalUpdate()).isEqualTo(head.hasFinalUpdate() ? head.getFinalUpdate() : null);
            assertThat(read.replacementId()).isEqualTo(ReplaceHead.parseFrom(head.getRequest()).getReplacementId()
                    .getValue());
            if (read.finalAt() >= 0) {
                cut++;
                EndedReplacementHead without = EndedReplacementHead.parseFrom(entry.substring(0, read.finalAt()));
                assertThat(without.hasFinalUpdate()).isFalse();
                assertThat(without.getOutcome()).isEqualTo(head.getOutcome());
                assertThat(without.getRequest()).isEqualTo(head.getRequest());
                assertThat(EndedReplacementHead.parseFrom(entry.substring(read.finalAt())).getFinalUpdate())
                        .isEqualTo(head.getFinalUpdate());
            }
        }
        assertThat(cut).as("entries whose final update comes last, once").isGreaterThan(300);
    }

    @Test
    void anEntryAsCheckpointsWriteItIsCutBeforeItsFinalUpdate() throws IOException {
        ByteString request = io.baton.proto.Replace.newBuilder()
                .setReplacementId(io.baton.proto.ReplacementID.newBuilder().setValue("r-1")).build().toByteString();
        ByteString head = EndedReplacementHead.newBuilder().setOutcome("COMMITTED").setRequest(request).build()
                .toByteString();
        ByteString fin = EndedReplacementHead.newBuilder().setFinalUpdate(ByteString.copyFromUtf8("x")).build()
                .toByteString();
        EndedEntry read = EndedEntry.read(head.concat(fin));
        assertThat(read.replacementId()).isEqualTo("r-1");
        assertThat(read.finalAt()).isEqualTo(head.size());
        assertThat(EndedEntry.read(head).finalAt()).isEqualTo(-1);
        assertThat(EndedEntry.read(fin.concat(head)).finalAt()).isEqualTo(-1);
    }

    @Test
    void anOutcomeThatIsNotUtf8OrACutEntryIsAnError() {
        byte[] bad = {(byte) 0xc3, (byte) 0x28};
        ByteString notUtf8 = bytes(out -> out.writeByteArray(4, bad));
        assertThatThrownBy(() -> EndedReplacementHead.parseFrom(notUtf8)).isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> EndedEntry.read(notUtf8)).isInstanceOf(InvalidProtocolBufferException.class);
        ByteString whole = bytes(out -> out.writeByteArray(5, new byte[40]));
        ByteString cut = whole.substring(0, 20);
        assertThatThrownBy(() -> EndedReplacementHead.parseFrom(cut)).isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> EndedEntry.read(cut)).isInstanceOf(InvalidProtocolBufferException.class);
    }

    private interface Writes {
        void to(CodedOutputStream out) throws IOException;
    }

    private static ByteString bytes(Writes w) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(b);
            w.to(out);
            out.flush();
            return ByteString.copyFrom(b.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An entry: fields 4 to 6 and others, each 0 to 2 times (6 usually once, often last), in a random order. */
    private static ByteString entry(Random r) {
        List<Writes> fields = new ArrayList<>();
        for (int n = r.nextInt(3); n > 0; n--) {
            String outcome = OUTCOMES[r.nextInt(OUTCOMES.length)];
            fields.add(out -> out.writeString(4, outcome));
        }
        for (int n = r.nextInt(3); n > 0; n--) {
            ByteString request = request(r);
            fields.add(out -> out.writeBytes(5, request));
        }
        for (int n = r.nextInt(4); n > 0; n--) {
            fields.add(other(r));
        }
        Collections.shuffle(fields, r);
        int finals = r.nextInt(4) == 0 ? r.nextInt(3) : 1;
        for (int n = 0; n < finals; n++) {
            ByteString fin = ByteString.copyFromUtf8("final " + r.nextInt(100));
            Writes w = out -> out.writeBytes(6, fin);
            if (r.nextInt(5) == 0) {
                fields.add(r.nextInt(fields.size() + 1), w);
            } else {
                fields.add(w);
            }
        }
        return bytes(out -> {
            for (Writes w : fields) {
                w.to(out);
            }
        });
    }

    /** A Replace's bytes: replacement ids (0 to 3, some empty) among other fields. */
    private static ByteString request(Random r) {
        List<Writes> fields = new ArrayList<>();
        for (int n = r.nextInt(4); n > 0; n--) {
            List<Writes> inner = new ArrayList<>();
            for (int k = r.nextInt(3); k > 0; k--) {
                String value = r.nextInt(4) == 0 ? "" : "rep-" + r.nextInt(1000);
                inner.add(out -> out.writeString(1, value));
            }
            if (r.nextBoolean()) {
                inner.add(other(r));
            }
            Collections.shuffle(inner, r);
            ByteString id = bytes(out -> {
                for (Writes w : inner) {
                    w.to(out);
                }
            });
            fields.add(out -> out.writeBytes(1, id));
        }
        for (int n = r.nextInt(3); n > 0; n--) {
            fields.add(other(r));
        }
        Collections.shuffle(fields, r);
        return bytes(out -> {
            for (Writes w : fields) {
                w.to(out);
            }
        });
    }

    /** A field the readers skip: another number, or a read field's number with another wire type. */
    private static Writes other(Random r) {
        int kind = r.nextInt(5);
        int number = 1 + r.nextInt(12);
        long value = r.nextLong();
        return switch (kind) {
            case 0 -> out -> out.writeUInt64(number, value);
            case 1 -> out -> out.writeFixed32(number, (int) value);
            case 2 -> out -> out.writeFixed64(number, value);
            case 3 -> out -> out.writeBytes(7 + r.nextInt(5), ByteString.copyFrom(("x" + value).getBytes(StandardCharsets.UTF_8)));
            default -> out -> {
                out.writeTag(number, com.google.protobuf.WireFormat.WIRETYPE_START_GROUP);
                out.writeUInt64(1, value);
                out.writeTag(number, com.google.protobuf.WireFormat.WIRETYPE_END_GROUP);
            };
        };
    }
}
