package io.baton.yarn;

import java.util.List;
import java.util.Objects;

/**
 * One Baton executor to run in its own YARN container: its id, the container's size (its envelope at
 * start: overhead plus the tasks it will be launched with), and how to start its JVM there. The token never
 * appears here: the AM hands it to the container as a file.
 *
 * @param executorId the executor's id (lowercase letters, digits, '.', '_', '-')
 * @param size the container to ask the ResourceManager for
 * @param java the java command on the NodeManager's host
 * @param jvmFlags flags before {@code -cp}, e.g. a heap limit below the container's memory
 * @param classpath where the executor's classes are on the NodeManager's host
 * @param mainClass a class whose {@code main} takes {@code --id --work-dir --shim-file FILE --token-file FILE}
 *     (like {@code io.baton.samples.worker.WorkerExecutor})
 */
public record ExecutorLaunch(String executorId, YarnSize size, String java, List<String> jvmFlags, String classpath,
        String mainClass) {

    public ExecutorLaunch {
        Objects.requireNonNull(size, "size");
        if (executorId == null || !executorId.matches("[a-z0-9][a-z0-9_.-]{0,62}")) {
            throw new IllegalArgumentException("executor id '" + executorId + "' is invalid: use 1-63 lowercase "
                    + "letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (size.vcores() < 1 || size.memoryMb() < 1) {
            throw new IllegalArgumentException("executor " + executorId + " needs a container of at least 1 vcore "
                    + "and 1 MB, got " + size);
        }
        jvmFlags = List.copyOf(jvmFlags);
    }
}
