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
        long t = c.getTimeoutMs(); // uint64: beyond a long's range it reads negative
        int timeoutMs = t == 0 ? (int) DEFAULT_TRY_MS : t < 0 || t > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) t;
        if (c.hasHttp()) {
            int port = c.getHttp().getPort();
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("the readiness check's HTTP port must be 1-65535, got "
                        + Integer.toUnsignedString(port));
            }
            String path = c.getHttp().getPath();
            int fragment = path.indexOf('#'); // never sent: it names a part of the answer, for its reader
            path = fragment < 0 ? path : path.substring(0, fragment);
            path = path.startsWith("/") ? path : "/" + path;
            if (!path.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
                throw new IllegalArgumentException("the readiness check's HTTP path may hold only printable ASCII "
                        + "without spaces (percent-encode the rest), got '" + path + "'");
            }
            return HttpProbe.ready(port, path, timeoutMs);
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
