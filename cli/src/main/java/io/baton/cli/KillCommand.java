package io.baton.cli;

import io.baton.sdk.client.BatonClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code baton kill}: ask a task's executor to kill it. */
@Command(name = "kill", mixinStandardHelpOptions = true,
        description = {"Asks the task's executor to kill it (the shim forwards the request; watch the task end with "
                + "'baton watch' or 'baton status')."},
        footer = {"", "Example:", "  baton kill w1 --work-dir /tmp/baton --grace 5s"})
final class KillCommand implements Callable<Integer> {
    @Mixin
    ShimConnection shim;

    @Parameters(index = "0", paramLabel = "TASK", description = "The task to kill.")
    String taskId;

    @Option(names = "--grace", paramLabel = "DURATION", description = "Grace period before a forced kill, e.g. 5s "
            + "(default: the task's own).")
    String grace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        long graceMs = grace == null ? 0 : Cli.millis("--grace", grace);
        try (BatonClient client = shim.connect(false, true)) {
            var f = ShimConnection.await(client.kill(taskId, graceMs), "KILL " + taskId,
                    "check the task id with 'baton status'");
            spec.commandLine().getOut().println(taskId + (f.getQueued() ? " (kill queued: its executor is reconnecting)"
                    : ""));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
