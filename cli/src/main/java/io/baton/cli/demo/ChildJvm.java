package io.baton.cli.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A sample executor in its own JVM (so it can be SIGKILLed), its output going to a log file. */
final class ChildJvm {
    /** Chronicle Queue needs these on Java 17 (the last two keep it from phoning home). */
    static final List<String> FLAGS = List.of("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "-Dchronicle.analytics.disable=true",
            "-Dchronicle.announcer.disable=true",
            // as baton's main: the quick way to logback (io.baton.shim.BatonLogging)
            "-Dslf4j.provider=io.baton.shim.BatonLogging",
            "-Dslf4j.internal.verbosity=WARN");

    final String name;
    private final List<String> command;
    private final Path log;
    private Process process;

    ChildJvm(String name, String mainClass, Path log, String... args) {
        this.name = name;
        this.log = log;
        command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FLAGS);
        command.add("-Xmx96m");
        command.add("-Dbaton.executor.overhead=cpus:0.1;mem:256"); // a JVM's real footprint, for real cgroups
        String archive = System.getProperty("baton.cds.archive"); // bin/baton's class-data archive: same jar, same classes
        if (archive != null) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off"));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
    }

    ChildJvm start() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL (destroyForcibly on Linux), and wait for it to be gone. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    Path log() {
        return log;
    }
}
