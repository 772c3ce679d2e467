package io.baton.tasks;

import io.baton.proto.Durability;
import io.baton.proto.OfferID;
import io.baton.proto.ReleaseLeftover;
import io.baton.proto.Replace;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import java.util.Set;
import java.util.TreeSet;

/**
 * Facts about a framework's REPLACE that every process needs the same way: its policy with the documented
 * defaults resolved, and the one rule for "is this the same replacement" (a retry) — used by the shim when
 * a replacement id comes again and by the executor's engine, so the two can never disagree.
 */
public final class Replaces {
    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
    public static final long DEFAULT_START_TIMEOUT_MS = 60_000;

    private Replaces() {
    }

    /** The policy with its zero values resolved to the documented defaults (see the SDK's {@code Policy}). */
    public static ReplacePolicy resolved(ReplacePolicy p) {
        ReplaceStrategy strategy = switch (p.getStrategy()) {
            case STRATEGY_DEFAULT, UNRECOGNIZED -> ReplaceStrategy.STOP_THEN_START;
            default -> p.getStrategy();
        };
        return ReplacePolicy.newBuilder().setStrategy(strategy)
                .setDrainTimeoutMs(p.getDrainTimeoutMs() == 0 ? DEFAULT_DRAIN_TIMEOUT_MS : p.getDrainTimeoutMs())
                .setStartTimeoutMs(p.getStartTimeoutMs() == 0 ? DEFAULT_START_TIMEOUT_MS : p.getStartTimeoutMs())
                .setMinHealthyMs(p.getMinHealthyMs())
                .setReleaseLeftover(p.getReleaseLeftover() == ReleaseLeftover.IMMEDIATE ? ReleaseLeftover.IMMEDIATE
                        : ReleaseLeftover.ON_COMMIT)
                .setDurability(p.getDurability() == Durability.PROCESS ? Durability.PROCESS : Durability.SYNC).build();
    }

    /**
     * Whether {@code b} asks for the same replacement as {@code a} (a retry): same replacement id, old task
     * id, new task (every field), offers (in any order) and policy (defaults resolved). The executor id is a
     * routing hint and does not count.
     */
    public static boolean same(Replace a, Replace b) {
        return a.getReplacementId().equals(b.getReplacementId()) && a.getOldTaskId().equals(b.getOldTaskId())
                && a.getNewTask().equals(b.getNewTask()) && offers(a).equals(offers(b))
                && resolved(a.getPolicy()).equals(resolved(b.getPolicy()));
    }

    /** "old -> new", for messages. */
    public static String describe(Replace r) {
        return r.getOldTaskId().getValue() + " -> " + r.getNewTask().getTaskId().getValue();
    }

    /** Why {@code asked} is not a retry of {@code known}, naming both requests (for a CONFLICT refusal). */
    public static String conflict(Replace known, Replace asked) {
        return conflict(known, null, asked);
    }

    /** As {@link #conflict(Replace, Replace)}, for a known replacement that already ended with {@code outcome}. */
    public static String conflict(Replace known, String outcome, Replace asked) {
        String what = !known.getOldTaskId().equals(asked.getOldTaskId())
                || !known.getNewTask().getTaskId().equals(asked.getNewTask().getTaskId()) ? "task ids"
                : !known.getNewTask().equals(asked.getNewTask()) ? "new task" : !offers(known).equals(offers(asked))
                ? "offers" : "policy";
        return "replacement id " + known.getReplacementId().getValue() + (outcome == null ? " is already used for "
                + describe(known) : " was used for " + describe(known) + " (it ended " + outcome + ")")
                + "; this request (" + describe(asked) + ") differs in its " + what + ": use a new replacement id,"
                + " or repeat the first request exactly to retry it";
    }

    private static Set<String> offers(Replace r) {
        Set<String> ids = new TreeSet<>();
        for (OfferID o : r.getOfferIdsList()) {
            ids.add(o.getValue());
        }
        return ids;
    }
}
