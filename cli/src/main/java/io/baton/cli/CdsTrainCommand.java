package io.baton.cli;

import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.sdk.api.ExecutorHandle;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.runtime.ExecutorBootstrap;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * {@code baton cds-train} (hidden): what bin/baton runs once per build under {@code -XX:ArchiveClassesAtExit}
 * to make the class-data archive every later start maps instead of loading classes one by one. It walks the
 * start-up paths of the shim, an executor as {@code baton executor} starts one (subscribed, a task launched and
 * replaced), the same executor restarted on its journal (replayed, recovered, subscribed again, a replacement) and a
 * framework client, in a temporary directory it removes, then exits.
 */
@Command(name = "cds-train", hidden = true, description = "Loads the classes of the shim's, an executor's and a "
        + "framework's start-up paths, for bin/baton's class-data archive.")
final class CdsTrainCommand implements Callable<Integer> {
    private static final String TOKEN = "cds-train";

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("baton-cds-");
        try {
            train(dir);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return 0;
    }

    private static void train(Path dir) throws Exception {
        ShimConfig config = ShimConfig.defaults(dir.resolve("shim"), Resources.parse("cpus:4;mem:4096"), "none");
        ExecutorOptions options = new ExecutorOptions("train", dir.resolve("executor"), config.executorSocket());
        try (ShimServer shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
             BatonClient client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(TOKEN)
                     .name("cds-train").build())) {
            Resources r = Resources.parse("cpus:0.1;mem:16");
            // an executor as `baton executor` starts one, on an empty journal: subscribed, a task launched and replaced
            long subscribed;
            try (ExecutorHandle executor = ExecutorBootstrap.start(new WorkerExecutor(), options)) {
                subscribed = awaitSubscribedAfter(client, 0);
                List<String> offers = BatonClient.offerIds(client.offers(r).get(5, TimeUnit.SECONDS));
                client.launch("train", task("t1", r), offers).get(5, TimeUnit.SECONDS);
                client.replace(ReplaceSpec.of("t1", task("t2", r))).outcome().get(20, TimeUnit.SECONDS);
            }
            // and as it restarts on that journal: the replay, the recovery and the records kept until its queue opens
            // are a restarted executor's way to its subscription, which this archive is most for
            try (ExecutorHandle executor = ExecutorBootstrap.start(new WorkerExecutor(), options)) {
                awaitSubscribedAfter(client, subscribed);
                // the worker sample's tasks lived in the first start's threads: a new one, replaced
                List<String> offers = BatonClient.offerIds(client.offers(r).get(5, TimeUnit.SECONDS));
                client.launch("train", task("t3", r), offers).get(5, TimeUnit.SECONDS);
                client.replace(ReplaceSpec.of("t3", task("t4", r))).outcome().get(20, TimeUnit.SECONDS);
            }
            client.state().get(5, TimeUnit.SECONDS);
        }
    }

    /** Waits (at most 20 s) until the training executor's latest subscription is later than {@code afterUs}. */
    private static long awaitSubscribedAfter(BatonClient client, long afterUs) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            for (var e : client.state().get(5, TimeUnit.SECONDS).getExecutorsList()) {
                if (e.getConnected() && e.getSubscribedAtUs() > afterUs) {
                    return e.getSubscribedAtUs();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the training executor did not subscribe within 20 s");
            }
            Thread.sleep(10);
        }
    }

    private static TaskInfo task(String id, Resources r) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id).addAllResources(r.toProto())
                .setSpec(TaskSpec.newBuilder().setKind("cli").setValue("v1").putParams("period_ms", "100")).build();
    }
}
