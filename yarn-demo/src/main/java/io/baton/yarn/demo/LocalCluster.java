package io.baton.yarn.demo;

import io.baton.yarn.LocalYarn;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * {@code bin/baton-yarn local-cluster start}: the local YARN cluster ({@link LocalYarn}) as a process of its own, for
 * trying the commands meant for a real cluster. Once the cluster is up it writes its Hadoop configuration (the
 * ResourceManager's real addresses among it) to {@code <conf-dir>/yarn-site.xml}, which {@code bin/baton-yarn submit
 * --conf-dir} reads; it runs until stopped (SIGTERM stops the cluster and its containers).
 */
public final class LocalCluster {
    private LocalCluster() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--conf-dir")) {
            System.err.println("baton-yarn local-cluster: usage: --conf-dir DIR (got " + String.join(" ", args) + ")");
            System.exit(2);
        }
        Path confDir = Files.createDirectories(Path.of(args[1])).toAbsolutePath();
        System.setProperty("test.build.data", confDir.resolve("data").toString());
        // each NodeManager as many vcores as the AM's default ledger total per node (cpus:8): with 4, an AM and two
        // executors YARN put on one node left it no vcore for README's augmented replace (REJECTED, as YARN said)
        LocalYarn yarn = LocalYarn.start("baton-local", conf -> {
            conf.setInt(YarnConfiguration.NM_VCORES, LocalYarnSite.NODE_VCORES);
            conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_VCORES, LocalYarnSite.NODE_VCORES);
        });
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            yarn.close();
            stopped.countDown();
        }, "local-cluster-stop"));
        Path tmp = confDir.resolve("yarn-site.xml.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            yarn.config().writeXml(out);
        }
        Files.move(tmp, confDir.resolve("yarn-site.xml"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        System.out.println("local YARN cluster up (1 ResourceManager, " + LocalYarn.NODES + " NodeManagers of "
                + LocalYarnSite.NODE_VCORES + " vcores / 4096 MB); its configuration: " + confDir.resolve("yarn-site.xml"));
        stopped.await();
    }
}
