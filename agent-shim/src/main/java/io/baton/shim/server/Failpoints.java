package io.baton.shim.server;

import java.io.IOException;

/**
 * Crash-test support for the shim process, the counterpart of the SDK's executor failpoints: when the
 * system property {@code baton.shim.failpoint} names a point the shim reaches, the shim sends itself
 * SIGKILL right there, before it acts on the call. Points: {@code replace-received} (a framework's
 * REPLACE, before it is checked or forwarded), {@code replace-reserved} (a REPLACE the shim reserved on
 * delivery, booked in the ledger, before it is sent), {@code reserve-received} (an executor's RESERVE, before
 * the ledger changes), {@code adjust-received} (an executor's ADJUST, before the ledger and the
 * container change); a suffix {@code #n} fires on the n-th time only. Unset (always, outside tests) it
 * costs one field read. Used by the SDK's {@code CrashMatrixIT}.
 */
final class Failpoints {
    private static final String SPEC = System.getProperty("baton.shim.failpoint", "");
    private static final String POINT = SPEC.contains("#") ? SPEC.substring(0, SPEC.indexOf('#')) : SPEC;
    private static final int NTH = SPEC.contains("#") ? Integer.parseInt(SPEC.substring(SPEC.indexOf('#') + 1)) : 1;
    private static int seen; // the shim's loop is the only caller

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
