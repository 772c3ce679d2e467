package io.baton.samples.command;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What Linux says about a process in {@code /proc/PID/stat}: its state, process group and start time
 * (field 22, clock ticks since boot). A pid plus its start time names one process for good: a reused
 * pid has another start time.
 *
 * <p>Zombies count as dead here: an orphan's zombie may never be reaped (when PID 1 is not an init
 * that reaps), and it runs nothing.
 */
record ProcStat(long pid, char state, long pgrp, long startTime) {
    private static final Path PROC = Path.of("/proc");

    /** The process, if it exists (zombie or not). */
    static Optional<ProcStat> of(long pid) {
        return parse(pid, PROC.resolve(Long.toString(pid)).resolve("stat"));
    }

    /** Alive (not a zombie) and still the process that started at {@code startTime}. */
    static boolean alive(long pid, long startTime) {
        return of(pid).filter(s -> s.state != 'Z' && s.startTime == startTime).isPresent();
    }

    /** Whether any live (non-zombie) process is still in process group {@code pgid}. */
    static boolean groupAlive(long pgid) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path d : dirs) {
                Optional<ProcStat> s = parse(Long.parseLong(d.getFileName().toString()), d.resolve("stat"));
                if (s.isPresent() && s.get().pgrp == pgid && s.get().state != 'Z') {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc to find the processes of group " + pgid + ": " + e, e);
        }
    }

    private static Optional<ProcStat> parse(long pid, Path stat) {
        String text;
        try {
            text = Files.readString(stat);
        } catch (IOException gone) {
            return Optional.empty();
        }
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'
        String[] f = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        return Optional.of(new ProcStat(pid, f[0].charAt(0), Long.parseLong(f[2]), Long.parseLong(f[19])));
    }
}
