package io.baton.shim;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class LogLineTest {
    /** The pattern logback's layout took before LogLine wrote the line by hand. */
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    @Test
    void writesWhatLogbacksPatternWrote() {
        LoggerContext context = new LoggerContext();
        PatternLayout layout = layout(context);
        LogLine line = line(context);
        IllegalStateException thrown = new IllegalStateException("outer", new java.io.IOException("inner"));
        long[] times = {0L, 1_796_573_069_278L, 1_796_573_069_008L, 1_796_573_069_078L, 86_399_999L,
            System.currentTimeMillis()};
        for (long t : times) {
            for (Level level : new Level[] {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR}) {
                for (String logger : new String[] {"io.baton.sdk.runtime.ExecutorRuntime", "Plain", "a.b.Outer$Inner"}) {
                    LoggingEvent e = new LoggingEvent(getClass().getName(), context.getLogger(logger), level,
                            "executor {} recovered in {} ms", null, new Object[] {"w1", 21});
                    e.setTimeStamp(t);
                    assertThat(line.format(e)).isEqualTo(layout.doLayout(e));
                    LoggingEvent withThrown = new LoggingEvent(getClass().getName(), context.getLogger(logger), level,
                            "failed", thrown, null);
                    withThrown.setTimeStamp(t);
                    assertThat(line.format(withThrown)).isEqualTo(layout.doLayout(withThrown));
                }
            }
        }
        context.stop();
    }

    @Test
    void localTimeAcrossOffsets() {
        TimeZone before = TimeZone.getDefault();
        try {
            for (String zone : new String[] {"UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Berlin"}) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                LoggerContext context = new LoggerContext();
                PatternLayout layout = layout(context);
                LogLine line = line(context);
                // either side of a change to summer time in Berlin (2026-03-29 01:00 UTC), and a winter day
                for (long t : new long[] {1_774_745_999_999L, 1_774_746_000_000L, 1_767_225_600_123L}) {
                    LoggingEvent e = new LoggingEvent("x", context.getLogger("x.Y"), Level.INFO, "m", null, null);
                    e.setTimeStamp(t);
                    assertThat(line.format(e)).as(zone + " at " + t).isEqualTo(layout.doLayout(e));
                }
                context.stop();
            }
        } finally {
            TimeZone.setDefault(before);
        }
    }

    private static PatternLayout layout(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.setPattern(PATTERN);
        layout.start();
        return layout;
    }

    private static LogLine line(LoggerContext context) {
        LogLine line = new LogLine();
        line.setContext(context);
        line.start();
        return line;
    }
}
