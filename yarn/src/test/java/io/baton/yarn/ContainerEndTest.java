package io.baton.yarn;

import static org.assertj.core.api.Assertions.assertThat;

import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.junit.jupiter.api.Test;

/** The rule that turns a container's end into its tasks' status (README, "A container YARN ends"). */
class ContainerEndTest {

    private static ContainerEnd end(int exit, String diagnostics) {
        return new ContainerEnd("w1", "container_1_0001_01_000002", "n1:4545", exit, diagnostics);
    }

    @Test
    void yarnsOwnDecisionsLoseTheTasks() {
        for (int exit : new int[] {ContainerExitStatus.PREEMPTED, ContainerExitStatus.KILLED_BY_APPMASTER,
                ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, ContainerExitStatus.ABORTED,
                ContainerExitStatus.DISKS_FAILED, ContainerExitStatus.INVALID}) {
            assertThat(end(exit, "").state()).as("exit %d", exit).isEqualTo(TaskState.TASK_LOST);
            assertThat(end(exit, "").reason()).isEqualTo(TaskReason.REASON_EXECUTOR_TERMINATED);
        }
        assertThat(end(ContainerExitStatus.KILLED_BY_APPMASTER, " Container killed by the ApplicationMaster.\n")
                .message()).isEqualTo("container container_1_0001_01_000002 of executor w1 exited -105 "
                        + "(KILLED_BY_APPMASTER) on node n1:4545: Container killed by the ApplicationMaster.");
    }

    @Test
    void aContainerOverItsMemoryFailsTheTasksForTheirMemory() {
        for (int exit : new int[] {ContainerExitStatus.KILLED_EXCEEDED_PMEM, ContainerExitStatus.KILLED_EXCEEDED_VMEM}) {
            assertThat(end(exit, "").state()).isEqualTo(TaskState.TASK_FAILED);
            assertThat(end(exit, "").reason()).isEqualTo(TaskReason.REASON_CONTAINER_LIMITATION_MEMORY);
        }
    }

    @Test
    void theExecutorsOwnExitFailsTheTasks() {
        for (int exit : new int[] {0, 1, ExecutorCommands.RELAUNCH_EXIT, 137, 143}) {
            assertThat(end(exit, "").state()).as("exit %d", exit).isEqualTo(TaskState.TASK_FAILED);
            assertThat(end(exit, "").reason()).isEqualTo(TaskReason.REASON_EXECUTOR_TERMINATED);
        }
        assertThat(end(ExecutorCommands.RELAUNCH_EXIT, "").message()).isEqualTo("container "
                + "container_1_0001_01_000002 of executor w1 exited 75 (killed by a signal, no relaunch left) on node "
                + "n1:4545");
        assertThat(end(1, null).message()).endsWith("exited 1 on node n1:4545");
    }

    @Test
    void longDiagnosticsAreCutAndTheirWhitespaceFolded() {
        String dump = "Container is running beyond the 'PHYSICAL' memory limit.\nDump of the process-tree:\n\t|- "
                + "x".repeat(2000);
        ContainerEnd e = end(ContainerExitStatus.KILLED_EXCEEDED_PMEM, dump);
        assertThat(e.message()).contains("(KILLED_EXCEEDED_PMEM) on node n1:4545: Container is running beyond the "
                + "'PHYSICAL' memory limit. Dump of the process-tree: |- xxx").endsWith("...").doesNotContain("\n");
        assertThat(e.message().length()).isLessThan(ContainerEnd.MAX_DIAGNOSTICS + 200);
    }
}
