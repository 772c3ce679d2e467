package io.baton.sdk.driver;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.sdk.core.Command;
import io.baton.sdk.core.Phase;
import io.baton.sdk.core.Replacement;
import io.baton.sdk.core.Resume;
import io.baton.sdk.journal.Journal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decisions of recovery, without threads or a clock of their own: replay, what to ask the author
 * about, what to tell the engine about tasks that did not survive, and what to re-issue. {@link Recovery}
 * runs them around the author's (threaded, bounded) recover hook; the deterministic simulation runs
 * exactly the same steps.
 */
final class RecoverySteps {
    private static final Set<Phase> OLD_STOPPING = Set.of(Phase.DRAINING, Phase.FREEZING, Phase.STOPPING_OLD);

    /** Where recovery's decisions go: the runtime executes them. */
    interface Effects {
        /** Runs commands as the driver loop does (shim calls are skipped until the executor has re-subscribed). */
        void execute(List<Command> commands);

        /** Journals and sends a status update the runtime reports itself (a task outside any replacement). */
        void sendStatus(String taskId, TaskState state, String message);

        long now();

        /** Has recovery's checkpoint made once the journal's store is open ({@link Journal#opening}). */
        void checkpointLater();
    }

    private RecoverySteps() {
    }

    /**
     * Replays the journal into a fresh engine (or takes {@code prepared}, the same replay made already), hands it to
     * {@code adopt}, sends what was decided but never recorded, and marks the engine disconnected and recovering.
     */
    static JournaledEngine replay(Journal journal, JournaledEngine.Replayed prepared, Effects fx,
            java.util.function.Consumer<JournaledEngine> adopt) {
        if (prepared != null && !prepared.engine().journalsTo(journal)) {
            throw new IllegalArgumentException("the journal was replayed into an engine that journals elsewhere, not to"
                    + " the driver's " + journal + ": replay the driver's own journal");
        }
        JournaledEngine.Replayed replayed = prepared != null ? prepared : JournaledEngine.replay(journal);
        JournaledEngine je = replayed.engine();
        adopt.accept(je); // the effects below act on the replayed engine
        je.engine().drainPhaseChanges(); // history, not progress
        fx.execute(new ArrayList<>(replayed.unrecordedReports())); // decided before the crash, never recorded
        long now = fx.now();
        je.shimDisconnected(now);
        je.recoveryStarted(now);
        return je;
    }

    /** The tasks to ask the author about: those the engine knows, and both tasks of every open replacement. */
    static Map<String, TaskInfo> known(JournaledEngine je) {
        Map<String, TaskInfo> known = new LinkedHashMap<>(je.engine().tasks());
        for (Replacement r : je.engine().unfinished()) {
            known.putIfAbsent(r.request().oldTaskId(), r.oldTask());
            known.putIfAbsent(r.request().newTaskId(), r.request().newTask());
        }
        for (Replacement r : endedJustBefore(je)) {
            known.putIfAbsent(r.request().oldTaskId(), r.oldTask());
            known.putIfAbsent(r.request().newTaskId(), r.request().newTask());
        }
        return known;
    }

    /** With the author's answer: tasks that did not survive are lost or stopped; in-flight work is re-issued. */
    static void resume(JournaledEngine je, Set<String> known, Set<String> alive, Effects fx) {
        long now = fx.now();
        // What the author found is told first, for every task and replacement, and launches nothing yet: a fact
        // moves a replacement on in the same step (the old task's end launches the new task at once), and a task
        // started while later facts are untold is taken for one that did not survive (simulation seed 184: the
        // old task's loss launched the new one, which the next fact then called lost). The starts come from the
        // resumed phases below, once every fact is in.
        Effects facts = withoutStarts(fx);
        Set<String> relaunching = new HashSet<>();
        for (Replacement r : je.engine().unfinished()) {
            if (r.phase() == Phase.RELAUNCHING) {
                relaunching.add(r.request().oldTaskId());
            }
        }
        for (String id : known) {
            if (!alive.contains(id) && je.engine().tasks().containsKey(id) && !relaunching.contains(id)) {
                lost(je, id, facts); // (an old task being relaunched is relaunched again below, not lost)
            }
        }
        for (Replacement r : je.engine().unfinished()) {
            String oldId = r.request().oldTaskId();
            String newId = r.request().newTaskId();
            if (OLD_STOPPING.contains(r.phase()) && !alive.contains(oldId)) {
                facts.execute(je.taskState(oldId, TaskState.TASK_KILLED, "stopped while the executor was down", now));
            }
            if (r.phase() == Phase.LAUNCHING && alive.contains(newId)) {
                facts.execute(je.taskState(newId, TaskState.TASK_RUNNING, "running after the executor restarted", now));
            }
            if (r.phase() == Phase.RELAUNCHING && alive.contains(oldId)) {
                facts.execute(je.taskState(oldId, TaskState.TASK_RUNNING, "running after the executor restarted", now));
            } else if (r.phase() == Phase.RELAUNCHING && r.stoppingRelaunch()) { // the relaunch given up is gone
                facts.execute(je.taskState(oldId, TaskState.TASK_KILLED, "stopped while the executor was down", now));
            }
        }
        for (Replacement r : endedJustBefore(je)) {
            for (String id : List.of(r.request().oldTaskId(), r.request().newTaskId())) {
                if (alive.contains(id) && !je.engine().tasks().containsKey(id) && !je.engine().manages(id)) {
                    // its stop may have been lost with the crash: nothing a replacement's outcome did not keep may
                    // run on (a failed one's tasks; a rolled-back one's new task that would not stop in time,
                    // simulation seed 7753669; a committed one's old task)
                    fx.execute(List.of(new Command.Kill(r.id(), id, 0)));
                }
            }
        }
        Set<String> stops = new HashSet<>(); // replacements whose resumed commands stop a task
        for (Replacement r : je.engine().unfinished()) {
            for (Command c : Resume.commands(r, alive.contains(r.request().newTaskId()),
                    alive.contains(r.request().oldTaskId()))) {
                if (c instanceof Command.Kill || c instanceof Command.Freeze) {
                    stops.add(r.id());
                }
            }
        }
        for (Replacement r : je.engine().unfinished()) {
            List<Command> resume = new ArrayList<>();
            Long start = r.armedTimers().get(io.baton.sdk.core.Timer.START);
            boolean relaunchTooLate = r.phase() == Phase.RELAUNCHING && start != null && start <= now;
            for (Command c : Resume.commands(r, alive.contains(r.request().newTaskId()),
                    alive.contains(r.request().oldTaskId()))) {
                if (relaunchTooLate && (c instanceof Command.Launch || c instanceof Command.Thaw)) {
                    continue; // its start timer fires at once and fails the rollback: nothing may be left starting
                }
                long drained = now + r.request().policy().drainTimeoutUs();
                if (c instanceof Command.ArmTimer t && t.timer() == io.baton.sdk.core.Timer.DRAIN
                        && t.deadlineUs() < drained && stops.contains(r.id())) {
                    // the kill (or freeze) this timer bounds is re-issued now, and may never have run (the executor
                    // was down): it gets its drain period. Firing at once gave a task up untried — a rollback's
                    // new task as "will not stop", left running after the outcome called it failed (seed 9929),
                    // or a ready new task rolled back because the old one's kill never ran (seed 1011810); so did
                    // a deadline a few ms away (seed 7753669: the restart came 12 ms before it)
                    c = new Command.ArmTimer(t.replacementId(), t.timer(), drained);
                }
                if (!isShimCall(c)) {
                    resume.add(c); // shim calls go out when the executor has re-subscribed
                }
            }
            fx.execute(resume);
        }
    }

    /**
     * {@code fx} without the Launches: the resumed phases issue those. A Thaw goes through: it starts no new process
     * (only a frozen old task that survived is thawed), and nothing later would issue it once the next fact (that
     * task alive) has rolled the replacement back.
     */
    private static Effects withoutStarts(Effects fx) {
        return new Effects() {
            @Override
            public void execute(List<Command> commands) {
                fx.execute(commands.stream().filter(c -> !(c instanceof Command.Launch)).toList());
            }

            @Override
            public void sendStatus(String taskId, TaskState state, String message) {
                fx.sendStatus(taskId, state, message);
            }

            @Override
            public long now() {
                return fx.now();
            }

            @Override
            public void checkpointLater() {
                fx.checkpointLater();
            }
        };
    }

    /**
     * Replacements that ended so shortly before the crash that their release was not confirmed: a task their outcome
     * did not keep may still run (its stop given up on, or lost with the crash).
     */
    private static List<Replacement> endedJustBefore(JournaledEngine je) {
        List<Replacement> out = new ArrayList<>();
        for (Replacement r : je.engine().replacements()) {
            if (r.phase().terminal() && r.holdsReservation()) {
                out.add(r);
            }
        }
        return out;
    }

    /** Task ids that need no handle any more: neither alive, nor known to the engine, nor in a replacement. */
    static List<String> forgotten(JournaledEngine je, Set<String> known, Set<String> alive) {
        List<String> out = new ArrayList<>();
        for (String id : known) {
            if (!alive.contains(id) && !je.engine().tasks().containsKey(id) && !je.engine().manages(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * Replays at least this long end with a checkpoint; shorter ones leave the journal to the periodic checkpoints.
     * A checkpoint writes every remembered replacement and fsyncs (about 90 ms of a cold restart's way to its
     * subscription with 10,000 remembered), which a replay of a few records does not repay.
     */
    static final long CHECKPOINT_AFTER_REPLAYING = 1_000;

    /**
     * Recovery is over: PENDING replacements go on or end; after a long replay a checkpoint starts the next journal
     * (any checkpoint is a valid replay start: the records before it hold everything it holds, and the ones after it
     * replay on top of it, recovery's own as any other).
     */
    static void finish(JournaledEngine je, Effects fx) {
        fx.execute(je.recoveryFinished(fx.now()));
        if (je.replayedRecords() >= CHECKPOINT_AFTER_REPLAYING) {
            if (je.journalOpening()) {
                fx.checkpointLater(); // the subscription does not wait for the store to open
            } else {
                je.checkpoint(fx.now());
            }
        }
    }

    private static void lost(JournaledEngine je, String id, Effects fx) {
        for (io.baton.proto.TaskStatus st : je.outbox().pending()) {
            if (st.getTaskId().getValue().equals(id) && io.baton.tasks.TaskStates.isTerminal(st.getState())) {
                // its own terminal update was recorded just before the crash: that is how it ended, not "lost"
                fx.execute(je.taskState(id, st.getState(), st.getMessage(), fx.now()));
                return;
            }
        }
        if (!je.engine().manages(id)) {
            // the update is recorded BEFORE the engine forgets the task: a crash in between leaves it known, and
            // the next recovery finds this terminal update pending (above). The other order loses the update
            // for good: the task is forgotten, and an older unacknowledged TASK_RUNNING of it would be the last
            // word the framework hears, after the shim reported the task lost (simulation seed 275)
            fx.sendStatus(id, TaskState.TASK_LOST, "not running after the executor restarted");
        }
        fx.execute(je.taskState(id, TaskState.TASK_LOST, "not running after the executor restarted", fx.now()));
    }

    static boolean isShimCall(Command c) {
        return c instanceof Command.Reserve || c instanceof Command.Adjust || c instanceof Command.Release
                || c instanceof Command.GiveBack;
    }
}
