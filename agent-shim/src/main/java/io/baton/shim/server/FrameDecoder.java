package io.baton.shim.server;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * 4-byte big-endian length prefix, capped. Fails fast on an oversized length (the frame is never
 * buffered), and tells whether a frame is half received (so the idle handler can close stalled peers).
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    FrameDecoder(int maxFrameBytes) {
        super(maxFrameBytes + 4, 0, 4, 0, 4, true);
    }

    boolean hasPartialFrame() {
        return actualReadableBytes() > 0;
    }
}
