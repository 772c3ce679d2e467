package io.baton.cli;

import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code baton launch}: launch a task on an executor. */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = {"Launches a task on a connected executor with resources from offers. Without --offer, an "
                + "offer of exactly --resources is requested first. Prints the task id once the shim forwarded it. A shim still starting and an executor not subscribed yet "
                + "are waited for (--wait-for-executor)."},
        footer = {"", "Example:", "  baton launch --work-dir /tmp/baton --executor workers --task w1 "
                + "--resources 'cpus:0.5;mem:64' --spec v1 --param period_ms=100"})
final class LaunchCommand implements Callable<Integer> {
    @Mixin
    ShimConnection shim;

    @Mixin
    TaskOptions task;

    @Option(names = "--executor", required = true, paramLabel = "E", description = "The executor's id.")
    String executor;

    @Option(names = "--offer", paramLabel = "O", description = "Offer ids to use (repeatable; default: a new offer "
            + "of exactly --resources).")
    List<String> offers = new ArrayList<>();

    @Mixin
    ExecutorArrival arrival;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TaskInfo info = task.toTask();
        try (BatonClient client = arrival.connect(shim, executor, "baton launch", spec.commandLine().getErr())) {
            List<String> ids = offers;
            List<String> implicit = List.of();
            if (ids.isEmpty()) {
                Resources r = task.parsedResources();
                ids = BatonClient.offerIds(ShimConnection.await(client.offersOn(executor, r), "OFFERS " + r,
                        "free resources first (baton status shows what is free), or ask for less"));
                implicit = ids;
            }
            List<String> use = ids;
            ShimConnection.declineOnFailure(client, implicit, () -> ShimConnection.await(client.launch(executor, info,
                    use), "LAUNCH " + info.getTaskId().getValue() + " on " + executor,
                    "change the request as the shim's message says"));
            spec.commandLine().getOut().println(info.getTaskId().getValue());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
