package io.baton.cli;

import io.baton.samples.command.CommandExecutor;
import io.baton.samples.http.HttpServiceExecutor;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.runtime.ExecutorBootstrap;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton executor}: runs one of the sample executors in the foreground. */
@Command(name = "executor", mixinStandardHelpOptions = true,
        description = {"Runs an executor until the shim shuts it down or Ctrl-C: a sample — command (shell "
                + "commands), http-service (HTTP servers with zero-downtime replacement), worker (in-process "
                + "counters) — or your own: 'custom --class NAME --classpath DIR_OR_JAR' (a BatonExecutor subclass "
                + "with a public no-argument constructor, compiled against cli/target/baton.jar). Its journal is "
                + "<work-dir>/journal."},
        footer = {"", "Example:", "  baton executor worker --id workers --work-dir /tmp/workers "
                + "--shim /tmp/baton/executor.sock",
            "  baton executor custom --class SleepExecutor --classpath /tmp/my --id sleepy --work-dir /tmp/sleepy "
                + "--shim /tmp/baton/executor.sock"})
final class ExecutorCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KIND", description = "command, http-service, worker or custom.")
    String kind;

    @Option(names = "--class", paramLabel = "NAME", description = "With custom: your BatonExecutor subclass.")
    String className;

    @Option(names = "--classpath", paramLabel = "PATH", description = "With custom: where that class is "
            + "(directories or jars, separated by ':').")
    String classpath = ".";

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The executor's id (lowercase letters, "
            + "digits, '.', '_', '-').")
    String id;

    @Option(names = "--work-dir", required = true, paramLabel = "DIR", description = "The executor's own directory "
            + "(journal, task records).")
    Path workDir;

    @Option(names = "--shim", paramLabel = "SOCKET", description = "The shim's executor socket (default: "
            + "<shim work dir>/executor.sock, i.e. ${DEFAULT-VALUE}).")
    Path shimSocket = ShimConnection.defaultWorkDir().resolve("executor.sock");

    @Option(names = "--standby", description = "Start as this executor's warm standby: warm up (a few seconds), then "
            + "wait while another process runs this executor (holds its journal) and take over the moment it ends, "
            + "however it ends (kill -9 included; stop the standby first to stop the executor for good), or start at "
            + "once if none runs. Start it beside the executor, with the same arguments.")
    boolean standby;

    /**
     * {@code baton executor ...} parsed by hand when its arguments are plain — {@code executor KIND} and each of
     * {@code --id}, {@code --work-dir}, {@code --shim}, {@code --class}, {@code --classpath} at most once, as
     * {@code --name VALUE} or {@code --name=VALUE}, and {@code --standby} at most once; {@code --id} and
     * {@code --work-dir} given — with what picocli
     * would make of them; null for anything else (another command, help, an unknown or repeated option, a missing
     * value, a value that starts with '-', an {@code @file}), which picocli then parses and answers as usual.
     */
    static ExecutorCommand quick(String[] args) {
        if (args.length < 2 || !"executor".equals(args[0])) {
            return null;
        }
        java.util.Map<String, String> options = new java.util.HashMap<>();
        String kind = null;
        boolean standby = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("@")) {
                return null;
            }
            if (!a.startsWith("-")) {
                if (kind != null) {
                    return null;
                }
                kind = a;
                continue;
            }
            if (a.equals("--standby")) {
                if (standby) {
                    return null;
                }
                standby = true;
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return null;
            }
            if (!QUICK_OPTIONS.contains(name) || value.startsWith("-") || value.startsWith("@")
                    || options.put(name, value) != null) {
                return null;
            }
        }
        if (kind == null || !options.containsKey("--id") || !options.containsKey("--work-dir")) {
            return null;
        }
        ExecutorCommand c = new ExecutorCommand();
        try {
            c.kind = kind;
            c.id = options.get("--id");
            c.workDir = Path.of(options.get("--work-dir"));
            c.shimSocket = options.containsKey("--shim") ? Path.of(options.get("--shim")) : c.shimSocket;
            c.className = options.get("--class");
            c.classpath = options.getOrDefault("--classpath", c.classpath);
            c.standby = standby;
        } catch (java.nio.file.InvalidPathException e) {
            return null; // picocli says what is wrong with it
        }
        return c;
    }

    private static final java.util.Set<String> QUICK_OPTIONS = java.util.Set.of("--id", "--work-dir", "--shim", "--class",
            "--classpath");

    @Override
    public Integer call() {
        ExecutorOptions options;
        try {
            options = new ExecutorOptions(id, workDir.toAbsolutePath(), shimSocket.toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "invalid --id", e.getMessage(), "choose another --id");
        }
        io.baton.sdk.api.BatonExecutor executor = switch (kind) {
            case "command" -> new CommandExecutor(options.workDir());
            case "http-service" -> new HttpServiceExecutor();
            case "worker" -> new WorkerExecutor();
            case "custom" -> custom();
            default -> throw new CliException(CliException.USAGE, "unknown executor '" + kind + "'",
                    "the samples are command, http-service and worker, or custom --class NAME",
                    "run 'baton executor worker --id ... --work-dir ...'");
        };
        try {
            if (standby) {
                ExecutorBootstrap.runAsStandby(executor, options);
            } else {
                ExecutorBootstrap.run(executor, options);
            }
        } catch (io.baton.sdk.journal.JournalInUseException e) {
            throw new CliException(CliException.NEGATIVE, "executor " + id + " not started",
                    "its journal " + options.workDir().resolve("journal") + " is open for writing by " + e.holder()
                    + ", and a journal has one writer", "stop that executor first, or give this one another --work-dir");
        } catch (io.baton.sdk.journal.JournalException e) {
            throw new CliException(CliException.NEGATIVE, "executor " + id + ": its journal failed",
                    e.getMessage(), "see docs/RELIABILITY.md; the journal is " + options.workDir().resolve("journal"));
        }
        return 0;
    }

    /** Loads the author's executor class from --classpath (the SDK comes from this jar). */
    private io.baton.sdk.api.BatonExecutor custom() {
        if (className == null) {
            throw new CliException(CliException.USAGE, "custom needs --class", "no executor class was named",
                    "add --class com.example.MyExecutor --classpath DIR_OR_JAR");
        }
        try {
            java.util.List<java.net.URL> urls = new java.util.ArrayList<>();
            for (String part : classpath.split(":")) {
                urls.add(Path.of(part).toAbsolutePath().toUri().toURL());
            }
            ClassLoader loader = new java.net.URLClassLoader(urls.toArray(new java.net.URL[0]), getClass().getClassLoader());
            Class<?> c = Class.forName(className, true, loader);
            return (io.baton.sdk.api.BatonExecutor) c.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new CliException(CliException.USAGE, "class " + className + " not found", "it is not in " + classpath,
                    "compile it with 'javac -cp cli/target/baton.jar -d DIR ...' and pass --classpath DIR");
        } catch (ClassCastException e) {
            throw new CliException(CliException.USAGE, className + " is not an executor",
                    "it does not extend io.baton.sdk.api.BatonExecutor", "extend BatonExecutor");
        } catch (ReflectiveOperationException | java.net.MalformedURLException e) {
            throw new CliException(CliException.USAGE, "cannot create " + className, e.toString(),
                    "give it a public no-argument constructor");
        }
    }
}
