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
    void theMemoryMonitorsProcessTreeDumpIsLeftOut() {
        String diagnostics = "[2026-12-02 15:42:52.9]Container [pid=4242,containerID=c2] is running 251658240B beyond "
                + "the 'PHYSICAL' memory limit. Current usage: 816 MB of 576 MB physical memory used; 3.1 GB of 1.2 GB "
                + "virtual memory used. Killing container.\nDump of the process-tree for c2 :\n\t|- PID PPID PGRPID "
                + "SESSID CMD_NAME FULL_CMD_LINE\n\t|- 4242 4240 4240 4240 (java) java -cp /a.jar:/b.jar Main\n"
                + "\n[2026-12-02 15:42:53.0]Container killed on request. Exit code is 143\n";
        assertThat(end(ContainerExitStatus.KILLED_EXCEEDED_PMEM, diagnostics).message()).isEqualTo("container "
                + "container_1_0001_01_000002 of executor w1 exited -104 (KILLED_EXCEEDED_PMEM) on node n1:4545: "
                + "[2026-12-02 15:42:52.9]Container [pid=4242,containerID=c2] is running 251658240B beyond the "
                + "'PHYSICAL' memory limit. Current usage: 816 MB of 576 MB physical memory used; 3.1 GB of 1.2 GB "
                + "virtual memory used. Killing container. [2026-12-02 15:42:53.0]Container killed on request. Exit "
                + "code is 143");
    }

    @Test
    void longDiagnosticsAreCutAndTheirWhitespaceFolded() {
        String dump = "Container is running beyond the 'PHYSICAL' memory limit.\n\tKilling: " + "x".repeat(2000);
        ContainerEnd e = end(ContainerExitStatus.KILLED_EXCEEDED_PMEM, dump);
        assertThat(e.message()).contains("(KILLED_EXCEEDED_PMEM) on node n1:4545: Container is running beyond the "
                + "'PHYSICAL' memory limit. Killing: xxx").endsWith("...").doesNotContain("\n");
        assertThat(e.message().length()).isLessThan(ContainerEnd.MAX_DIAGNOSTICS + 200);
    }
}
