package io.baton.sdk.runtime;

import java.io.IOException;

/**
 * Crash-test support: when the system property {@code baton.failpoint} names a point the executor
 * reaches, it sends itself SIGKILL right there — a real kill -9 at an exact step, which outside timing
 * cannot hit. Points: {@code journaled:<record>} after an input is journaled, e.g.
 * {@code journaled:task-state:TASK_KILLED} or {@code journaled:event:CONTAINER_ADJUSTED}; a suffix
 * {@code #n} fires on the n-th time only. Unset (always, outside tests) it costs one field read.
 */
final class Failpoints {
    private static final String SPEC = System.getProperty("baton.failpoint", "");
    private static final String POINT = SPEC.contains("#") ? SPEC.substring(0, SPEC.indexOf('#')) : SPEC;
    private static final int NTH = SPEC.contains("#") ? Integer.parseInt(SPEC.substring(SPEC.indexOf('#') + 1)) : 1;
    /** Whether a failpoint is set at all (callers skip building the point's name when not). */
    static final boolean ARMED = !POINT.isEmpty();
    private static int seen;

    private Failpoints() {
    }

    static void reached(String point) {
        if (!POINT.isEmpty() && POINT.equals(point) && ++seen == NTH) {
            try {
                new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                Thread.sleep(10_000); // the signal arrives before this ends
            } catch (IOException | InterruptedException e) {
                Runtime.getRuntime().halt(137);
            }
        }
    }
}
