package io.baton.yarn;

import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.shim.core.Input;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;

/**
 * An executor's YARN container that ended without Baton giving it back, and what that makes of the executor's
 * tasks (they all end with the same status). The rule, by the exit status the ResourceManager reports:
 *
 * <ul>
 * <li>{@code KILLED_EXCEEDED_PMEM} / {@code KILLED_EXCEEDED_VMEM}: the NodeManager killed it for using more memory
 *     than the container holds, so the tasks used more than they declared → {@code TASK_FAILED},
 *     {@code REASON_CONTAINER_LIMITATION_MEMORY} (what Mesos reports for its memory limit);</li>
 * <li>any other negative status is YARN's own decision, not the tasks' doing (preempted or killed by the
 *     ResourceManager, stopped on the NodeManager by someone other than Baton, released on a lost node
 *     ({@code ABORTED}), disks failed, ...) → {@code TASK_LOST}, {@code REASON_EXECUTOR_TERMINATED}: the framework
 *     may run them again elsewhere;</li>
 * <li>0 or positive: the executor's own process ended (the wrapper's exit 75 when the NodeManager has no relaunch
 *     left, the JVM's own exit code otherwise) → {@code TASK_FAILED}, {@code REASON_EXECUTOR_TERMINATED}.</li>
 * </ul>
 *
 * <p>Each status's message names the container, the executor, the exit status (and its YARN name), the node and
 * YARN's diagnostics, without the memory monitor's process-tree dump and cut at {@link #MAX_DIAGNOSTICS}: "container
 * C of executor E exited -102 (PREEMPTED) on node N: Container preempted by scheduler".
 */
record ContainerEnd(String executorId, String container, String node, int exitStatus, String diagnostics) {
    /** Long diagnostics (the memory monitor's process-tree dump) are cut to this many characters. */
    static final int MAX_DIAGNOSTICS = 600;

    TaskState state() {
        return exitStatus < 0 && !overMemory() ? TaskState.TASK_LOST : TaskState.TASK_FAILED;
    }

    TaskReason reason() {
        return overMemory() ? TaskReason.REASON_CONTAINER_LIMITATION_MEMORY : TaskReason.REASON_EXECUTOR_TERMINATED;
    }

    String message() {
        String named = name(exitStatus);
        String diag = diagnostics == null ? "" : withoutProcessTree(diagnostics).strip().replaceAll("\\s+", " ");
        if (diag.length() > MAX_DIAGNOSTICS) {
            diag = diag.substring(0, MAX_DIAGNOSTICS) + "...";
        }
        return "container " + container + " of executor " + executorId + " exited " + exitStatus
                + (named == null ? "" : " (" + named + ")") + " on node " + node + (diag.isEmpty() ? "" : ": " + diag);
    }

    /** The core's input for it, at {@code nowUs}. */
    Input.ExecutorGone gone(long nowUs) {
        return new Input.ExecutorGone(executorId, state(), reason(), message(), nowUs);
    }

    /**
     * The NodeManager's memory monitor adds a dump of the container's process tree (every process's full command
     * line, class path included) to its diagnostics; it stays in the NodeManager's log, not in a task's status.
     */
    private static String withoutProcessTree(String diagnostics) {
        StringBuilder kept = new StringBuilder();
        for (String line : diagnostics.split("\n")) {
            String l = line.strip();
            if (!l.startsWith("|-") && !l.startsWith("Dump of the process-tree")) {
                kept.append(line).append('\n');
            }
        }
        return kept.toString();
    }

    private boolean overMemory() {
        return exitStatus == ContainerExitStatus.KILLED_EXCEEDED_PMEM
                || exitStatus == ContainerExitStatus.KILLED_EXCEEDED_VMEM;
    }

    private static String name(int status) {
        return switch (status) {
            case ContainerExitStatus.INVALID -> "INVALID";
            case ContainerExitStatus.ABORTED -> "ABORTED";
            case ContainerExitStatus.DISKS_FAILED -> "DISKS_FAILED";
            case ContainerExitStatus.PREEMPTED -> "PREEMPTED";
            case ContainerExitStatus.KILLED_EXCEEDED_VMEM -> "KILLED_EXCEEDED_VMEM";
            case ContainerExitStatus.KILLED_EXCEEDED_PMEM -> "KILLED_EXCEEDED_PMEM";
            case ContainerExitStatus.KILLED_BY_APPMASTER -> "KILLED_BY_APPMASTER";
            case ContainerExitStatus.KILLED_BY_RESOURCEMANAGER -> "KILLED_BY_RESOURCEMANAGER";
            case ContainerExitStatus.KILLED_AFTER_APP_COMPLETION -> "KILLED_AFTER_APP_COMPLETION";
            case ContainerExitStatus.KILLED_BY_CONTAINER_SCHEDULER -> "KILLED_BY_CONTAINER_SCHEDULER";
            case ContainerExitStatus.KILLED_FOR_EXCESS_LOGS -> "KILLED_FOR_EXCESS_LOGS";
            case ExecutorCommands.RELAUNCH_EXIT -> "killed by a signal, no relaunch left";
            default -> null;
        };
    }
}
