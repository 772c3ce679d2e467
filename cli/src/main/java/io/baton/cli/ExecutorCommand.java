package io.baton.cli;

import io.baton.samples.command.CommandExecutor;
import io.baton.samples.http.HttpServiceExecutor;
import io.baton.samples.worker.WorkerExecutor;
import io.baton.sdk.api.ExecutorOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code baton executor}: runs one of the sample executors in the foreground. */
@Command(name = "executor", mixinStandardHelpOptions = true,
        description = {"Runs a sample executor until the shim shuts it down or Ctrl-C: command (shell commands), "
                + "http-service (HTTP servers with zero-downtime replacement) or worker (in-process counters). Its "
                + "journal is <work-dir>/journal."},
        footer = {"", "Example:", "  baton executor worker --id workers --work-dir /tmp/workers "
                + "--shim /tmp/baton/executor.sock"})
final class ExecutorCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KIND", description = "command, http-service or worker.")
    String kind;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "The executor's id (lowercase letters, "
            + "digits, '.', '_', '-').")
    String id;

    @Option(names = "--work-dir", required = true, paramLabel = "DIR", description = "The executor's own directory "
            + "(journal, task records).")
    Path workDir;

    @Option(names = "--shim", paramLabel = "SOCKET", description = "The shim's executor socket (default: "
            + "<shim work dir>/executor.sock, i.e. ${DEFAULT-VALUE}).")
    Path shimSocket = ShimConnection.defaultWorkDir().resolve("executor.sock");

    @Override
    public Integer call() {
        ExecutorOptions options;
        try {
            options = new ExecutorOptions(id, workDir.toAbsolutePath(), shimSocket.toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new CliException(CliException.USAGE, "invalid --id", e.getMessage(), "choose another --id");
        }
        switch (kind) {
            case "command" -> new CommandExecutor(options.workDir()).run(options);
            case "http-service" -> new HttpServiceExecutor().run(options);
            case "worker" -> new WorkerExecutor().run(options);
            default -> throw new CliException(CliException.USAGE, "unknown executor '" + kind + "'",
                    "the samples are command, http-service and worker", "run 'baton executor worker --id ... --work-dir ...'");
        }
        return 0;
    }
}
