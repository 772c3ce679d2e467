package io.baton.shim.isolator;

import java.nio.file.Path;

/**
 * The few cgroupfs operations the isolators need. {@link KernelCgroupFs} talks to the kernel; tests
 * pass a fake that behaves like the kernel on a temporary directory (mkdir creates the interface
 * files, a write replaces the value), so the isolators' arithmetic is tested without root.
 */
interface CgroupFs {

    /** Creates {@code dir} and any missing ancestors; no-op if it exists. */
    void mkdir(Path dir) throws IsolatorException;

    /** Removes the (empty of processes) cgroup directory; no-op if absent. */
    void rmdir(Path dir) throws IsolatorException;

    boolean exists(Path path);

    boolean isWritable(Path path);

    /** Reads an interface file, trimmed. */
    String read(Path file) throws IsolatorException;

    /** Writes {@code value} to an existing interface file in a single write. */
    void write(Path file, String value) throws IsolatorException;
}
