package io.baton.cli;

import io.baton.proto.NodeState;
import io.baton.proto.RefusedSubscription;
import io.baton.sdk.client.BatonClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code --wait-for-executor}: lets {@code baton launch} be typed right after the lines that start a shim and
 * an executor in the background. A shim that is not up yet and an executor that has not subscribed yet are
 * waited for, up to one bounded budget, and the command says on stderr what it waits for; anything else
 * fails at once as before.
 */
final class ExecutorArrival {
    private static final long POLL_MS = 100;

    @Option(names = "--wait-for-executor", paramLabel = "DURATION", description = "How long to wait, at most, for the "
            + "shim to come up and the executor to subscribe when they are not there yet, e.g. right after starting "
            + "them in the background (default: ${DEFAULT-VALUE}; 0 fails at once). Says so on stderr while waiting.")
    String waitFor = "30s";

    /** Connects as {@code shim.connect(false, true)} would, then waits for {@code executor}; the client is open. */
    BatonClient connect(ShimConnection shim, String executor, String command, PrintWriter err) {
        long budgetMs = Cli.millis("--wait-for-executor", waitFor);
        if (budgetMs < 0) {
            throw new CliException(CliException.USAGE, "invalid --wait-for-executor '" + waitFor + "'",
                    "a wait cannot be negative", "use 0 to fail at once, or e.g. 30s");
        }
        long deadline = System.nanoTime() + budgetMs * 1_000_000;
        BatonClient client = shim.connectWithin(deadline, () -> {
            err.println(command + ": the shim at unix:" + shim.socketPath() + " is not up yet; waiting up to "
                    + secs(left(deadline)) + " for it (--wait-for-executor)");
            err.flush();
        });
        try {
            awaitSubscribed(client, executor, deadline, command, err);
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static String secs(long ms) {
        return ms % 1000 == 0 || ms >= 10_000 ? (ms + 999) / 1000 + "s" : String.format(java.util.Locale.ROOT, "%.1fs",
                ms / 1000.0);
    }

    private static long left(long deadline) {
        return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
    }

    private static void awaitSubscribed(BatonClient client, String executor, long deadline, String command,
            PrintWriter err) {
        Supplier<NodeState> state = () -> ShimConnection.await(client.state(), "STATE", "check the shim's log");
        boolean said = false;
        while (true) {
            NodeState s = state.get();
            if (connected(s, executor)) {
                if (said) {
                    err.println(command + ": executor " + executor + " has subscribed");
                    err.flush();
                }
                return;
            }
            long leftMs = left(deadline);
            if (leftMs == 0) {
                throw notThere(s, executor, said);
            }
            if (!said) {
                err.println(command + ": executor " + executor + " has not subscribed to the shim yet; waiting up to "
                        + secs(leftMs) + " for it (--wait-for-executor)");
                err.flush();
                said = true;
            }
            ShimConnection.pause(Math.min(POLL_MS, leftMs));
        }
    }

    private static boolean connected(NodeState s, String executor) {
        return s.getExecutorsList().stream()
                .anyMatch(e -> e.getExecutorId().getValue().equals(executor) && e.getConnected());
    }

    private static CliException notThere(NodeState s, String executor, boolean waited) {
        List<String> known = s.getExecutorsList().stream()
                .map(e -> e.getExecutorId().getValue() + (e.getConnected() ? "" : " (disconnected)")).toList();
        RefusedSubscription refused = s.getRefusedSubscriptionsList().stream()
                .filter(r -> r.getExecutorId().getValue().equals(executor)).findFirst().orElse(null);
        if (refused != null) {
            return new CliException(CliException.NEGATIVE, "executor " + executor + (waited
                    ? " did not subscribe in time" : " is not subscribed"), "the shim refused its subscription ("
                    + refused.getCode() + "): " + CliException.oneLine(refused.getMessage()) + " (" + (refused.getTimes()
                    == 1 ? "once, at " : refused.getTimes() + " times in a row, the latest at ")
                    + Format.time(refused.getLastAtUs()) + ")", "the executor keeps trying; see its log and the shim's"
                    + " for what to change ('baton status' lists every refused executor)");
        }
        String why = s.getExecutorsList().stream().anyMatch(e -> e.getExecutorId().getValue().equals(executor))
                ? "it is known but not connected (it is restarting, or stopped)"
                : "the shim knows " + (known.isEmpty() ? "no executors" : "only " + String.join(", ", known));
        return new CliException(CliException.NEGATIVE, "executor " + executor + (waited
                ? " did not subscribe in time" : " is not subscribed"), why,
                "start it with 'baton executor ... --id " + executor + " --shim <work-dir>/executor.sock', check its "
                        + "log, or wait longer with --wait-for-executor");
    }
}
