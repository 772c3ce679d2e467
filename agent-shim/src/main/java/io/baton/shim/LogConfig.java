package io.baton.shim;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Baton's logging set-up for every process that has the shim on its class path (the shim, {@code baton}, the
 * executors it starts): one line per event on stderr, {@code HH:mm:ss.SSS LEVEL Logger - message}, Netty and
 * Chronicle's affinity library at WARN, the root at {@code BATON_LOG_LEVEL} (the environment's, or a system property
 * of that name; default INFO). Done in code, found by logback through {@code META-INF/services}, so a start does
 * not load logback's XML configuration machinery (about 450 classes and 100–150 ms of every JVM start on a 2-core
 * machine, measured with a class-load log).
 *
 * <p>A configuration of the user's own wins: with {@code -Dlogback.configurationFile=FILE}, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path, this steps aside and logback reads that file
 * as usual.
 */
public final class LogConfig extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = LogConfig.class.getClassLoader();
        }
        if (System.getProperty("logback.configurationFile") != null || loader.getResource("logback-test.xml") != null
                || loader.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        String property = System.getProperty("BATON_LOG_LEVEL"); // -DBATON_LOG_LEVEL=… as the XML file took it
        if (property != null) {
            env.put("BATON_LOG_LEVEL", property);
        }
        apply(context, env);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets {@code context} up as the class says, the root level from {@code env}'s BATON_LOG_LEVEL. */
    static void apply(LoggerContext context, Map<String, String> env) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
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
