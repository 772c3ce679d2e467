package io.baton.shim;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Baton's logging set-up for every process that has the shim on its class path (the shim, {@code baton}, the
 * executors it starts): one line per event on stderr, {@code HH:mm:ss.SSS LEVEL Logger - message}, Netty and
 * Chronicle's affinity library at WARN, the root at {@code BATON_LOG_LEVEL} (the environment's, or a system property
 * of that name; default INFO). Done in code, found by logback through {@code META-INF/services} (or applied directly
 * by {@link BatonLogging}), so a start does not load logback's XML configuration machinery (about 450 classes and
 * 100–150 ms of every JVM start on a 2-core machine, measured with a class-load log); the line is written by
 * {@link LogLine}, not by a pattern layout.
 *
 * <p>A configuration of the user's own wins: with {@code -Dlogback.configurationFile=FILE}, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path, this steps aside and logback reads that file
 * as usual.
 */
public final class LogConfig extends ContextAwareBase implements Configurator {
    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (userConfiguration()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, environment());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Whether the user configures logback: {@code -Dlogback.configurationFile}, or a logback(-test).xml on the class path. */
    static boolean userConfiguration() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = LogConfig.class.getClassLoader();
        }
        return System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null;
    }

    /** The environment, with a system property BATON_LOG_LEVEL over the variable (as the XML file took it). */
    static Map<String, String> environment() {
        String property = System.getProperty("BATON_LOG_LEVEL");
        if (property == null) {
            return System.getenv();
        }
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.put("BATON_LOG_LEVEL", property);
        return env;
    }

    /** Sets {@code context} up as the class says, the root level from {@code env}'s BATON_LOG_LEVEL. */
    static void apply(LoggerContext context, Map<String, String> env) {
        LogLine encoder = new LogLine();
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel(env.get("BATON_LOG_LEVEL")));
        root.addAppender(stderr);
        context.getLogger("io.netty").setLevel(Level.WARN);
        // Chronicle's thread-affinity library says at INFO that it pins nothing (the SDK leaves JNA out)
        context.getLogger("net.openhft.affinity").setLevel(Level.WARN);
    }

    /** BATON_LOG_LEVEL's level (TRACE, DEBUG, INFO, WARN, ERROR, OFF, any case); INFO when unset or unknown. */
    static Level rootLevel(String value) {
        return value == null || value.isBlank() ? Level.INFO : Level.toLevel(value.trim(), Level.INFO);
    }
}
