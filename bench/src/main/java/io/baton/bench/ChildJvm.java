package io.baton.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An executor in its own JVM (so it can be SIGKILLed), on this JVM's classpath, its output appended to
 * a log file. Used by the HTTP downtime and recovery measurements.
 */
final class ChildJvm implements AutoCloseable {
    /**
     * The root pom's baton.jvm.flags (Chronicle Queue needs them on Java 17; two stop it phoning home), then what
     * baton's main adds since 2026-12-06: SLF4J straight to Baton's logback set-up ({@code io.baton.shim.BatonLogging}).
     */
    static final List<String> FLAGS = List.of("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true", "-Dslf4j.provider=io.baton.shim.BatonLogging", "-Dslf4j.internal.verbosity=WARN");

    /** Besides {@link #FLAGS}: a small executor JVM, whose GC keeps its threads off the cores the load uses. */
    static final String OPTIONS = "-Xmx256m -XX:+UseSerialGC";

    private final Process process;
    final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Not a JVM option: {@code --bench-cp=<classpath>} among a child's options runs it on that classpath instead of
     * this JVM's (another build's jars, for a row side by side with it, e.g. a {@code RecoveryBench.Variant}).
     */
    static final String OTHER_CLASSPATH = "--bench-cp=";

    /**
     * Starts {@code mainClass} with {@code args}; {@code jvmOptions} go before the main class (e.g. a JFR
     * recording). The child's stdout and stderr are appended to {@code log}.
     */
    static ChildJvm start(String mainClass, Path log, List<String> jvmOptions, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(FLAGS);
        cmd.addAll(List.of(OPTIONS.split(" ")));
        String classpath = System.getProperty("java.class.path");
        for (String o : jvmOptions) {
            if (o.startsWith(OTHER_CLASSPATH)) {
                classpath = o.substring(OTHER_CLASSPATH.length()); // another build, side by side with this one
            } else {
                cmd.add(o);
            }
        }
        cmd.add("-cp");
        cmd.add(jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile=")
                || o.startsWith("-XX:ArchiveClassesAtExit=")) ? jarsOnly(classpath) : classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ChildJvm(p, log);
    }

    /**
     * Runs {@code command} as it is (not a JVM of this class path: e.g. bin/baton), with {@code env} added to this
     * process's environment, its stdout and stderr appended to {@code log}.
     */
    static ChildJvm command(List<String> command, java.util.Map<String, String> env, Path log) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        b.environment().putAll(env);
        return new ChildJvm(b.start(), log);
    }

    /**
     * Runs {@code mainClass} with {@code args} in a child JVM ({@code -Xmx1g}, its output in {@code dir}/out.log) to
     * its end (at most {@code timeoutMs}) and returns the first line it printed that starts with {@code prefix}: a
     * side-by-side child's figures. {@code what} names the child in the errors, which carry its output.
     */
    static String figures(String mainClass, Path dir, String what, String prefix, long timeoutMs, String... args)
            throws Exception {
        return figures(mainClass, dir, what, prefix, timeoutMs, List.of(), args);
    }

    /** The same, with {@code jvmOptions} after {@link #OPTIONS} and {@code -Xmx1g} (later ones win). */
    static String figures(String mainClass, Path dir, String what, String prefix, long timeoutMs,
            List<String> jvmOptions, String... args) throws Exception {
        Files.createDirectories(dir);
        List<String> options = new ArrayList<>(List.of("-Xmx1g"));
        options.addAll(jvmOptions);
        try (ChildJvm child = start(mainClass, dir.resolve("out.log"), options, args)) {
            if (!child.waitFor(timeoutMs)) {
                throw new IllegalStateException(what + " did not end; its output:\n" + child.output());
            }
            return child.output().lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(
                    () -> new IllegalStateException(what + " printed no figures; its output:\n" + child.output()));
        }
    }

    /**
     * The class path without its directories: an AppCDS archive can only be made and used with jars on it
     * (e.g. a test run's test-classes directory is dropped; an executor needs none of it).
     */
    static String jarsOnly(String classPath) {
        return java.util.Arrays.stream(classPath.split(java.io.File.pathSeparator))
                .filter(e -> !Files.isDirectory(Path.of(e))).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the child has used so far (user + system, all its threads), in ms, from /proc (Linux). */
    long cpuMillis() throws IOException {
        return ProcUsage.cpuMs(pid());
    }

    /**
     * The child's live heap in bytes: {@code jcmd PID GC.class_histogram} runs a full GC first and then counts
     * every live object, so this is what the child's data takes, not garbage or the heap's size.
     */
    long liveHeapBytes() throws IOException, InterruptedException {
        return Long.parseLong(jcmd("GC.class_histogram").lines().filter(l -> l.startsWith("Total "))
                .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException("jcmd " + pid()
                        + " GC.class_histogram printed no Total line")).trim().split("\\s+")[2]);
    }

    /** Runs {@code jcmd PID command...} (bounded: 120 s) and returns what it printed. */
    String jcmd(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + new String(out, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, its descendants too (a script's child: bin/baton's archive training), and wait (bounded) until it is gone. */
    void kill9() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM (the JVM runs its shutdown hooks, e.g. dumps a JFR recording), then SIGKILL after 10 s. */
    void terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill9();
        }
    }

    /** The exit code of a process that has exited. */
    int exitValue() {
        return process.exitValue();
    }

    /** Waits for the process to exit on its own, at most {@code millis}; whether it did. */
    boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
