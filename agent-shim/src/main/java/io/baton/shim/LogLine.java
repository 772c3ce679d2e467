package io.baton.shim;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.TimeZone;

/**
 * {@link LogConfig}'s line, {@code HH:mm:ss.SSS LEVEL Logger - message} (the level padded to five, the logger's
 * name after its last dot, local time), then the throwable's stack trace as logback prints one. Written by hand:
 * logback's pattern layout would parse the pattern and build its table of about 70 converters at every start
 * (about a fifth of the logging's set-up, measured).
 */
final class LogLine extends EncoderBase<ILoggingEvent> {
    private final TimeZone zone = TimeZone.getDefault();

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return ConsoleText.bytes(format(event)); // the default charset, with look-alikes where it needs them
    }

    String format(ILoggingEvent event) {
        StringBuilder b = new StringBuilder(128);
        long ms = event.getTimeStamp();
        long day = Math.floorMod(ms + zone.getOffset(ms), 86_400_000L);
        two(b, day / 3_600_000).append(':');
        two(b, day / 60_000 % 60).append(':');
        two(b, day / 1_000 % 60).append('.');
        long milli = day % 1_000;
        b.append(milli < 100 ? (milli < 10 ? "00" : "0") : "").append(milli).append(' ');
        String level = event.getLevel().toString();
        b.append(level);
        for (int i = level.length(); i < 5; i++) {
            b.append(' ');
        }
        String logger = event.getLoggerName();
        b.append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ")
                .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            b.append(ThrowableProxyUtil.asString(thrown));
        }
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, long v) {
        return b.append(v < 10 ? "0" : "").append(v);
    }
}
