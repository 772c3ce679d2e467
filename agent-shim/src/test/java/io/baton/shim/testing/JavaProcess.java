package io.baton.shim.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real child JVM running one of this module's mains, with its output captured line by line. */
public final class JavaProcess implements AutoCloseable {
    public final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = new ArrayList<>();

    private JavaProcess(Process p) {
        this.process = p;
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    lines.add(line);
                    synchronized (all) {
                        all.add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process died; its output ends here
            }
        }, "child-output");
        t.setDaemon(true);
        t.start();
    }

    public static JavaProcess start(Path log, String mainClass, String... args) throws IOException {
        return start(List.of(), mainClass, args);
    }

    /**
     * With extra JVM arguments; the flags in the {@code baton.jvm.flags} system property (Chronicle's
     * add-opens, set by the build) are passed on too.
     */
    public static JavaProcess start(List<String> jvmArgs, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String f : System.getProperty("baton.jvm.flags", "").split("\\s+")) {
            if (!f.isBlank()) {
                cmd.add(f);
            }
        }
        cmd.addAll(jvmArgs);
        cmd.add("-Xmx128m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        return new JavaProcess(pb.start());
    }

    /** Waits up to 20 s for a line containing {@code text}; returns it. */
    public String awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no line containing '" + text + "'; output so far:\n" + output());
    }

    public String output() {
        synchronized (all) {
            return String.join("\n", all);
        }
    }

    /** SIGKILL, and wait for the process to be gone. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
