package io.baton.sdk.core;

import io.baton.tasks.TaskStates;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import io.baton.sdk.core.Event.NewTaskRunning;
import io.baton.sdk.core.Event.NewTaskTerminated;
import io.baton.sdk.core.Event.OldTaskFailed;
import io.baton.sdk.core.Event.OldTaskRunning;
import io.baton.sdk.core.Event.OldTaskTerminated;
import io.baton.tasks.Replaces;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * All replacements of one executor: idempotency by replacement id, one replacement per task,
 * replacements of different tasks side by side, and the translation of task states into replacement
 * events. Pure: it knows only what it is told (task states, the shim connection) and the time each
 * input carries. Not thread-safe; the runtime's driver loop owns it.
 *
 * <p>While a task is the old or new task of an unfinished replacement, the engine decides what the
 * framework hears about it ({@link #manages}); the runtime must not forward the author's own updates
 * for such a task.
 */
public final class Engine {
    /** Finished replacements kept whole (their state and history, for status and retries). */
    static final int MAX_FINISHED = 1_000;
    /**
     * Finished replacements remembered by id, outcome and tasks only — in memory and in every checkpoint —
     * so a retry stays a retry long after the whole replacement was let go (10,000 ids: hours of
     * replacements at any realistic rate, seconds only at the benchmark's thousands per second).
     */
    static final int MAX_ENDED = 10_000;

    private final Map<String, TaskInfo> tasks = new HashMap<>();
    private final Map<String, TaskState> states = new HashMap<>();
    private final Map<String, Replacement> replacements = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Replacement> eldest) {
            return size() > MAX_FINISHED + active.size() && eldest.getValue().phase.terminal()
                    && !eldest.getValue().releasePending(); // its release still needs it
        }
    };
    private final Map<String, String> active = new HashMap<>();
    /** Finished replacements by id (bounded): a retry of one stays a retry after it was evicted or checkpointed. */
    private final Map<String, Ended> ended = new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ended> eldest) {
            return size() > MAX_ENDED;
        }
    };

    private final List<PhaseChange> phaseChanges = new ArrayList<>();
    private final Consumer<Replacement.Step> onStep;
    private boolean shimConnected;
    private boolean recovering;
    private boolean terminating;

    public Engine() {
        this(step -> { });
    }

    /** An engine that tells {@code onStep} of every step a replacement takes (tests see which rows ran). */
    public Engine(Consumer<Replacement.Step> onStep) {
        this.onStep = onStep;
    }

    /** A replacement moved from one phase to another, at the time of the event that moved it. */
    public record PhaseChange(Replacement replacement, Phase from, Phase to, long atUs) {
    }

    /** The phase changes since the last call (for live progress displays). */
    public List<PhaseChange> drainPhaseChanges() {
        List<PhaseChange> out = List.copyOf(phaseChanges);
        phaseChanges.clear();
        return out;
    }

    /** The answer to a submit: the replacement, whether it was a retry, or why it conflicts. */
    public record Submitted(Replacement replacement, boolean retry, String conflict, List<Command> commands) {
    }

    // ------------------------------------------------------------------ what the executor knows

    public void shimDisconnected() {
        shimConnected = false;
    }

    /** The executor is re-subscribed: PENDING replacements whose old task is known may go on. */
    public List<Command> shimConnected(long atUs) {
        shimConnected = true;
        return resumePending(atUs);
    }

    public void recoveryStarted() {
        recovering = true;
    }

    /** Recovery is over: PENDING replacements go on, or end if their old task did not come back. */
    public List<Command> recoveryFinished(long atUs) {
        recovering = false;
        List<Command> out = resumePending(atUs);
        for (Replacement r : List.copyOf(replacements.values())) {
            if (r.phase == Phase.PENDING && !tasks.containsKey(r.request.oldTaskId())) {
                out.addAll(step(r, new Event.OldTaskGone("old task " + r.request.oldTaskId()
                        + " was not recovered by the executor", atUs)));
            }
        }
        return out;
    }

    public void terminating() {
        terminating = true;
    }

    /** A task the executor runs (launched, or found alive by recovery). */
    public void taskKnown(TaskInfo task, TaskState state) {
        String id = task.getTaskId().getValue();
        tasks.put(id, task);
        states.put(id, state);
    }

    // ------------------------------------------------------------------ inputs

    /** A replacement request; a retry of a known replacement id returns it unchanged. */
    public Submitted submit(ReplaceRequest request, long atUs) {
        Decision d = decide(request);
        return submit(request, d, atUs);
    }

    /**
     * What the executor knows when a request arrives: journaled with it, so replay never re-decides.
     * {@code shimPool}: the pool the shim reserved when it delivered the request (the old task's own resources;
     * the container already holds them), or null when it did not — the engine then sends no RESERVE.
     */
    public record Decision(Readiness readiness, String detail, Resources shimPool) {
        public Decision(Readiness readiness, String detail) {
            this(readiness, detail, null);
        }

        /** The same decision, with the pool the shim reserved on delivery. */
        public Decision reservedByShim(Resources pool) {
            return new Decision(readiness, detail, pool);
        }
    }

    public Decision decide(ReplaceRequest request) {
        TaskInfo oldTask = tasks.getOrDefault(request.oldTaskId(), request.oldTask());
        String[] detail = new String[1];
        Readiness r = readiness(request.withOldTask(oldTask), detail);
        return new Decision(r, detail[0] == null ? "" : detail[0]);
    }

    /** A replacement request with its readiness already decided (by {@link #decide}, or read from the journal). */
    public Submitted submit(ReplaceRequest request, Decision decision, long atUs) {
        Ended gone = replacements.containsKey(request.replacementId()) ? null : ended.get(request.replacementId());
        if (gone != null) {
            io.baton.proto.Replace asked = gone.request();
            boolean same = Replaces.same(asked, request.call());
            return new Submitted(null, same, same ? null : Replaces.conflict(asked, gone.outcome().name(),
                    request.call()), List.of());
        }
        Replacement known = replacements.get(request.replacementId());
        if (known != null) {
            if (known.request.sameAs(request)) {
                return new Submitted(known, true, null, List.of());
            }
            return new Submitted(known, false, Replaces.conflict(known.request.call(), request.call()), List.of());
        }
        // a request that names the old task fully (as journaled) keeps it: on replay from a checkpoint the
        // task table already holds later versions of that id (a same-id new task), which must not leak in
        TaskInfo oldTask = request.oldTask().getResourcesCount() > 0 ? request.oldTask()
                : tasks.getOrDefault(request.oldTaskId(), request.oldTask());
        ReplaceRequest resolved = request.withOldTask(oldTask);
        Replacement r = new Replacement(resolved);
        Readiness readiness = decision.readiness();
        String[] detail = {decision.detail()};
        replacements.put(r.id, r);
        if (readiness == Readiness.READY || readiness == Readiness.EXECUTOR_REREGISTERING
                || readiness == Readiness.OLD_TASK_RECOVERING) {
            active.put(resolved.oldTaskId(), r.id);
            active.put(resolved.newTaskId(), r.id);
        }
        r.shimHolds = decision.shimPool() != null;
        List<Command> out = step(r, new Event.Requested(resolved, readiness, detail[0], atUs));
        if (r.shimHolds && r.phase == Phase.REQUESTED) {
            // the shim reserved on delivery, as this RESERVE would have: its answer is already here
            List<Command> taken = new ArrayList<>(out.size());
            for (Command c : out) {
                if (!(c instanceof Command.Reserve)) {
                    taken.add(c);
                }
            }
            taken.addAll(step(r, new Event.ReserveAccepted(decision.shimPool(), atUs)));
            out = taken;
        }
        return new Submitted(r, false, null, out);
    }

    private Readiness readiness(ReplaceRequest q, String[] detail) {
        String old = q.oldTaskId();
        if (terminating) {
            detail[0] = "executor is terminating; the resources of old task " + old + " cannot be reused";
            return Readiness.EXECUTOR_TERMINATING;
        }
        if (active.containsKey(old)) {
            detail[0] = "task " + old + " is already in replacement " + active.get(old)
                    + "; one replacement per task at a time";
            return Readiness.OLD_TASK_BUSY;
        }
        if (q.newTaskId().equals(old) && q.policy().concurrent()) {
            detail[0] = q.policy().strategy() + " runs old and new task at once, so the new task needs its own id";
            return Readiness.INVALID;
        }
        if (!q.newTaskId().equals(old) && (tasks.containsKey(q.newTaskId()) || active.containsKey(q.newTaskId()))) {
            detail[0] = "new task id " + q.newTaskId() + " is already in use on this executor";
            return Readiness.INVALID;
        }
        if (!tasks.containsKey(old)) {
            if (recovering) {
                detail[0] = "old task " + old + " is not recovered yet";
                return Readiness.OLD_TASK_RECOVERING;
            }
            detail[0] = "old task " + old + " is not known to this executor";
            return Readiness.OLD_TASK_UNKNOWN;
        }
        TaskState state = states.get(old);
        if (state != null && io.baton.tasks.TaskStates.isTerminal(state)) {
            detail[0] = "old task " + old + " has already ended (" + state + ")";
            return Readiness.OLD_TASK_UNKNOWN;
        }
        if (!shimConnected) {
            detail[0] = "executor is re-registering with the shim";
            return Readiness.EXECUTOR_REREGISTERING;
        }
        return Readiness.READY;
    }

    /**
     * Whether an outcome from the runtime still matters: late news (a timer cancelled while it fired, an
     * answer for a step long past, anything after the outcome but the release) is dropped — and, by
     * the journaled engine, not even journaled.
     */
    public boolean accepts(String replacementId, Event e) {
        Replacement r = replacements.get(replacementId);
        if (r == null) {
            return false;
        }
        if (e instanceof Event.TimerFired t && !r.armed.containsKey(t.timer())) {
            return false;
        }
        if (r.phase.terminal() && !(e instanceof Event.Released || e instanceof Event.ReserveAccepted && !r.reserved)) {
            return false; // ended: only the release's answer, or a reserve the shim booked after the outcome
        }
        if (e instanceof Event.ContainerAdjusted) {
            return false; // the engine follows its own Adjust (see step); an answer from outside is late news
        }
        return r.accepts(e);
    }

    /** An outcome from the runtime (reserve answered, container adjusted, hook failed, timer fired, ...). */
    public List<Command> apply(String replacementId, Event e) {
        if (!accepts(replacementId, e)) {
            return List.of();
        }
        return step(replacements.get(replacementId), e);
    }

    /**
     * A task's state as the author's code reported it. Returns the commands of any replacement this
     * moves; tasks outside replacements produce none (the runtime reports their updates itself).
     */
    public List<Command> taskState(String taskId, TaskState state, String message, long atUs) {
        String rid = active.get(taskId);
        if (rid == null) {
            if (TaskStates.isTerminal(state)) {
                forget(taskId);
            } else if (tasks.containsKey(taskId)) { // a late word from a task already let go is not kept
                states.put(taskId, state);
            }
            return List.of();
        }
        states.put(taskId, state);
        Replacement r = replacements.get(rid);
        Event e = translate(r, taskId, state, message, atUs);
        if (e == null || !r.accepts(e)) {
            return List.of();
        }
        return step(r, e);
    }

    /** Phases in which a task that is both old and new (same id) is still the old one. */
    private static final java.util.Set<Phase> OLD_ROLE = java.util.EnumSet.of(Phase.PENDING, Phase.REQUESTED,
            Phase.DRAINING, Phase.FREEZING, Phase.HANDING_OFF, Phase.RESIZING, Phase.RESTORING, Phase.RELAUNCHING);

    private static Event translate(Replacement r, String taskId, TaskState state, String message, long atUs) {
        boolean terminal = TaskStates.isTerminal(state);
        boolean running = state == TaskState.TASK_RUNNING;
        boolean same = r.request.oldTaskId().equals(r.request.newTaskId());
        boolean old = taskId.equals(r.request.oldTaskId()) && (!same || OLD_ROLE.contains(r.phase));
        if (old && r.phase == Phase.RELAUNCHING) {
            return running ? new OldTaskRunning(atUs) : terminal ? new OldTaskFailed(state + ": " + message, atUs) : null;
        }
        if (old) {
            return terminal ? new OldTaskTerminated(state, atUs) : null;
        }
        return running ? new NewTaskRunning(atUs) : terminal ? new NewTaskTerminated(state, message, atUs) : null;
    }

    /**
     * One event, and the container's answer to any Adjust it issues: the container already holds the
     * reservation's whole pool (the shim sized it at RESERVE), so an Adjust only tells the shim which part is in
     * use and the replacement goes on at once, in the same step, without a round trip.
     */
    private List<Command> step(Replacement r, Event e) {
        List<Command> out = new ArrayList<>();
        Event next = e;
        while (next != null) {
            Replacement.Step s = r.apply(next);
            onStep.accept(s);
            if (s.from() != s.to()) {
                phaseChanges.add(new PhaseChange(r, s.from(), s.to(), next.atUs()));
                if (phaseChanges.size() > 10_000) {
                    phaseChanges.remove(0); // nobody is draining them: keep it bounded
                }
            }
            if (s.to().terminal() && !s.from().terminal()) {
                finish(r);
            }
            out.addAll(s.commands());
            Event adjusted = new Event.ContainerAdjusted(next.atUs());
            next = s.commands().stream().anyMatch(c -> c instanceof Command.Adjust) && r.accepts(adjusted)
                    ? adjusted : null;
        }
        return out;
    }

    /** The outcome decides which task the executor keeps. */
    private void finish(Replacement r) {
        String oldId = r.request.oldTaskId();
        String newId = r.request.newTaskId();
        ended.put(r.id, new Ended(r.request.call(), r.phase));
        active.remove(oldId, r.id);
        active.remove(newId, r.id);
        switch (r.phase) {
            case COMMITTED -> {
                if (!oldId.equals(newId)) {
                    forget(oldId);
                }
                taskKnown(r.request.newTask(), TaskState.TASK_RUNNING);
            }
            case ROLLED_BACK -> {
                if (!oldId.equals(newId)) {
                    forget(newId);
                }
                taskKnown(r.oldTask, TaskState.TASK_RUNNING);
            }
            case FAILED -> {
                forget(oldId);
                forget(newId);
            }
            default -> {
                if (!newId.equals(oldId)) {
                    forget(newId);
                }
                if (!r.oldAlive) { // it ended before the replacement got under way
                    forget(oldId);
                }
            }
        }
    }

    /**
     * A task the executor no longer runs: its info and its last state go together. (The state alone stayed behind
     * here once, one entry per replacement for as long as the executor ran: about 4,800 a second at full throughput.)
     */
    private void forget(String taskId) {
        tasks.remove(taskId);
        states.remove(taskId);
    }

    private List<Command> resumePending(long atUs) {
        List<Command> out = new ArrayList<>();
        if (!shimConnected) {
            return out;
        }
        for (Replacement r : List.copyOf(replacements.values())) {
            TaskInfo old = tasks.get(r.request.oldTaskId());
            if (r.phase == Phase.PENDING && old != null) {
                out.addAll(step(r, new Event.PreconditionsMet(old, atUs)));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ views

    /**
     * What the executor knows of a task: as it runs outside a replacement, or as the unfinished replacement it is
     * part of names it (the old task as it ran, the new one as requested); null for a task id unknown here.
     */
    public TaskInfo taskInfo(String taskId) {
        TaskInfo known = tasks.get(taskId);
        if (known != null) {
            return known;
        }
        String rid = active.get(taskId);
        Replacement r = rid == null ? null : replacements.get(rid);
        if (r == null) {
            return null;
        }
        return taskId.equals(r.request.newTaskId()) ? r.request.newTask() : r.oldTask;
    }

    /** True while the task is the old or new task of an unfinished replacement. */
    public boolean manages(String taskId) {
        return active.containsKey(taskId);
    }

    /**
     * Whether a result of {@code hook} run on {@code taskId} is news for the replacement in its current phase:
     * a kill concerns the new task while rolling back and the old task otherwise, a launch the old task while
     * relaunching and the new task otherwise, readiness the new task, freeze / thaw / resize the old task. A
     * failed hook of the other task is late (e.g. the old task's kill failing while the rollback waits for the
     * new task's), and must not be taken for the one the phase waits on.
     */
    public boolean hookConcerns(String replacementId, Hook hook, String taskId) {
        Replacement r = replacements.get(replacementId);
        if (r == null) {
            return true; // the engine's own rules decide (late news is dropped there)
        }
        String expected = switch (hook) {
            case KILL -> r.phase == Phase.ROLLING_BACK ? r.newId() : r.oldId();
            case LAUNCH -> r.phase == Phase.RELAUNCHING ? r.oldId() : r.newId();
            case READINESS -> r.newId();
            case FREEZE, THAW, RESIZE -> r.oldId();
        };
        return expected.equals(taskId);
    }

    /** The unfinished replacement the task is the old or new task of, or null. */
    public Replacement activeFor(String taskId) {
        String rid = active.get(taskId);
        return rid == null ? null : replacements.get(rid);
    }

    public Replacement replacement(String replacementId) {
        return replacements.get(replacementId);
    }

    public Collection<Replacement> replacements() {
        return replacements.values();
    }

    public List<Replacement> unfinished() {
        List<Replacement> out = new ArrayList<>();
        for (Replacement r : replacements.values()) {
            if (!r.phase.terminal()) {
                out.add(r);
            }
        }
        return out;
    }

    public Map<String, TaskInfo> tasks() {
        return java.util.Collections.unmodifiableMap(tasks);
    }

    public TaskState state(String taskId) {
        return states.get(taskId);
    }

    /**
     * Task ids whose state is remembered though the executor neither runs the task nor has a replacement of it under
     * way: none, always (the simulation checks it, as a state kept past its task is kept for good).
     */
    public List<String> statesWithoutTask() {
        List<String> out = new ArrayList<>();
        for (String id : states.keySet()) {
            if (!tasks.containsKey(id) && !active.containsKey(id)) {
                out.add(id);
            }
        }
        return out;
    }

    public java.util.Collection<Ended> ended() {
        return java.util.Collections.unmodifiableCollection(ended.values());
    }

    /** From a checkpoint. */
    public void remember(Ended e) {
        ended.put(e.replacementId(), e);
    }
}
