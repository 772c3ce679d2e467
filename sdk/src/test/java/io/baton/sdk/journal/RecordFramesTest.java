package io.baton.sdk.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.JournalRecord;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordFramesTest {
    @Test
    void everyKindAndSizeRoundTrips() throws Exception {
        for (long i = 0; i < 600; i++) {
            JournalRecord record = Records.varied(i);
            assertThat(RecordFrames.decode(RecordFrames.encode(record))).isEqualTo(record);
        }
    }

    @Test
    void theEmptyRecordIsOneLengthByte() throws Exception {
        assertThat(RecordFrames.encode(JournalRecord.getDefaultInstance())).containsExactly(0);
        assertThat(RecordFrames.decode(new byte[] {0})).isEqualTo(JournalRecord.getDefaultInstance());
    }

    @Test
    void aFrameThatIsNotExactlyOneRecordIsRejected() {
        byte[] frame = RecordFrames.encode(Records.varied(2));
        assertThatThrownBy(() -> RecordFrames.decode(Arrays.copyOf(frame, frame.length - 1)))
                .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("declares a record of");
        assertThatThrownBy(() -> RecordFrames.decode(Arrays.copyOf(frame, frame.length + 3)))
                .isInstanceOf(InvalidProtocolBufferException.class);
        assertThatThrownBy(() -> RecordFrames.decode(new byte[0])).isInstanceOf(InvalidProtocolBufferException.class);
    }
}
