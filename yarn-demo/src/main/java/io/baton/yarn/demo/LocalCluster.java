package io.baton.yarn.demo;

import io.baton.yarn.LocalYarn;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

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
        LocalYarn yarn = LocalYarn.start("baton-local", conf -> { });
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
        System.out.println("local YARN cluster up (1 ResourceManager, " + LocalYarn.NODES + " NodeManagers); its "
                + "configuration: " + confDir.resolve("yarn-site.xml"));
        stopped.await();
    }
}
