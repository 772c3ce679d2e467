package io.baton.sdk.runtime;

import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor's class-data archive made on the node by the executor's first start there, for launchers that cannot
 * make one beforehand (a YARN container's: the NodeManager localises the jar with a modification time of its own,
 * which an archive made elsewhere would not match). The launcher starts the first executor with
 * {@code -Dbaton.cds.dump=FILE}; once that executor has subscribed and warmed up, it starts a second JVM exactly as it
 * was started (same java, flags, class path, main class and arguments) plus {@code -XX:ArchiveClassesAtExit} and
 * {@code -Dbaton.cds.train=true}, at a lower priority and with the JIT's first tier only. That JVM's
 * {@link ExecutorBootstrap#run} trains instead of serving: against a stand-in shim in a scratch directory (never the
 * executor's shim, work directory or journal) it journals a few synthetic replacements, replays them and starts an
 * executor on that journal over the same kind of connection (the start, replay, recovery and subscription a restart
 * runs), then exits, and the JVM writes the classes it loaded (the executor's main class with them) into the archive.
 * The launcher starts every later executor with the same JVM, flags and class path (a relaunch, another container of
 * the application on the node) with {@code -XX:SharedArchiveFile=FILE -Dbaton.cds.archive=FILE}.
 *
 * <p>The executor that asks goes on serving meanwhile: the training is another process (about 3 s of a core at a
 * lower priority here, and up to about 190 MB resident beside the executor's in the container; with
 * {@code -Dbaton.cds.container-mb=MB} it runs only if the container has that room). Executors that share the file take turns
 * through a lock beside it; the file appears whole (written aside, then renamed) or not at all. Classes from a class
 * path directory cannot be archived, so with a directory of classes on the class path nothing is made.
 *
 * <p>An executor started with {@code -Dbaton.cds.archive=FILE} (also {@code bin/baton}'s) says after its first
 * subscription whether the JVM mapped {@code FILE}: an archive made by another JVM or for other jars is not mapped,
 * and the executor starts as it would without one.
 */
final class ClassDataArchive {
    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
    /** Where to make the archive (set by the launcher). */
    static final String DUMP_PROPERTY = "baton.cds.dump";
    /** The archive this JVM was started with (set by the launcher beside {@code -XX:SharedArchiveFile}). */
    static final String ARCHIVE_PROPERTY = "baton.cds.archive";
    /** Set on the training JVM: {@link ExecutorBootstrap#run} trains, then the JVM exits. */
    static final String TRAIN_PROPERTY = "baton.cds.train";
    /** The training's synthetic replacements, replays and rehearsed starts: enough to load every class once. */
    static final int TRAIN_REPLACEMENTS = 50;
    static final int TRAIN_REPLAYS = 2;
    static final int TRAIN_REHEARSALS = 2;
    /**
     * The memory of the executor's container in MB, when the launcher knows it (a YARN container's at launch): the
     * training runs only if the container has room for it beside what its processes hold.
     */
    static final String CONTAINER_MB_PROPERTY = "baton.cds.container-mb";
    /** What the training JVM holds at most, MB (measured: about 190 MB resident as it writes a 22 MB archive). */
    static final long TRAIN_MB = 224;
    /** How long the training may take before it is stopped (and no archive made). */
    static final long TRAIN_BOUND_S = 120;

    private ClassDataArchive() {
    }

    /** Whether the launcher asked this JVM to make an archive or to say whether it mapped one. */
    static boolean asked() {
        return System.getProperty(DUMP_PROPERTY) != null || System.getProperty(ARCHIVE_PROPERTY) != null;
    }

    /** Whether this JVM is a training run. */
    static boolean training() {
        return Boolean.getBoolean(TRAIN_PROPERTY);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean DIVERTED =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Whether the executor starting now is to train instead ({@link #train}): the first start in a training JVM; the
     * training's own rehearsed starts after it run as starts.
     */
    static boolean divertToTraining() {
        return training() && DIVERTED.compareAndSet(false, true);
    }

    /**
     * The training run ({@link ExecutorBootstrap#run} in a JVM started with {@code -Dbaton.cds.train=true}): the
     * executor's restart path against a stand-in shim, then {@code System.exit(0)} (so the archive is written at
     * exit even if the executor's main started threads of its own). {@code executor} is never started: its class is
     * loaded, as its main made it.
     */
    static void train(BatonExecutor executor, ExecutorOptions options) {
        long t0 = System.nanoTime();
        int status = 0;
        try {
            String did = Standby.warmUp(TRAIN_REPLACEMENTS, TRAIN_REPLAYS, TRAIN_REHEARSALS, options.overTcp(), null,
                    null);
            LOG.info("class-data training for executor {} ({}): {} in {} ms", options.executorId(),
                    executor.getClass().getName(), did, (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 1;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("class-data training stopped: {}", e.toString(), e);
            status = 1;
        }
        System.exit(status);
    }

    /** Says whether the archive this JVM started with is mapped, then makes the one asked for, if any; never throws. */
    static void afterWarmUp(String executorId) {
        String archive = System.getProperty(ARCHIVE_PROPERTY);
        if (archive != null) {
            try {
                if (mapped(Path.of(archive), Path.of("/proc/self/maps"))) {
                    LOG.info("executor {} started with its class-data archive {} mapped", executorId, archive);
                } else {
                    LOG.warn("executor {}: its class-data archive {} is not mapped (made by another JVM, for other jars "
                            + "or flags, or removed): it started without it, slower", executorId, archive);
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("executor {}: could not tell whether {} is mapped: {}", executorId, archive, e.toString());
            }
        }
        String dump = System.getProperty(DUMP_PROPERTY);
        if (dump != null && !training()) {
            try {
                make(executorId, Path.of(dump));
            } catch (IOException | RuntimeException e) {
                LOG.warn("executor {}: could not make the class-data archive {} for later starts ({}): they start "
                        + "without it, slower", executorId, dump, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the executor stops
            }
        }
    }

    /** Whether {@code maps} (a {@code /proc/PID/maps}) lists {@code archive} (its real path) as a mapped file. */
    static boolean mapped(Path archive, Path maps) throws IOException {
        String real = archive.toRealPath().toString();
        try (var lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.endsWith(" " + real));
        }
    }

    /**
     * The first entry of {@code classpath} that is a directory holding a class file (at any depth), if any: the JVM
     * archives classes from jars only, and one that loaded a class from a directory refuses to write an archive ("Cannot
     * have non-empty directory in paths", JDK 17). A directory without classes (a YARN container's {@code .}, after
     * the jar) is harmless.
     */
    static Optional<String> classDirectoryIn(String classpath) {
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry.isEmpty() ? "." : entry);
            if (Files.isDirectory(p)) {
                try (var files = Files.walk(p, 64)) {
                    if (files.anyMatch(f -> f.getFileName() != null && f.getFileName().toString().endsWith(".class"))) {
                        return Optional.of(p.toString());
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    return Optional.of(p.toString()); // cannot tell: as if it had classes
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The training JVM's command: {@code command} (this JVM's own, as {@code /proc/self/cmdline} has it) with
     * {@code -Dbaton.cds.dump=…} left out and the training's flags put just before the main class (or {@code -jar}),
     * after the launcher's own flags, which they override; {@code nice} first when there is one.
     *
     * @param mainOrJar the first word of {@code sun.java.command}: the main class, or the jar of {@code -jar}
     */
    static List<String> trainingCommand(String java, List<String> args, String mainOrJar, Path aside,
            Optional<Path> nice) {
        int at = -1;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(mainOrJar) && (i == 0 || !isValued(args.get(i - 1)))) {
                at = i > 0 && args.get(i - 1).equals("-jar") ? i - 1 : i;
                break;
            }
        }
        if (at < 0) {
            throw new IllegalArgumentException("the main class " + mainOrJar + " is not in this JVM's command " + args);
        }
        List<String> cmd = new ArrayList<>();
        nice.ifPresent(n -> cmd.addAll(List.of(n.toString(), "-n", "10")));
        cmd.add(java);
        for (String a : args.subList(0, at)) {
            if (!a.startsWith("-D" + DUMP_PROPERTY + "=")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + aside, "-Xshare:auto", "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off", "-XX:TieredStopAtLevel=1", "-D" + TRAIN_PROPERTY + "=true"));
        cmd.addAll(args.subList(at, args.size()));
        return cmd;
    }

    /** An option whose value is the next word ({@code -cp X}), so that a main class's name there is not the main. */
    private static boolean isValued(String option) {
        return option.equals("-cp") || option.equals("-classpath") || option.equals("--class-path")
                || option.equals("-p") || option.equals("--module-path") || option.equals("--add-modules");
    }

    private static void make(String executorId, Path target) throws IOException, InterruptedException {
        if (Files.exists(target)) {
            return; // another executor made it while this one started
        }
        Optional<String> directory = classDirectoryIn(System.getProperty("java.class.path", ""));
        if (directory.isPresent()) {
            LOG.info("executor {}: no class-data archive for later starts: its class path has the directory {} with "
                    + "classes in it, and the JVM archives classes from jars only", executorId, directory.get());
            return;
        }
        long containerMb = Long.getLong(CONTAINER_MB_PROPERTY, 0);
        if (containerMb > 0) {
            long usedMb = residentMb(ProcessHandle.current()) + ProcessHandle.current().descendants()
                    .mapToLong(ClassDataArchive::residentMb).sum();
            if (usedMb + TRAIN_MB > containerMb) {
                LOG.info("executor {}: no class-data archive for later starts: its container has {} MB, its processes "
                        + "hold {} MB, and the training JVM needs about {} MB more", executorId, containerMb, usedMb,
                        TRAIN_MB);
                return;
            }
        }
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = tryLock(lockChannel)) {
            if (lock == null || Files.exists(target)) {
                return; // another executor is making it, or made it
            }
            long pid = ProcessHandle.current().pid();
            Path aside = target.resolveSibling(target.getFileName() + "." + pid + ".tmp");
            Path log = target.resolveSibling(target.getFileName() + "." + pid + ".log");
            Files.deleteIfExists(aside);
            // read whole: ProcessHandle.Info has no arguments for a long command line (a class path of many jars)
            List<String> self = List.of(new String(Files.readAllBytes(Path.of("/proc/self/cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).split("\0"));
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> args = self.subList(1, self.size());
            String mainOrJar = System.getProperty("sun.java.command", "").split(" ", 2)[0];
            Path nice = Path.of("/usr/bin/nice");
            List<String> cmd = trainingCommand(java, args, mainOrJar, aside,
                    Files.isExecutable(nice) ? Optional.of(nice) : Optional.empty());
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                if (!p.waitFor(TRAIN_BOUND_S, TimeUnit.SECONDS)) {
                    throw new IOException("its training JVM did not end within " + TRAIN_BOUND_S + " s" + tail(log));
                }
                if (p.exitValue() != 0 || !Files.isRegularFile(aside) || Files.size(aside) == 0) {
                    throw new IOException("its training JVM exited " + p.exitValue() + " without writing " + aside
                            + tail(log));
                }
            } finally {
                p.destroyForcibly();
                Files.deleteIfExists(log);
            }
            long bytes = Files.size(aside);
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("executor {} made the class-data archive {} for later starts ({} MiB; its training JVM took {} ms, "
                    + "beside the executor's {} MB resident)", executorId, target, bytes >> 20,
                    (System.nanoTime() - t0) / 1_000_000, residentMb(ProcessHandle.current()));
        } finally {
            Files.deleteIfExists(target.resolveSibling(target.getFileName() + "." + ProcessHandle.current().pid()
                    + ".tmp"));
        }
    }

    /** {@code p}'s resident memory in MB ({@code VmRSS}), 0 if it is gone or unreadable. */
    static long residentMb(ProcessHandle p) {
        try (var lines = Files.lines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) >> 10).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The last lines the training JVM wrote, for the warning. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "; its last lines: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this JVM holds it
        }
    }
}
