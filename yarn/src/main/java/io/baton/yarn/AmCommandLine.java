package io.baton.yarn;

import io.baton.resources.Resources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The managed AM's command line ({@link BatonApplicationMaster#main}), parsed: its {@link AmOptions}, the
 * executors it runs (each in its own container, started by the first attempt; a later attempt starts only
 * those it did not get back running), and the Hadoop configuration file the submitter shipped.
 *
 * <pre>
 * --staging-dir URI --total RESOURCES --framework-port N|any --executor-port N|any
 * [--work-dir DIR] [--bind ADDR] [--host HOST] [--heartbeat-ms N] [--reserve-timeout-ms N] [--web-port N|any]
 * [--adopt-timeout-ms N] [--hadoop-conf FILE]
 * [--executor ID:MEMORY_MB:VCORES ...] [--executor-java PATH] [--executor-classpath CP] [--executor-main CLASS]
 * [--executor-jvm-flag FLAG ...]
 * </pre>
 *
 * <p>{@code --work-dir} is where each attempt makes a fresh directory of its own for the shim's Unix sockets
 * (default: the JVM's temp dir): a container's work directory is too deep for a socket path (108 bytes).
 * Pure; safe from any thread.
 *
 * @param options the AM's options; {@code workDir} is the base under which an attempt makes its directory
 * @param executors what to run, in order
 * @param hadoopConf a Hadoop configuration file to add to the defaults, or null
 */
public record AmCommandLine(AmOptions options, List<ExecutorLaunch> executors, String hadoopConf) {

    public static final String USAGE = "--staging-dir URI --total RESOURCES --framework-port N|any "
            + "--executor-port N|any [--work-dir DIR] [--bind ADDR] [--host HOST] [--heartbeat-ms N] "
            + "[--reserve-timeout-ms N] [--web-port N|any] [--adopt-timeout-ms N] [--hadoop-conf FILE] [--executor ID:MEMORY_MB:VCORES ...] "
            + "[--executor-java PATH] [--executor-classpath CP] [--executor-main CLASS] [--executor-jvm-flag FLAG ...]";

    public AmCommandLine {
        executors = List.copyOf(executors);
    }

    /**
     * Parses {@code args}; bad input fails with {@link IllegalArgumentException} naming the option and value. A
     * port given as {@code any} is taken from {@code freePort} (a port free on this host now): an attempt then
     * serves where it can on whichever node YARN runs it, and publishes where ({@link AmAddress}).
     */
    public static AmCommandLine parse(IntSupplier freePort, String... args) {
        String staging = null;
        String total = null;
        String workDir = System.getProperty("java.io.tmpdir");
        String bind = "0.0.0.0";
        String host = null;
        Integer frameworkPort = null;
        Integer executorPort = null;
        long heartbeatMs = 1000;
        long reserveTimeoutMs = AmOptions.DEFAULT_RESERVE_TIMEOUT_MS;
        int webPort = 0;
        long adoptTimeoutMs = AmOptions.DEFAULT_ADOPT_TIMEOUT_MS;
        String hadoopConf = null;
        List<String> executorSpecs = new ArrayList<>();
        String java = "java";
        String classpath = null;
        String main = null;
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " has no value; usage: " + USAGE);
            }
            String v = args[i + 1];
            switch (name) {
                case "--staging-dir" -> staging = v;
                case "--total" -> total = v;
                case "--work-dir" -> workDir = v;
                case "--bind" -> bind = v;
                case "--host" -> host = v;
                case "--framework-port" -> frameworkPort = port(name, v, 1, freePort);
                case "--executor-port" -> executorPort = port(name, v, 1, freePort);
                case "--heartbeat-ms" -> heartbeatMs = number(name, v, 10, 60_000);
                case "--reserve-timeout-ms" -> reserveTimeoutMs = number(name, v, 1, 600_000);
                case "--web-port" -> webPort = port(name, v, 0, freePort);
                case "--adopt-timeout-ms" -> adoptTimeoutMs = number(name, v, 1_000, 3_600_000);
                case "--hadoop-conf" -> hadoopConf = v;
                case "--executor" -> executorSpecs.add(v);
                case "--executor-java" -> java = v;
                case "--executor-classpath" -> classpath = v;
                case "--executor-main" -> main = v;
                case "--executor-jvm-flag" -> flags.add(v);
                default -> throw new IllegalArgumentException("unknown option " + name + "; usage: " + USAGE);
            }
        }
        require("--staging-dir", staging);
        require("--total", total);
        require("--framework-port", frameworkPort);
        require("--executor-port", executorPort);
        if (!executorSpecs.isEmpty() && (classpath == null || main == null)) {
            throw new IllegalArgumentException(executorSpecs.size() + " --executor given, but --executor-classpath "
                    + "and --executor-main are needed to start them (got " + classpath + ", " + main + ")");
        }
        Resources resources;
        try {
            resources = Resources.parse(total);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--total '" + total + "' is not a resource list (e.g. "
                    + "cpus:8;mem:8192;ports:[31000-31999]): " + e.getMessage(), e);
        }
        if (host == null) {
            host = System.getenv().getOrDefault("NM_HOST", "127.0.0.1"); // the node YARN ran this container on
        }
        AmOptions options = new AmOptions(Path.of(workDir).toAbsolutePath(), staging, resources, bind, host,
                frameworkPort, executorPort, heartbeatMs, reserveTimeoutMs, webPort, adoptTimeoutMs);
        List<ExecutorLaunch> executors = new ArrayList<>();
        for (String spec : executorSpecs) {
            executors.add(executor(spec, java, flags, classpath, main));
        }
        return new AmCommandLine(options, executors, hadoopConf);
    }

    private static ExecutorLaunch executor(String spec, String java, List<String> flags, String cp, String main) {
        String[] parts = spec.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("--executor '" + spec + "' must be ID:MEMORY_MB:VCORES, e.g. w1:512:1");
        }
        long mb = number("--executor " + parts[0] + " memory", parts[1], 1, Long.MAX_VALUE);
        int vcores = (int) number("--executor " + parts[0] + " vcores", parts[2], 1, Integer.MAX_VALUE);
        return new ExecutorLaunch(parts[0], new YarnSize(mb, vcores), java, flags, cp, main);
    }

    private static int port(String what, String v, int min, IntSupplier freePort) {
        return v.equals("any") ? freePort.getAsInt() : (int) number(what + " (or 'any')", v, min, 65535);
    }

    private static long number(String what, String v, long min, long max) {
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number " + min + "-" + max + ", got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(what + " must be " + min + "-" + max + ", got " + n);
        }
        return n;
    }

    private static void require(String name, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " is required; usage: " + USAGE);
        }
    }
}
