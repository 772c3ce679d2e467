package io.baton.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Framework commands keep stderr for their one-line errors: library logging is cut to errors there
 * (unless BATON_LOG_LEVEL says otherwise). The daemons ({@code shim}, {@code executor}) log as usual.
 */
final class Logging {
    private static final Set<String> SERVING = Set.of("shim", "executor");

    private Logging() {
    }

    static void quietUnlessServing(String[] args) {
        if (System.getenv("BATON_LOG_LEVEL") != null || (args.length > 0 && SERVING.contains(args[0]))) {
            return;
        }
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.OFF);
        }
    }
}
