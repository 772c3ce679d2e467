package io.baton.yarn;

import static org.awaitility.Awaitility.await;

import io.baton.proto.ExecutorState;
import io.baton.sdk.runtime.ExecutorBootstrap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.yarn.client.api.YarnClient;

/**
 * For {@link YarnUpgradeComparison} (so for {@code bin/bench --yarn}): a Baton executor killed with SIGKILL inside its
 * container, relaunched there by the NodeManager, side by side with and without the class-data archive its first run
 * made on the node. Two sample workers in 512 MB containers, both from the CLI's jar (as {@code bin/baton-yarn submit}
 * ships it; without {@code -Dbaton.relaunch.jar}, the jars of the test class path): one as
 * {@link ExecutorCommands} starts every executor, one with {@code -Xshare:auto} among its flags, with which the command
 * adds no archive (the JDK's own archive only, as before 2026-12-07). Each is killed {@link #ROUNDS} times, one after
 * the other; a round times the SIGKILL to the executor's next subscription as the AM recorded it, and the relaunched
 * JVM's process start (the kernel's, to its 10 ms tick: {@link #processStartUs}) to that subscription.
 */
final class ExecutorRelaunchTimes {
    /** The AM's retry context relaunches a container this many times within its window, no more. */
    static final int ROUNDS = ExecutorContainers.MAX_RELAUNCHES;
    private static final YarnSize SIZE = new YarnSize(512, 1);

    /** One relaunch: SIGKILL to subscribed, process start to subscribed, and whether the new JVM mapped the archive. */
    record Round(double killToSubscribedMs, double startToSubscribedMs, boolean mapped) {
    }

    private ExecutorRelaunchTimes() {
    }

    /** The markdown section. */
    static String measure(LocalYarn yarn, YarnClient client, Path dir) throws Exception {
        List<Round> archived = new ArrayList<>();
        List<Round> plain = new ArrayList<>();
        long trainedMs;
        try (LocalAm local = LocalAm.start(yarn, client, Files.createDirectories(dir), "compare-relaunch")) {
            long t0 = System.nanoTime();
            local.startExecutor(fromJars(LocalAm.worker("ra", SIZE)));
            Path archive = Path.of(LocalAm.cmdline(LocalAm.executorJvm("ra").orElseThrow().pid()).stream()
                    .filter(a -> a.startsWith("-Dbaton.cds.dump=")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("executor ra was not asked to make an archive"))
                    .substring("-Dbaton.cds.dump=".length()));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(archive));
            trainedMs = (System.nanoTime() - t0) / 1_000_000;
            local.startExecutor(fromJars(LocalAm.worker("rn", SIZE), "-Xshare:auto"));
            for (int i = 0; i < ROUNDS; i++) {
                archived.add(relaunch(local, "ra", archive));
                plain.add(relaunch(local, "rn", archive));
            }
        }
        return markdown(archived, plain, trainedMs);
    }

    /**
     * {@code launch} from {@code -Dbaton.relaunch.jar} (bin/bench gives the CLI's jar, the one {@code bin/baton-yarn
     * submit} ships), else from the jars of the test class path.
     */
    private static ExecutorLaunch fromJars(ExecutorLaunch launch, String... moreFlags) {
        String jar = System.getProperty("baton.relaunch.jar");
        ExecutorLaunch jars = LocalAm.jarsOnly(launch, moreFlags);
        return jar == null ? jars : new ExecutorLaunch(jars.executorId(), jars.size(), jars.java(), jars.jvmFlags(), jar,
                jars.mainClass());
    }

    private static Round relaunch(LocalAm local, String id, Path archive) throws Exception {
        ProcessHandle before = LocalAm.executorJvm(id).orElseThrow();
        long killedUs = ExecutorBootstrap.SYSTEM_CLOCK_US.getAsLong();
        before.destroyForcibly(); // SIGKILL
        before.onExit().get();
        long[] subscribedUs = new long[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
            Optional<ExecutorState> e = LocalAm.executor(local.am.shim().state(), id);
            if (e.isPresent() && e.get().getConnected() && e.get().getSubscribedAtUs() > killedUs) {
                subscribedUs[0] = e.get().getSubscribedAtUs();
                return true;
            }
            return false;
        });
        ProcessHandle after = LocalAm.executorJvm(id).orElseThrow();
        long startUs = processStartUs(after.pid());
        String real = archive.toRealPath().toString();
        boolean mapped = Files.readAllLines(Path.of("/proc", Long.toString(after.pid()), "maps")).stream()
                .anyMatch(l -> l.endsWith(" " + real));
        return new Round((subscribedUs[0] - killedUs) / 1000.0, (subscribedUs[0] - startUs) / 1000.0, mapped);
    }

    /**
     * When process {@code pid} started, wall-clock microseconds, to the kernel's 10 ms tick: its start in ticks since
     * boot ({@code /proc/PID/stat}) plus the boot's wall-clock time from {@code /proc/uptime} (ProcessHandle's start
     * instant takes the boot time in whole seconds, up to a second off).
     */
    static long processStartUs(long pid) throws java.io.IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long startTicks = Long.parseLong(fields[19]); // field 22 of stat; fields here start at field 3
        long nowUs = ExecutorBootstrap.SYSTEM_CLOCK_US.getAsLong();
        double uptimeS = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        long bootUs = nowUs - (long) (uptimeS * 1_000_000);
        return bootUs + startTicks * 10_000; // USER_HZ is 100 on Linux
    }

    static String markdown(List<Round> archived, List<Round> plain, long trainedMs) {
        StringBuilder b = new StringBuilder();
        b.append("### An executor killed with SIGKILL in its container, relaunched there, with and without its "
                + "class-data archive\n\n");
        b.append("The sample worker in a 512 MB container, from `").append(System.getProperty("baton.relaunch.jar") != null
                ? "cli/target/baton.jar" : "the jars of the test class path").append("`, its journal nearly empty; ").append(ROUNDS).append(" rounds each, one after the other. *With the archive*: as every "
                + "executor is started; its first run made the archive in the application's local directory (first "
                + "start to archive on disk: ").append(trainedMs).append(" ms, subscription, warm-up and training "
                + "JVM included). *Without*: `-Xshare:auto` among its flags, so the command adds no archive (the JDK's "
                + "own only, as every YARN executor before 2026-12-07). *Kill → subscribed*: the SIGKILL to the "
                + "subscription the AM recorded; it holds the NodeManager's relaunch (its retry interval is at least "
                + "1 s). *Start → subscribed*: the relaunched JVM's process start (the kernel's, to its 10 ms tick) to "
                + "that subscription.\n\n");
        b.append("| Executor | mapped the archive | kill → subscribed (ms) | start → subscribed (ms) | start → subscribed, "
                + "median (ms) |\n|---|---|---|---|---|\n");
        row(b, "with the archive", archived);
        row(b, "without (`-Xshare:auto`)", plain);
        b.append("\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String name, List<Round> rounds) {
        long mapped = rounds.stream().filter(Round::mapped).count();
        b.append("| ").append(name).append(" | ").append(mapped).append(" of ").append(rounds.size()).append(" | ")
                .append(join(rounds.stream().mapToDouble(Round::killToSubscribedMs).toArray())).append(" | ")
                .append(join(rounds.stream().mapToDouble(Round::startToSubscribedMs).toArray())).append(" | ")
                .append(String.format(Locale.ROOT, "%.0f",
                        median(rounds.stream().mapToDouble(Round::startToSubscribedMs).toArray()))).append(" |\n");
    }

    private static String join(double[] ms) {
        List<String> s = new ArrayList<>();
        for (double m : ms) {
            s.add(String.format(Locale.ROOT, "%,.0f", m));
        }
        return String.join(", ", s);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
