package io.baton.shim.fuzz;

import java.nio.ByteBuffer;

/** How the shim's framing (4-byte length, capped) will cut a byte stream; computed on our side to know what to expect. */
record Frames(int complete, boolean badLength, boolean leftover) {

    static Frames of(byte[] bytes, int maxFrame) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int complete = 0;
        while (b.remaining() >= 4) {
            int len = b.getInt(b.position());
            if (len < 0 || len > maxFrame) {
                return new Frames(complete, true, false);
            }
            if (b.remaining() - 4 < len) {
                return new Frames(complete, false, true);
            }
            b.position(b.position() + 4 + len);
            complete++;
        }
        return new Frames(complete, false, b.hasRemaining());
    }

    /** Replies owed: one per complete frame, plus the error event for a bad length. */
    int expectedReplies() {
        return complete + (badLength ? 1 : 0);
    }

    static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }
}
