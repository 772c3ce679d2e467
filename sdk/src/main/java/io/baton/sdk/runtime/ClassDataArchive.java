package io.baton.sdk.runtime;

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
 * {@code -Dbaton.cds.dump=FILE}; once that executor has subscribed and warmed up, it starts a training JVM with its
 * own java, flags (less those that name files, ports or agents) and class path plus {@code -XX:ArchiveClassesAtExit},
 * a small heap and the JIT's first tier only, under {@code nice}: {@link ClassDataTraining}, which loads the
 * executor's main class without running it, walks an executor's restart path against a stand-in shim in a scratch
 * directory and exits, and the JVM writes the classes it loaded. The executor renames the file into place. The
 * launcher starts every later executor with the same JVM, flags and class path (a relaunch, another container of the
 * application on the node) with {@code -XX:SharedArchiveFile=FILE -Dbaton.cds.archive=FILE}.
 *
 * <p>The executor that asks goes on serving meanwhile: the training is another process (about 3 s of a core at a
 * lower priority here). With {@code -Dbaton.cds.container-mb=MB} it starts only if the container has
 * {@value #TRAIN_MB} MB of room beside what the executor's processes hold, and is stopped if it grows past that room.
 * The first executor to take the lock beside the file trains; others that find it taken go on without (a later start
 * maps the file if it is there by then). The file appears whole (written aside, then renamed) or not at all. A
 * training that fails leaves {@code FILE.failed}, and no later start on the node tries again. Classes from a class
 * path directory cannot be archived: with a directory of classes on the class path, or a non-empty directory before
 * a jar, nothing is made.
 *
 * <p>An executor started with {@code -Dbaton.cds.archive=FILE} (also {@code bin/baton}'s) says after its first
 * subscription (not after a standby's takeover) whether the JVM mapped {@code FILE}: an archive made by another JVM
 * or for other jars is not mapped, and the executor starts as it would without one.
 */
final class ClassDataArchive {
    /** Where to make the archive (set by the launcher). */
    static final String DUMP_PROPERTY = "baton.cds.dump";
    /** The archive this JVM was started with (set by the launcher beside {@code -XX:SharedArchiveFile}). */
    static final String ARCHIVE_PROPERTY = "baton.cds.archive";
    /**
     * The memory of the executor's container in MB, when the launcher knows it (a YARN container's at launch): the
     * training runs only if the container has room for it beside what its processes hold.
     */
    static final String CONTAINER_MB_PROPERTY = "baton.cds.container-mb";
    /**
     * The room the training needs, MB: measured here at up to about 200 MB resident (sampled) as it writes a 22 MB
     * archive, with its own 128 MB heap; a budget, enforced: a training that grows past the container's room is killed.
     */
    static final long TRAIN_MB = 256;
    /** How long the training may take before it is stopped (and no archive made). */
    static final long TRAIN_BOUND_S = 120;
    /**
     * The executor's flags the training JVM does not get: they name files, ports or agents the executor holds (a GC
     * log, a flight recording, a debugger's or JMX's port).
     */
    private static final List<String> NOT_FOR_TRAINING = List.of("-Xlog", "-Xloggc", "-XX:StartFlightRecording",
            "-XX:FlightRecorderOptions", "-agentlib", "-agentpath", "-javaagent", "-Dcom.sun.management.jmxremote",
            "-XX:ErrorFile", "-XX:HeapDumpPath", "-D" + DUMP_PROPERTY + "=");

    /** Not a constant of the class: the first logger sets the logging up, which the executor's start must not wait for. */
    private static final class Log {
        static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
    }

    private ClassDataArchive() {
    }

    /** Whether the launcher asked this JVM to make an archive or to say whether it mapped one. */
    static boolean asked() {
        return System.getProperty(DUMP_PROPERTY) != null || System.getProperty(ARCHIVE_PROPERTY) != null;
    }

    /** Says whether the archive this JVM started with is mapped, then makes the one asked for, if any; never throws. */
    static void afterWarmUp(String executorId) {
        String archive = System.getProperty(ARCHIVE_PROPERTY);
        if (archive != null) {
            try {
                if (mapped(Path.of(archive), Path.of("/proc/self/maps"))) {
                    Log.LOG.info("executor {} started with its class-data archive {} mapped", executorId, archive);
                } else {
                    notMapped(executorId, Path.of(archive));
                }
            } catch (IOException | RuntimeException e) {
                Log.LOG.debug("executor {}: could not tell whether {} is mapped: {}", executorId, archive, e.toString());
            }
        }
        String dump = System.getProperty(DUMP_PROPERTY);
        if (dump != null) {
            try {
                make(executorId, Path.of(dump));
            } catch (IOException | RuntimeException e) {
                Log.LOG.warn("executor {}: could not make the class-data archive {} for later starts ({}): they start "
                        + "without it, slower", executorId, dump, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the executor stops
            }
        }
    }

    /** Says why {@code archive} is not mapped; deletes it where a JDK update made it useless ({@link #deleteIfStale}). */
    private static void notMapped(String executorId, Path archive) {
        Jvm jvm = Jvm.current();
        Boolean deleted;
        try {
            deleted = deleteIfStale(archive, jvm);
        } catch (IOException | RuntimeException e) {
            Log.LOG.warn("executor {}: its class-data archive {} is not mapped, and telling whether a JDK update left it "
                    + "behind (another JVM than {} made it), or deleting it, failed ({}): it started without it, "
                    + "slower; if this JDK is newer than the archive, delete it and the next start makes it again",
                    executorId, archive, jvm.ident(), e.toString());
            return;
        }
        if (deleted != null) {
            // bin/baton makes an archive again only when its jar changes, a YARN container's command only when there
            // is none: left in place, this one would never be mapped again
            Log.LOG.warn("executor {}: its class-data archive {} is not mapped: another JVM made it before this one ({}) "
                    + "was installed; it started without it, slower, and {}", executorId, archive, jvm.ident(),
                    deleted ? "the archive is deleted: the next start makes it again" : "it changed meanwhile: left");
        } else {
            Log.LOG.warn("executor {}: its class-data archive {} is not mapped (made by another JVM, for other jars, or "
                    + "with flags that change the heap's layout: compressed pointers, the collector, a heap of 32 GB or "
                    + "more): it started without it, slower (bin/baton: BATON_NO_CDS=1 starts without one)", executorId,
                    archive);
        }
    }

    /**
     * A JVM as an archive's header names it (its name and version), and its library, whose change time says when it
     * was installed.
     */
    record Jvm(String name, String version, Path library) {
        static Jvm current() {
            return new Jvm(System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
                    Path.of(System.getProperty("java.home"), "lib", "server", "libjvm.so"));
        }

        String ident() {
            return name + " (" + version + ")";
        }
    }

    /**
     * Whether {@code archive}'s header names {@code jvm} as the JVM that made it. HotSpot writes its identification
     * there, "OpenJDK 64-Bit Server VM (17.0.15+6-…) for linux-amd64 JRE …" ("(fastdebug 17.0.15…" for a debug build),
     * and maps an archive only for the same one.
     */
    static boolean madeBy(Path archive, Jvm jvm) throws IOException {
        byte[] head = new byte[8192];
        int n;
        try (var in = Files.newInputStream(archive)) {
            n = in.readNBytes(head, 0, head.length);
        }
        // the VM's own part: "NAME (VERSION)", "NAME (fastdebug VERSION)"; not the "JRE (VERSION)" that follows it
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(jvm.name()) + " \\((?:[a-z]+ )?"
                + java.util.regex.Pattern.quote(jvm.version()) + "\\)")
                .matcher(new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1)).find();
    }

    /**
     * Deletes {@code archive} where a JDK update left it useless: another JVM made it ({@link #madeBy}) and
     * {@code jvm}'s library changed (its change time: when the package manager installed it) after the archive was
     * written. Two JDKs that share an archive (two users' PATHs) therefore do not delete each other's: each was there
     * before the other's archive was made. Best effort against a new archive renamed into place meanwhile (its file
     * key is compared before the delete). Null where it is not such an archive (or there is none), else whether it
     * deleted it.
     */
    static Boolean deleteIfStale(Path archive, Jvm jvm) throws IOException {
        if (!Files.isRegularFile(archive) || !Files.isRegularFile(jvm.library())) {
            return null;
        }
        Object key = fileKey(archive);
        java.nio.file.attribute.FileTime written = Files.getLastModifiedTime(archive);
        if (madeBy(archive, jvm)) {
            return null;
        }
        java.nio.file.attribute.FileTime installed = (java.nio.file.attribute.FileTime) Files.getAttribute(jvm.library(),
                "unix:ctime");
        if (installed.compareTo(written) <= 0) {
            return null;
        }
        return key != null && key.equals(fileKey(archive)) && Files.deleteIfExists(archive);
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }

    /** Whether {@code maps} (a {@code /proc/PID/maps}) lists {@code archive} (its real path) as a mapped file. */
    static boolean mapped(Path archive, Path maps) throws IOException {
        String real = archive.toRealPath().toString();
        try (var lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.endsWith(" " + real));
        }
    }

    /**
     * An entry of {@code classpath} that keeps the JVM from writing an archive, if any: a directory holding a class
     * file (at any depth), or a non-empty directory before a jar. The JVM archives classes from jars only, and
     * refuses to write an archive when a non-empty directory comes at or before the last entry it loaded a class
     * from ("Cannot have non-empty directory in paths", JDK 17). A directory without classes after every jar (a YARN
     * container's {@code .}) is harmless.
     */
    static Optional<String> classDirectoryIn(String classpath) {
        String nonEmpty = null;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path p = Path.of(entry.isEmpty() ? "." : entry);
            if (Files.isDirectory(p)) {
                try (var files = Files.walk(p, 64)) {
                    List<Path> some = files.filter(f -> !f.equals(p)).limit(100_000).toList();
                    if (some.stream().anyMatch(f -> f.getFileName().toString().endsWith(".class"))) {
                        return Optional.of(p.toString());
                    }
                    if (!some.isEmpty() && nonEmpty == null) {
                        nonEmpty = p.toString();
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    return Optional.of(p.toString()); // cannot tell: as if it had classes
                }
            } else if (nonEmpty != null && entry.endsWith(".jar")) {
                return Optional.of(nonEmpty);
            }
        }
        return Optional.empty();
    }

    /**
     * The training JVM's command: {@code java}, then this JVM's flags ({@code args} up to the main class, as
     * {@code /proc/self/cmdline} has them) less {@link #NOT_FOR_TRAINING}, then the training's own flags (after the
     * executor's, so they win), its class path, {@link ClassDataTraining} and the executor's main class and
     * arguments; {@code nice} first when there is one.
     *
     * @param mainClass the executor's main class (the first word of {@code sun.java.command}); a {@code -jar} start
     *     has none, and is refused
     * @param smallHeap whether to give the training a heap of its own (not when the executor's is too big for
     *     compressed pointers: the archive is only mapped by a JVM that uses them as the one that made it)
     */
    static List<String> trainingCommand(String java, List<String> args, String mainClass, Path aside,
            Optional<Path> nice, boolean smallHeap) {
        int at = -1;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("-jar")) {
                throw new IllegalArgumentException("this JVM was started with -jar: a training JVM needs -cp");
            }
            if (args.get(i).equals(mainClass) && (i == 0 || !isValued(args.get(i - 1)))) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw new IllegalArgumentException("the main class " + mainClass + " is not in this JVM's command " + args);
        }
        List<String> cmd = new ArrayList<>();
        nice.ifPresent(n -> cmd.addAll(List.of(n.toString(), "-n", "10")));
        cmd.add(java);
        for (int i = 0; i < at; i++) {
            String a = args.get(i);
            if (NOT_FOR_TRAINING.stream().noneMatch(a::startsWith)) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + aside, "-Xshare:auto", "-Xlog:disable",
                "-Xlog:all=error:stderr", "-XX:TieredStopAtLevel=1", "-XX:-AlwaysPreTouch", "-Xms8m"));
        if (smallHeap) {
            cmd.add("-Xmx128m");
        }
        cmd.add(ClassDataTraining.class.getName());
        cmd.addAll(args.subList(at, args.size()));
        return cmd;
    }

    /** An option whose value is the next word ({@code -cp X}), so that a main class's name there is not the main. */
    private static boolean isValued(String option) {
        return option.equals("-cp") || option.equals("-classpath") || option.equals("--class-path")
                || option.equals("-p") || option.equals("--module-path") || option.equals("--add-modules");
    }

    /** This JVM's command line, whole ({@code ProcessHandle.Info} has no arguments for a long one): the words after java. */
    static List<String> ownArguments(byte[] cmdline) {
        List<String> words = new ArrayList<>(List.of(new String(cmdline, java.nio.charset.StandardCharsets.UTF_8)
                .split("\0", -1)));
        if (!words.isEmpty() && words.get(words.size() - 1).isEmpty()) {
            words.remove(words.size() - 1); // the terminating NUL
        }
        return words.subList(Math.min(1, words.size()), words.size());
    }

    private static void make(String executorId, Path target) throws IOException, InterruptedException {
        Path failed = target.resolveSibling(target.getFileName() + ".failed");
        if (Files.exists(target)) {
            return; // made while this one started
        }
        if (Files.exists(failed)) {
            Log.LOG.info("executor {}: no class-data archive for later starts: a training on this node failed before "
                    + "({} says why; remove it to try again)", executorId, failed);
            return;
        }
        Optional<String> directory = classDirectoryIn(System.getProperty("java.class.path", ""));
        if (directory.isPresent()) {
            Log.LOG.info("executor {}: no class-data archive for later starts: its class path has the directory {}, "
                    + "and the JVM archives classes from jars only", executorId, directory.get());
            return;
        }
        long roomMb = Long.MAX_VALUE;
        long containerMb = Long.getLong(CONTAINER_MB_PROPERTY, 0);
        if (containerMb > 0) {
            long usedMb = residentMb(ProcessHandle.current()) + ProcessHandle.current().descendants()
                    .mapToLong(ClassDataArchive::residentMb).sum();
            roomMb = containerMb - usedMb;
            if (roomMb < TRAIN_MB) {
                Log.LOG.info("executor {}: no class-data archive for later starts: its container has {} MB, its "
                        + "processes hold {} MB, and the training JVM needs about {} MB more", executorId, containerMb,
                        usedMb, TRAIN_MB);
                return;
            }
        }
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = tryLock(lockChannel)) {
            if (lock == null || Files.exists(target) || Files.exists(failed)) {
                return; // another executor is making it, or made it, or failed to
            }
            sweep(target); // what a training whose executor was killed left: none runs now (it would hold the lock)
            Path aside = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
            Path log = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".log");
            try {
                train(executorId, target, aside, log, roomMb, failed);
            } finally {
                Files.deleteIfExists(aside);
                Files.deleteIfExists(log);
            }
        }
    }

    private static void train(String executorId, Path target, Path aside, Path log, long roomMb, Path failed)
            throws IOException, InterruptedException {
        Files.delete(aside); // the JVM writes it anew; its name was only reserved
        List<String> args = ownArguments(Files.readAllBytes(Path.of("/proc/self/cmdline")));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path nice = Path.of("/usr/bin/nice");
        boolean smallHeap = Runtime.getRuntime().maxMemory() < (30L << 30);
        List<String> cmd = trainingCommand(java, args, System.getProperty("sun.java.command", "").split(" ", 2)[0],
                aside, Files.isExecutable(nice) ? Optional.of(nice) : Optional.empty(), smallHeap);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long peakMb = 0;
        long cpuMs = 0;
        String stopped = null;
        try {
            while (p.isAlive()) {
                ProcessHandle h = p.toHandle();
                long rss = residentMb(h) + h.descendants().mapToLong(ClassDataArchive::residentMb).sum();
                peakMb = Math.max(peakMb, rss);
                cpuMs = h.info().totalCpuDuration().map(d -> d.toMillis()).orElse(cpuMs);
                if (rss > roomMb) {
                    stopped = "it grew to " + rss + " MB, past the container's room of " + roomMb + " MB";
                } else if (System.nanoTime() - t0 > TRAIN_BOUND_S * 1_000_000_000L) {
                    stopped = "it did not end within " + TRAIN_BOUND_S + " s";
                }
                if (stopped != null) {
                    p.destroyForcibly();
                    p.waitFor();
                    break;
                }
                p.waitFor(50, TimeUnit.MILLISECONDS);
            }
        } finally {
            p.destroyForcibly();
        }
        if (stopped == null && (p.exitValue() != 0 || !Files.isRegularFile(aside) || Files.size(aside) == 0)) {
            stopped = "it exited " + p.exitValue() + " without writing " + aside;
        }
        if (stopped != null) {
            String why = "its training JVM was stopped: " + stopped + tail(log);
            Files.writeString(failed, why + "\n");
            throw new IOException(why + "; " + failed + " keeps later starts on this node from trying again");
        }
        long bytes = Files.size(aside);
        Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        Log.LOG.info("executor {} made the class-data archive {} for later starts ({} MiB; its training JVM took {} ms, "
                + "{} ms of CPU and up to {} MB resident, sampled, beside the executor's {} MB)", executorId, target,
                bytes >> 20, (System.nanoTime() - t0) / 1_000_000, cpuMs, peakMb, residentMb(ProcessHandle.current()));
    }

    /** Removes the {@code .tmp} and {@code .log} files of trainings that never finished, beside {@code target}. */
    private static void sweep(Path target) throws IOException {
        String prefix = target.getFileName() + ".";
        try (var files = Files.list(target.getParent())) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (n.startsWith(prefix) && (n.endsWith(".tmp") || n.endsWith(".log"))) {
                    Files.deleteIfExists(f);
                }
            }
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
            return lines.isEmpty() ? "" : "; its last lines: "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
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
