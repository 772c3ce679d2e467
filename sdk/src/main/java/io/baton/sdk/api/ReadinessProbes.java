package io.baton.sdk.api;

import io.baton.proto.ReadinessCheck;
import io.baton.proto.TaskInfo;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/** The default readiness probes: HTTP GET on 127.0.0.1 (2xx is ready) or a shell command (exit 0). */
public final class ReadinessProbes {
    /** How long one try may take when the check leaves {@code timeout_ms} 0. */
    public static final long DEFAULT_TRY_MS = 1000;

    private ReadinessProbes() {
    }

    public static boolean probe(TaskInfo task) throws Exception {
        if (!task.hasReadiness()) {
            return true;
        }
        ReadinessCheck c = task.getReadiness();
        int timeoutMs = (int) (c.getTimeoutMs() == 0 ? DEFAULT_TRY_MS : c.getTimeoutMs());
        if (c.hasHttp()) {
            String path = c.getHttp().getPath().isEmpty() ? "/" : c.getHttp().getPath();
            HttpURLConnection conn = (HttpURLConnection) URI.create("http://127.0.0.1:" + c.getHttp().getPort() + path)
                    .toURL().openConnection();
            conn.setConnectTimeout(timeoutMs);
            conn.setReadTimeout(timeoutMs);
            try {
                int code = conn.getResponseCode();
                return code >= 200 && code < 300;
            } catch (java.io.IOException notYet) {
                return false;
            } finally {
                conn.disconnect();
            }
        }
        if (c.hasCommand()) {
            Process p = new ProcessBuilder("sh", "-c", c.getCommand().getCommand()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        }
        return true;
    }
}
