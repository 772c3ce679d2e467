package io.baton.cli.demo;

import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskInfo;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Step 7: the executor is killed with SIGKILL in the middle of a replacement, restarted, and converges. */
final class CrashStep {
    private final DemoWorld w;
    private final Narrator say;

    CrashStep(DemoWorld w, Narrator say) {
        this.w = w;
        this.say = say;
    }

    void run(Demo demo) throws Exception {
        say.header(7, "The executor is killed with SIGKILL mid-replacement");
        say.say("cmd-v1 is a shell command that ignores SIGTERM (so draining it takes its 3 s grace period); it is "
                + "replaced by cmd-v2, and the executor process is killed with SIGKILL while cmd-v1 drains.");
        TaskInfo v1 = DemoWorld.task("cmd-v1", "cpus:0.5;mem:64", "trap '' TERM; sleep 600 & wait", Map.of()).toBuilder()
                .setKillGracePeriodMs(3_000).build();
        w.launch("commands", v1);
        CompletableFuture<Void> draining = new CompletableFuture<>();
        try (var watch = w.client.onProgress(p -> {
            if (p.getReplacementId().getValue().equals("crash") && p.getPhase().equals("DRAINING")) {
                draining.complete(null);
            }
        })) {
            var pending = w.start(ReplaceSpec.of("cmd-v1", DemoWorld.task("cmd-v2", "cpus:0.5;mem:64",
                    "sleep 600", Map.of())).withReplacementId("crash"));
            draining.get(30, TimeUnit.SECONDS);
            long pid = w.site.kill9("commands");
            say.live("executor 'commands' (pid " + pid + ") killed with SIGKILL while draining");
            long again = w.site.restart("commands");
            w.awaitSubscribed("commands");
            say.live("executor 'commands' restarted (pid " + again + "): journal replayed, tasks re-adopted");
            ReplaceOutcome o = pending.outcome().get(60, TimeUnit.SECONDS);
            w.awaitNarrated("crash");
            say.say(DemoWorld.timings(o));
            var state = w.state();
            String unbalanced = w.site.verifyLedger();
            boolean balanced = unbalanced == null && state.getReservationsCount() == 0;
            say.say("ledger " + (balanced ? "balanced, no reservation left" : "NOT balanced: " + unbalanced
                    + ", reservations " + state.getReservationsCount()));
            demo.step(7, "crash", "COMMITTED after restart, ledger balanced", o.outcome() + (balanced ? ", balanced"
                    : ", NOT balanced"), o.outcome() == ReplacementOutcome.COMMITTED && balanced);
        }
    }
}
