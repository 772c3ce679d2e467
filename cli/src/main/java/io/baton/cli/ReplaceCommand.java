package io.baton.cli;

import io.baton.proto.Durability;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementProgress;
import io.baton.resources.Resources;
import io.baton.sdk.client.BatonClient;
import io.baton.sdk.client.ReplaceHandle;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.sdk.client.ShimUnavailableException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code baton replace}: MESOS-938's replaceTask(old, new, offers), optionally followed to its outcome. */
@Command(name = "replace", mixinStandardHelpOptions = true,
        description = {"Replaces a running task with a new one (smaller, same size, or bigger with offers), done by "
                + "its executor: reserve, drain, hand over, launch, verify, commit — or roll back. Prints the "
                + "replacement id; with --wait, each phase as it happens (elapsed since the request) and the outcome "
                + "with per-phase timings, exiting 1 unless it COMMITTED."},
        footer = {"", "Example:", "  baton replace w1 --work-dir /tmp/baton --task w2 --resources 'cpus:1;mem:64' \\",
            "      --offers-for 'cpus:0.5' --strategy START_THEN_STOP --wait"})
final class ReplaceCommand implements Callable<Integer> {
    @Mixin
    ShimConnection shim;

    @Parameters(index = "0", paramLabel = "OLD", description = "The running task to replace.")
    String oldTask;

    @Mixin
    TaskOptions task;

    @Option(names = "--offer", paramLabel = "O", description = "Offers adding to the old task's resources (repeatable).")
    List<String> offers = new ArrayList<>();

    @Option(names = "--offers-for", paramLabel = "R2", description = "Request an offer of R2 first and add it.")
    String offersFor;

    @Option(names = "--strategy", paramLabel = "S", converter = Strategies.class, completionCandidates = Strategies.class,
            description = "STOP_THEN_START (default), START_THEN_STOP, FREEZE_THEN_START or RESIZE_IN_PLACE.")
    ReplaceStrategy strategy = ReplaceStrategy.STOP_THEN_START;

    @Option(names = "--drain-timeout", paramLabel = "DURATION", description = "How long the old task may take to stop "
            + "(default: 30s).")
    String drainTimeout;

    @Option(names = "--start-timeout", paramLabel = "DURATION", description = "How long the new task may take to run "
            + "and be ready (default: 60s).")
    String startTimeout;

    @Option(names = "--min-healthy", paramLabel = "DURATION", description = "How long the readiness check must keep "
            + "passing (default: 0s, once).")
    String minHealthy;

    @Option(names = "--release-leftover", paramLabel = "WHEN", description = "on-commit (default) or immediate.")
    String releaseLeftover = "on-commit";

    @Option(names = "--durability", paramLabel = "D", description = "sync (default: the executor fsyncs its journal "
            + "before the kill, the release and the launch; the replacement survives the machine's crash) or process "
            + "(no fsync: it survives the executor's crash, not the machine's; the old task stops sooner by the disk's "
            + "flush).")
    String durability = "sync";

    @Option(names = "--id", paramLabel = "RID", description = "The replacement id (retries must reuse it; default: "
            + "r-<uuid>).")
    String replacementId;

    @Option(names = "--wait", description = "Follow the replacement to its outcome.")
    boolean waitForOutcome;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", description = "Give up waiting after this long "
            + "(default: ${DEFAULT-VALUE}; exit code 2).")
    String waitTimeout = "10m";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        String rid = replacementId != null ? replacementId : "r-" + UUID.randomUUID();
        ReplaceSpec request = ReplaceSpec.of(oldTask, task.toTask()).withReplacementId(rid).withPolicy(policy());
        long waitMs = Cli.millis("--wait-timeout", waitTimeout);
        PrintWriter out = spec.commandLine().getOut();
        try (BatonClient client = shim.connect(waitForOutcome, true)) {
            List<String> ids = new ArrayList<>(offers);
            List<String> implicit = List.of();
            if (offersFor != null) {
                Resources r = OffersCommand.parse(offersFor);
                implicit = BatonClient.offerIds(ShimConnection.await(client.offersNear(oldTask, r), "OFFERS " + r,
                        "free resources first (baton status shows what is free), or ask for less"));
                ids.addAll(implicit);
            }
            Follower follower = waitForOutcome ? new Follower(rid, out, Format.nowUs()) : null;
            if (follower != null) {
                client.onProgress(follower::progress);
            }
            ReplaceHandle h = client.replace(request.withOffers(ids));
            ShimConnection.declineOnFailure(client, implicit, () -> ShimConnection.await(h.forwarded(), "replacement "
                    + rid + " (" + oldTask + " -> " + task.taskId + ")",
                    "ask for offers that cover what is missing (--offer, --offers-for), or fix the task ids"));
            if (follower == null) {
                out.println(rid);
                out.flush();
                return 0;
            }
            follower.accepted();
            // the outcome completes after the client's listeners saw the final update (so every phase before it
            // is printed), and closing the client answers its acknowledgement
            ReplaceOutcome outcome = awaitOutcome(h, rid, waitMs);
            follower.finish(outcome);
            return outcome.committed() ? 0 : CliException.NEGATIVE;
        }
    }

    private ReplaceOutcome awaitOutcome(ReplaceHandle h, String rid, long waitMs) throws InterruptedException {
        try {
            return h.outcome().get(waitMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            String why = e.getCause() instanceof ShimUnavailableException u ? u.getMessage() : String.valueOf(e.getCause());
            throw new CliException(CliException.USAGE, "lost replacement " + rid + " before its outcome", why,
                    "see how it ended with 'baton status' or 'baton journal <executor work-dir>/journal'");
        } catch (TimeoutException e) {
            throw new CliException(CliException.USAGE, "replacement " + rid + " has no outcome yet",
                    "still waiting after --wait-timeout " + waitTimeout,
                    "follow it with 'baton watch', or wait longer with --wait-timeout");
        }
    }

    private ReplacePolicy policy() {
        ReplacePolicy.Builder p = ReplacePolicy.newBuilder().setStrategy(strategy);
        if (drainTimeout != null) {
            p.setDrainTimeoutMs(Cli.millis("--drain-timeout", drainTimeout));
        }
        if (startTimeout != null) {
            p.setStartTimeoutMs(Cli.millis("--start-timeout", startTimeout));
        }
        if (minHealthy != null) {
            p.setMinHealthyMs(Cli.millis("--min-healthy", minHealthy));
        }
        p.setReleaseLeftover(switch (releaseLeftover) {
            case "on-commit" -> ReleaseLeftover.ON_COMMIT;
            case "immediate" -> ReleaseLeftover.IMMEDIATE;
            default -> throw new CliException(CliException.USAGE, "invalid --release-leftover '" + releaseLeftover
                    + "'", "it is neither on-commit nor immediate", "use --release-leftover on-commit or immediate");
        });
        p.setDurability(switch (durability) {
            case "sync" -> Durability.SYNC;
            case "process" -> Durability.PROCESS;
            default -> throw new CliException(CliException.USAGE, "invalid --durability '" + durability + "'",
                    "it is neither sync nor process", "use --durability sync or process");
        });
        return p.build();
    }

    /**
     * Prints one replacement's phases as they arrive and then its outcome. Progress and updates are
     * delivered on the client's one update thread in wire order, so once the final update went
     * through the listener every phase before it has been printed. The id is the first line: a phase
     * that arrives before the shim's answer to the request (the executor may move on before that
     * answer reaches this process) is held until the id is printed.
     */
    static final class Follower {
        private final String rid;
        private final PrintWriter out;
        private final long startUs;
        private final List<String> early = new ArrayList<>();
        private boolean idPrinted;
        private boolean done;

        Follower(String rid, PrintWriter out, long startUs) {
            this.rid = rid;
            this.out = out;
            this.startUs = startUs;
        }

        void progress(ReplacementProgress p) {
            if (!p.getReplacementId().getValue().equals(rid)) {
                return;
            }
            long at = p.getAtUs() > 0 ? p.getAtUs() : Format.nowUs();
            String line = Format.elapsed(startUs, at) + "  " + p.getPhase()
                    + (p.getFromPhase().isEmpty() ? "" : " (from " + p.getFromPhase() + ")");
            synchronized (out) {
                if (done) {
                    return;
                }
                if (!idPrinted) {
                    early.add(line);
                    return;
                }
                out.println(line);
                out.flush();
            }
        }

        /** The shim accepted the request: prints the id, then any phase that arrived before the answer. */
        void accepted() {
            synchronized (out) {
                idPrinted = true;
                out.println(rid);
                early.forEach(out::println);
                early.clear();
                out.flush();
            }
        }

        void finish(ReplaceOutcome o) {
            synchronized (out) {
                done = true;
                String msg = o.status().getMessage();
                out.println(Format.elapsed(startUs, Format.nowUs()) + "  outcome " + o.outcome() + " (" + Format.timings(o.timings())
                        + ")" + (msg.isEmpty() ? "" : " — " + CliException.oneLine(msg)));
                out.flush();
            }
        }
    }
}
