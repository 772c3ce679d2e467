package io.baton.shim.testing;

import io.baton.proto.ExecutorSubscribe;
import java.nio.file.Path;

/**
 * A child-process executor for tests that need a real, separate pid (cgroups, peer credentials):
 * subscribes, prints one line with the outcome, then answers LAUNCH with TASK_RUNNING and KILL with
 * TASK_KILLED (heartbeating in between) until killed.
 * Args: socket executor-id overhead.
 */
public final class ExecutorProcess {
    private ExecutorProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (TestExecutor e = new TestExecutor(Path.of(args[0]), args[1])) {
            var r = e.subscribe(ExecutorSubscribe.newBuilder().addAllOverhead(
                    io.baton.resources.Resources.parse(args[2]).toProto()));
            if (r.hasSubscribed()) {
                System.out.println("SUBSCRIBED " + r.getSubscribed().getContainer());
            } else {
                System.out.println("REJECTED " + r.getRejected().getCode() + " " + r.getRejected().getMessage());
            }
            System.out.flush();
            while (e.wire.isOpen()) {
                var m = e.wire.poll(x -> x.hasEvent(), java.time.Duration.ofSeconds(1));
                if (m == null) {
                    e.call(io.baton.proto.ExecutorCall.newBuilder().setHeartbeat(io.baton.proto.Heartbeat.getDefaultInstance()));
                } else if (m.getEvent().hasLaunch()) {
                    e.update(m.getEvent().getLaunch().getTask().getTaskId().getValue(), io.baton.proto.TaskState.TASK_RUNNING);
                } else if (m.getEvent().hasKill()) {
                    e.update(m.getEvent().getKill().getTaskId().getValue(), io.baton.proto.TaskState.TASK_KILLED);
                }
            }
        }
    }
}
