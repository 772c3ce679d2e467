package io.baton.shim.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.baton.proto.RejectCode;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/** Classifies a pipeline exception: what to tell the peer, and whether the connection must close. */
record Faults(RejectCode code, String message, boolean close) {

    static Faults classify(Throwable cause, int maxFrameBytes) {
        Throwable root = cause;
        while (root.getCause() != null && root != root.getCause()) {
            if (root instanceof TooLongFrameException || root instanceof CorruptedFrameException
                    || root instanceof InvalidProtocolBufferException) {
                break;
            }
            root = root.getCause();
        }
        if (root instanceof TooLongFrameException) {
            return new Faults(RejectCode.FRAME_TOO_LARGE, "frame exceeds the maximum of " + maxFrameBytes
                    + " bytes (" + root.getMessage() + "); closing the connection", true);
        }
        if (root instanceof CorruptedFrameException) {
            return new Faults(RejectCode.MALFORMED, "corrupt frame: " + root.getMessage()
                    + "; closing the connection", true);
        }
        if (root instanceof InvalidProtocolBufferException) {
            return new Faults(RejectCode.MALFORMED, "frame is not a valid message: " + root.getMessage(), false);
        }
        return new Faults(RejectCode.INTERNAL, "internal error: " + cause, true);
    }
}
