package io.baton.sdk.driver;

import io.baton.proto.ReadinessCheck;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Replacement;
import java.util.HashMap;
import java.util.Map;

/**
 * Readiness scheduling: probe a new task every interval until it has passed continuously for
 * minHealthy, then NewTaskReady. A probe that answers false starts the count again; one that fails
 * (throws, or exceeds its per-try limit) fails the replacement's readiness step. A replacement that has
 * moved on is probed no more. Part of {@link ExecutorDriver}.
 */
final class Readiness {
    /** Defaults when the task's check leaves them 0: one probe a second, each allowed one second. */
    static final long DEFAULT_INTERVAL_MS = 1000;
    static final long DEFAULT_TIMEOUT_MS = 1000;

    private record Probe(Command.CheckReadiness check, long intervalUs, long timeoutMs, long passingSinceUs) {
        Probe passing(long sinceUs) {
            return new Probe(check, intervalUs, timeoutMs, sinceUs);
        }
    }

    private final ExecutorDriver d;
    private final Map<String, Probe> probes = new HashMap<>();

    Readiness(ExecutorDriver d) {
        this.d = d;
    }

    void start(Command.CheckReadiness check) {
        ReadinessCheck c = check.task().getReadiness();
        long intervalMs = c.getIntervalMs() == 0 ? DEFAULT_INTERVAL_MS : c.getIntervalMs();
        long timeoutMs = c.getTimeoutMs() == 0 ? DEFAULT_TIMEOUT_MS : c.getTimeoutMs();
        probes.put(check.replacementId(), new Probe(check, intervalMs * 1000, timeoutMs, -1));
        probe(check.replacementId());
    }

    private boolean stillVerifying(String rid) {
        Replacement r = d.je.engine().replacement(rid);
        boolean verifying = r != null && r.phase() == Phase.VERIFYING;
        if (!verifying) {
            probes.remove(rid);
        }
        return verifying;
    }

    void probe(String rid) {
        Probe p = probes.get(rid);
        if (p == null || !stillVerifying(rid)) {
            return;
        }
        d.commands.hook(rid, p.check.task().getTaskId().getValue(), Hook.READINESS, null, 0, p.timeoutMs + 1000);
    }

    void answered(String rid, boolean ready, String failure) {
        Probe p = probes.get(rid);
        if (p == null || !stillVerifying(rid)) {
            return;
        }
        if (failure != null) {
            probes.remove(rid);
            d.apply(rid, new Event.HookFailed(Hook.READINESS, failure, d.now));
            return;
        }
        long since = !ready ? -1 : p.passingSinceUs < 0 ? d.now : p.passingSinceUs;
        if (since >= 0 && d.now - since >= p.check.minHealthyUs()) {
            probes.remove(rid);
            d.apply(rid, new Event.NewTaskReady(d.now));
            return;
        }
        probes.put(rid, p.passing(since));
        d.emit(new Effect.Arm(new TimerKey.Probe(rid), d.now + p.intervalUs));
    }
}
