package io.baton.cli;

import io.baton.proto.EngineEvent;
import io.baton.proto.EndedReplacement;
import io.baton.proto.JournalRecord;
import io.baton.proto.ReplaceRequested;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each replacement's timeline from an executor's journal records (pure: records in, text out): the
 * request, each engine event and status with its elapsed time since the request, and the outcome
 * with per-phase durations from the final update. Records kept inside a checkpoint count as if they
 * were at its place; replacements a checkpoint only remembers as ended are listed with their outcome.
 */
final class JournalTimeline {
    private static final class Replacement {
        final String id;
        ReplaceRequested request;
        final List<String> lines = new ArrayList<>();
        TaskStatus finalUpdate;
        String endedOutcome;

        Replacement(String id) {
            this.id = id;
        }
    }

    private final Map<String, Replacement> replacements = new LinkedHashMap<>();

    void accept(JournalRecord r) {
        switch (r.getRecordCase()) {
            case REPLACE_REQUESTED -> of(r.getReplaceRequested().getRequest().getReplacementId().getValue()).request =
                    r.getReplaceRequested();
            case ENGINE_EVENT -> event(r.getEngineEvent(), r.getTimeUs());
            case STATUS_RECORDED -> status(r.getStatusRecorded().getStatus());
            case CHECKPOINT -> {
                io.baton.sdk.driver.JournaledEngine.ended(r.getCheckpoint()).forEach(this::ended);
                r.getCheckpoint().getOpenList().forEach(this::accept);
            }
            default -> {
            }
        }
    }

    private Replacement of(String id) {
        return replacements.computeIfAbsent(id, Replacement::new);
    }

    private void event(EngineEvent e, long recordUs) {
        Replacement r = of(e.getReplacementId().getValue());
        long at = e.getAtUs() > 0 ? e.getAtUs() : recordUs;
        StringBuilder what = new StringBuilder(e.getKind().name());
        if (e.getHook() != EngineEvent.Hook.HOOK_UNSPECIFIED) {
            what.append(' ').append(e.getHook());
        }
        if (e.getTimer() != EngineEvent.Timer.TIMER_UNSPECIFIED) {
            what.append(' ').append(e.getTimer());
        }
        if (e.getPoolCount() > 0) {
            what.append(" pool ").append(Format.resources(e.getPoolList()));
        }
        if (e.getCode() != io.baton.proto.RejectCode.REJECT_UNSPECIFIED) {
            what.append(' ').append(e.getCode());
        }
        if (!e.getMessage().isEmpty()) {
            what.append(" — ").append(CliException.oneLine(e.getMessage()));
        }
        r.lines.add(line(r, at, what.toString()));
    }

    private void status(TaskStatus s) {
        String rid = s.getReplacementId().getValue();
        if (rid.isEmpty()) {
            return;
        }
        Replacement r = of(rid);
        r.lines.add(line(r, s.getTimestampUs(), "status " + s.getTaskId().getValue() + " " + s.getState()
                + (s.getMessage().isEmpty() ? "" : " — " + CliException.oneLine(s.getMessage()))));
        if (s.getOutcome() != ReplacementOutcome.OUTCOME_UNSPECIFIED) {
            r.finalUpdate = s;
        }
    }

    private void ended(EndedReplacement e) {
        Replacement r = of(e.getRequest().getReplacementId().getValue());
        if (r.finalUpdate == null) {
            r.endedOutcome = e.getOutcome() + " (" + io.baton.tasks.Replaces.describe(e.getRequest())
                    + "; details were checkpointed away)";
        }
    }

    private static String line(Replacement r, long atUs, String what) {
        String when = r.request != null && r.request.getRequestedAtUs() > 0
                ? Format.elapsed(r.request.getRequestedAtUs(), atUs) : Format.time(atUs);
        return "  " + when + "  " + what;
    }

    String render() {
        if (replacements.isEmpty()) {
            return "no replacements in this journal\n";
        }
        StringBuilder sb = new StringBuilder();
        for (Replacement r : replacements.values()) {
            sb.append("replacement ").append(r.id);
            if (r.request != null) {
                ReplaceRequested q = r.request;
                sb.append(": ").append(io.baton.tasks.Replaces.describe(q.getRequest())).append(", ")
                        .append(q.getRequest().getPolicy().getStrategy()).append(", ")
                        .append(io.baton.tasks.Replaces.resolved(q.getRequest().getPolicy()).getDurability())
                        .append(", requested ")
                        .append(Format.time(q.getRequestedAtUs()));
            }
            sb.append('\n');
            r.lines.forEach(l -> sb.append(l).append('\n'));
            if (r.finalUpdate != null) {
                sb.append("  outcome ").append(r.finalUpdate.getOutcome()).append(" (")
                        .append(Format.timings(r.finalUpdate.getTimings())).append(")\n");
            } else if (r.endedOutcome != null) {
                sb.append("  outcome ").append(r.endedOutcome).append('\n');
            } else {
                sb.append("  outcome (none yet: under way, or the executor stopped before it ended)\n");
            }
        }
        return sb.toString();
    }
}
