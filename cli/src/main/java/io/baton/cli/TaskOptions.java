package io.baton.cli;

import io.baton.proto.HttpCheck;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.TaskID;
import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.resources.Resources;
import io.baton.tasks.TaskResources;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The new task of {@code launch} and {@code replace}: id, resources, spec, params, readiness check. */
final class TaskOptions {
    @Option(names = "--task", required = true, paramLabel = "ID", description = "The task's id.")
    String taskId;

    @Option(names = "--resources", required = true, paramLabel = "R",
            description = "The task's resources in Mesos syntax, e.g. 'cpus:0.5;mem:64'; at least one (a task "
                    + "with none is refused).")
    String resources;

    @Option(names = "--spec", paramLabel = "VALUE", description = "spec.value, interpreted by the executor "
            + "(a command, a version, a label).")
    String spec = "";

    @Option(names = "--param", paramLabel = "K=V", description = "spec.params entries, e.g. period_ms=100 (repeatable).")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--readiness-http", paramLabel = "PORT[:PATH]", description = "Readiness check: HTTP GET on "
            + "127.0.0.1:PORT (path default /).")
    String readinessHttp;

    @Option(names = "--readiness-command", paramLabel = "CMD", description = "Readiness check: a shell command that "
            + "exits 0 when the task is ready (run every 200 ms).")
    String readinessCommand;

    @Option(names = "--readiness-timeout", paramLabel = "DURATION", description = "How long one try of the readiness "
            + "check may take (default: ${DEFAULT-VALUE}); a try that takes longer counts as not ready and is tried "
            + "again, until the replacement's --start-timeout.")
    String readinessTimeout = "1s";

    /** The task's resources; refused here, before anything is sent, when invalid or empty (as the shim would). */
    Resources parsedResources() {
        Resources r;
        try {
            r = Resources.parse(resources);
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "invalid --resources '" + resources + "'", e.getMessage(),
                    "use Mesos syntax, e.g. 'cpus:1;mem:256;ports:[31000-31001]'");
        }
        if (r.isEmpty()) {
            throw new CliException(CliException.USAGE, TaskResources.none("task " + taskId),
                    "--resources '" + resources + "' holds nothing", TaskResources.HINT);
        }
        return r;
    }

    TaskInfo toTask() {
        TaskInfo.Builder t = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue(taskId)).setName(taskId)
                .addAllResources(parsedResources().toProto())
                .setSpec(TaskSpec.newBuilder().setKind("cli").setValue(spec).putAllParams(params));
        if (readinessHttp != null && readinessCommand != null) {
            throw new CliException(CliException.USAGE, "both --readiness-http and --readiness-command given",
                    "a task has one readiness check", "keep one of them");
        }
        long tryMs = Cli.millis("--readiness-timeout", readinessTimeout);
        if (tryMs <= 0) {
            throw new CliException(CliException.USAGE, "invalid --readiness-timeout '" + readinessTimeout + "'",
                    "a try needs some time (" + tryMs + " ms given)", "use e.g. 500ms or 5s");
        }
        if (readinessHttp != null) {
            t.setReadiness(ReadinessCheck.newBuilder().setTimeoutMs(tryMs).setHttp(httpCheck(readinessHttp)));
        }
        if (readinessCommand != null) {
            t.setReadiness(ReadinessCheck.newBuilder().setIntervalMs(200).setTimeoutMs(tryMs).setCommand(
                    io.baton.proto.CommandCheck.newBuilder().setCommand(readinessCommand)));
        }
        return t.build();
    }

    private static HttpCheck httpCheck(String text) {
        int colon = text.indexOf(':');
        String port = colon < 0 ? text : text.substring(0, colon);
        String path = colon < 0 ? "/" : text.substring(colon + 1);
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65_535) {
                throw new NumberFormatException("out of range 1..65535");
            }
            return HttpCheck.newBuilder().setPort(p).setPath(path.startsWith("/") ? path : "/" + path).build();
        } catch (NumberFormatException e) {
            throw new CliException(CliException.USAGE, "invalid --readiness-http '" + text + "'",
                    "the port is not a number in 1..65535", "use PORT or PORT:PATH, e.g. 8080:/health");
        }
    }
}
