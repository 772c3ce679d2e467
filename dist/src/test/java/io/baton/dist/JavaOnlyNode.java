package io.baton.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An unpacked distribution run as on a node with a Java 17 runtime and nothing else of ours: every
 * process gets an environment whose PATH is the JDK's bin directory plus a directory of links to the few
 * basic tools bin/baton and the command sample use (bash, setsid, sleep …), so Maven is not findable
 * (here it is /usr/bin/mvn, which is why /usr/bin itself is not on PATH). Processes started in the
 * background are destroyed with their descendants by {@link #close}.
 */
final class JavaOnlyNode implements AutoCloseable {
    /** What bin/baton (bash, dirname, readlink) and the command sample (setsid, sh, mv, sleep) run. */
    static final List<String> TOOLS = List.of("bash", "sh", "env", "dirname", "readlink", "setsid", "mv", "sleep");

    /** The unpacked {@code baton-<version>} directory. */
    final Path home;
    final Path dir;
    private final Map<String, String> env;
    private final List<Process> background = new ArrayList<>();

    /** What a command printed (stdout and stderr together) and its exit code. */
    record Result(int exit, String out) {
    }

    JavaOnlyNode(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        home = Tarball.unpack(Files.createDirectories(dir.resolve("opt")));
        Path tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : TOOLS) {
            Path real = Path.of("/usr/bin", tool);
            if (!Files.isExecutable(real)) {
                throw new IllegalStateException("this test needs /usr/bin/" + tool + " (it is on any Linux node)");
            }
            Files.createSymbolicLink(tools.resolve(tool), real);
        }
        Path javaBin = Path.of(System.getProperty("java.home"), "bin");
        // BATON_JAVA_OPTS reaches every JVM bin/baton starts: C1 only and the serial GC start the test's many
        // short-lived JVMs faster on a busy build machine
        env = Map.of("PATH", javaBin + ":" + tools, "HOME", Files.createDirectories(dir.resolve("home")).toString(),
                "LANG", "C.UTF-8", "BATON_JAVA_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
    }

    /** {@code bash -c script} in the node's environment (bash by absolute path: it is not a PATH lookup). */
    Result shell(String script) throws IOException, InterruptedException {
        return run(List.of("/usr/bin/bash", "-c", script), "shell");
    }

    /** {@code bin/baton args…}, run to its end (60 s at most). */
    Result baton(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/baton").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, args[0]);
    }

    /** {@code bin/baton args…} in the background; what it prints goes to {@link #log(String) log(name)}. */
    void start(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/baton").toString()));
        cmd.addAll(List.of(args));
        background.add(builder(cmd).redirectOutput(logFile(name).toFile()).start());
    }

    /** What the background process {@code name} printed so far. */
    String log(String name) throws IOException {
        Path f = logFile(name);
        return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    }

    private Path logFile(String name) {
        return dir.resolve(name + ".log");
    }

    private ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    private Result run(List<String> cmd, String what) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, what + "-", ".out");
        long started = System.nanoTime();
        Process p = builder(cmd).redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not end within 60 s; it printed:\n"
                    + Files.readString(out));
        }
        System.out.printf("%s: exit %d after %d ms%n", String.join(" ", cmd.subList(1, Math.min(3, cmd.size()))),
                p.exitValue(), (System.nanoTime() - started) / 1_000_000);
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** Destroys the background processes, newest first, each with its descendants (the command sample's tasks). */
    @Override
    public void close() {
        for (int i = background.size() - 1; i >= 0; i--) {
            Process p = background.get(i);
            List<ProcessHandle> tree = p.descendants().toList();
            p.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        for (Process p : background) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
