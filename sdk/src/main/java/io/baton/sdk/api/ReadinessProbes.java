package io.baton.sdk.api;

import io.baton.proto.ReadinessCheck;
import io.baton.proto.TaskInfo;
import java.util.concurrent.TimeUnit;

/**
 * The default readiness probes: HTTP GET on 127.0.0.1 (2xx is ready; redirects on the same port are followed, see
 * {@link HttpProbe}) or a shell command (exit 0).
 */
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
            String path = c.getHttp().getPath().startsWith("/") ? c.getHttp().getPath() : "/" + c.getHttp().getPath();
            if (!path.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
                throw new IllegalArgumentException("the readiness check's HTTP path may hold only printable ASCII "
                        + "without spaces (percent-encode the rest), got '" + path + "'");
            }
            return HttpProbe.ready(c.getHttp().getPort(), path, timeoutMs);
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
