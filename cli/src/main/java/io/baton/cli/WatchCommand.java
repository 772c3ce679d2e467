package io.baton.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.ReplacementProgress;
import io.baton.proto.TaskStatus;
import io.baton.sdk.client.BatonClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code baton watch}: the node's status updates and replacement progress, live. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Prints every status update and replacement phase change as it arrives, one line each, until "
                + "Ctrl-C (or --for). Acknowledges the updates it prints, as a framework does (an executor sends a "
                + "task's next update only once the previous one was acknowledged); --passive does not."},
        footer = {"", "Example:", "  baton watch --work-dir /tmp/baton", "  baton watch --work-dir /tmp/baton --json "
                + "--for 30s"})
final class WatchCommand implements Callable<Integer> {
    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

    @Mixin
    ShimConnection shim;

    @Option(names = "--json", description = "One JSON object per line: {\"update\":...} or {\"progress\":...}.")
    boolean json;

    @Option(names = "--passive", description = "Do not acknowledge updates (another framework does).")
    boolean passive;

    @Option(names = "--for", paramLabel = "DURATION", description = "Stop after this long (default: until Ctrl-C).")
    String duration;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long forMs = duration == null ? 0 : Cli.millis("--for", duration);
        PrintWriter out = spec.commandLine().getOut();
        try (BatonClient client = shim.connect(true, !passive)) {
            client.onUpdate(s -> print(out, json ? wrap("update", s) : line(s)));
            client.onProgress(p -> print(out, json ? wrap("progress", p) : line(p)));
            try {
                if (forMs > 0) {
                    client.closed().get(forMs, TimeUnit.MILLISECONDS);
                } else {
                    client.closed().get();
                }
            } catch (TimeoutException done) {
                return 0;
            }
        }
        throw new CliException(CliException.USAGE, "lost the connection to the shim at unix:" + shim.socketPath(),
                "the shim stopped or closed it", "restart 'baton watch' once the shim runs");
    }

    private static void print(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    static String line(TaskStatus s) {
        StringBuilder sb = new StringBuilder(Format.time(s.getTimestampUs())).append("  update  ")
                .append(s.getTaskId().getValue()).append(' ').append(s.getState().name());
        if (!s.getExecutorId().getValue().isEmpty()) {
            sb.append(" on ").append(s.getExecutorId().getValue());
        }
        if (!s.getReplacementId().getValue().isEmpty()) {
            sb.append(" [").append(s.getReplacementId().getValue()).append(']');
        }
        if (s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED) {
            sb.append(" outcome ").append(s.getOutcome()).append(" (").append(Format.timings(s.getTimings())).append(')');
        }
        if (!s.getMessage().isEmpty()) {
            sb.append(" — ").append(CliException.oneLine(s.getMessage()));
        }
        return sb.toString();
    }

    static String line(ReplacementProgress p) {
        return Format.time(p.getAtUs()) + "  progress " + p.getReplacementId().getValue() + " " + p.getOldTaskId()
                .getValue() + " -> " + p.getNewTaskId().getValue() + " " + p.getFromPhase() + " -> " + p.getPhase()
                + (p.getExecutorId().getValue().isEmpty() ? "" : " on " + p.getExecutorId().getValue());
    }

    private static String wrap(String kind, MessageOrBuilder m) {
        try {
            return "{\"" + kind + "\":" + JSON.print(m) + "}";
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + kind + " as JSON: " + e.getMessage(), e);
        }
    }
}
