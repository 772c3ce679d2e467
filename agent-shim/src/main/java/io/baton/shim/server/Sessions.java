package io.baton.shim.server;

import java.util.HashMap;
import java.util.Map;

/**
 * The open connections by the number the core knows them by. The core decides who gets what; this only
 * finds the channel. Confined to the shim's event loop.
 */
final class Sessions {
    private final Map<Long, ExecutorSession> executors = new HashMap<>();
    private final Map<Long, FrameworkSession> frameworks = new HashMap<>();
    private long next;

    long open(ExecutorSession s) {
        executors.put(++next, s);
        return next;
    }

    long open(FrameworkSession s) {
        frameworks.put(++next, s);
        return next;
    }

    void close(long conn) {
        executors.remove(conn);
        frameworks.remove(conn);
    }

    ExecutorSession executor(long conn) {
        return executors.get(conn);
    }

    FrameworkSession framework(long conn) {
        return frameworks.get(conn);
    }
}
