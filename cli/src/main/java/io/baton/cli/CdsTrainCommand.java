package io.baton.cli;

import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.resources.Resources;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ClientOptions;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.sdk.journal.ChronicleJournal;
import io.baton.sdk.runtime.ExecutorRuntime;
import io.baton.sdk.transport.NettyShimConnection;
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
 * start-up paths of the shim, an executor (journal opened, subscribed, a task launched and replaced) and a
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
        try (ShimServer shim = new ShimServer(config, new InMemoryIsolator(), TOKEN).start();
             ExecutorRuntime executor = new ExecutorRuntime(new WorkerExecutor(), "train",
                     ChronicleJournal.open(dir.resolve("executor/journal"), ChronicleJournal.Options.defaults()),
                     new NettyShimConnection(config.executorSocket()), io.baton.sdk.runtime.ExecutorBootstrap.SYSTEM_CLOCK_US).start();
             BatonClient client = BatonClient.connect(ClientOptions.unix(config.frameworkSocket()).token(TOKEN)
                     .name("cds-train").build())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (client.state().get(5, TimeUnit.SECONDS).getExecutorsList().stream().noneMatch(e -> e.getConnected())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the training executor did not subscribe within 20 s");
                }
                Thread.sleep(10);
            }
            Resources r = Resources.parse("cpus:0.1;mem:16");
            List<String> offers = BatonClient.offerIds(client.offers(r).get(5, TimeUnit.SECONDS));
            client.launch("train", task("t1", r), offers).get(5, TimeUnit.SECONDS);
            client.replace(ReplaceSpec.of("t1", task("t2", r))).outcome().get(20, TimeUnit.SECONDS);
            client.state().get(5, TimeUnit.SECONDS);
        }
    }

    private static TaskInfo task(String id, Resources r) {
        return TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).setName(id).addAllResources(r.toProto())
                .setSpec(TaskSpec.newBuilder().setKind("cli").setValue("v1").putParams("period_ms", "100")).build();
    }
}
