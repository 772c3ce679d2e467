package io.baton.sdk.runtime;

import io.baton.proto.ReadinessCheck;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Event;
import io.baton.sdk.core.Hook;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Replacement;
import java.util.concurrent.TimeUnit;

/**
 * Probes a new task's readiness every interval until it has passed continuously for minHealthy, then
 * reports NewTaskReady. A probe that answers false starts the count again; one that throws fails the
 * replacement's readiness step. Stops on its own when the replacement has moved on.
 */
final class ReadinessLoop {
    private final ExecutorRuntime rt;
    private final Command.CheckReadiness check;
    private final long intervalMs;
    private final long timeoutMs;
    private long passingSinceUs = -1;

    ReadinessLoop(ExecutorRuntime rt, Command.CheckReadiness check) {
        this.rt = rt;
        this.check = check;
        ReadinessCheck c = check.task().getReadiness();
        this.intervalMs = c.getIntervalMs() == 0 ? 1000 : c.getIntervalMs();
        this.timeoutMs = c.getTimeoutMs() == 0 ? 1000 : c.getTimeoutMs();
    }

    void start() {
        probe();
    }

    private boolean stillVerifying() {
        Replacement r = rt.engine().replacement(check.replacementId());
        return r != null && r.phase() == Phase.VERIFYING;
    }

    private void probe() {
        if (!stillVerifying()) {
            return;
        }
        String taskId = check.task().getTaskId().getValue();
        rt.hook(taskId, Hook.READINESS, timeoutMs + 1000, t -> rt.author().ready(t), ready -> {
            if (!stillVerifying()) {
                return;
            }
            long now = rt.now();
            if (!Boolean.TRUE.equals(ready)) {
                passingSinceUs = -1;
            } else if (passingSinceUs < 0) {
                passingSinceUs = now;
            }
            if (passingSinceUs >= 0 && now - passingSinceUs >= check.minHealthyUs()) {
                rt.apply(check.replacementId(), new Event.NewTaskReady(now));
                return;
            }
            rt.loop().schedule(this::probe, intervalMs, TimeUnit.MILLISECONDS);
        }, msg -> {
            if (stillVerifying()) {
                rt.apply(check.replacementId(), new Event.HookFailed(Hook.READINESS, msg, rt.now()));
            }
        });
    }
}
