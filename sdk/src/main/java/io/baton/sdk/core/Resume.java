package io.baton.sdk.core;

import io.baton.proto.Keep;

import io.baton.proto.ReplaceStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * After a restart: what a replacement, rebuilt from the journal, must (re-)issue to make progress from
 * where it stopped. Every command is idempotent (keyed by replacement id and task id), so re-issuing
 * one that had in fact completed is harmless; commands whose completion was journaled are not repeated.
 * Timers are re-armed with their original absolute deadlines, i.e. with their remaining budget.
 */
public final class Resume {
    private Resume() {
    }

    /**
     * @param newTaskAlive whether the executor's recover hook found the new task alive
     */
    public static List<Command> commands(Replacement r, boolean newTaskAlive) {
        return commands(r, newTaskAlive, false);
    }

    /**
     * @param oldTaskAlive whether the recover hook found the old task alive (a relaunch is then not
     *     re-issued: the old task runs again already)
     */
    public static List<Command> commands(Replacement r, boolean newTaskAlive, boolean oldTaskAlive) {
        List<Command> out = new ArrayList<>();
        String id = r.id;
        ReplaceRequest q = r.request;
        switch (r.phase) {
            case REQUESTED -> out.add(new Command.Reserve(id, q.oldTaskId(), q.newTask(), q.offerIds(),
                    q.policy().concurrent()));
            case DRAINING, STOPPING_OLD -> out.add(new Command.Kill(id, q.oldTaskId(), r.oldTask.getKillGracePeriodMs()));
            case FREEZING -> out.add(new Command.Freeze(id, q.oldTaskId()));
            case RESTORING -> {
                // the re-subscription told the shim what is in use (no Adjust to repeat); RESTORING rests only
                // while it waits for the old task's end
                if (r.awaitingOldEnd) { // its kill may have been lost with the restart: ask again (idempotent)
                    out.add(new Command.Kill(id, q.oldTaskId(), r.oldTask.getKillGracePeriodMs()));
                }
            }
            case LAUNCHING -> {
                if (!newTaskAlive) {
                    out.add(new Command.Launch(id, q.newTask()));
                }
            }
            case VERIFYING -> out.add(new Command.CheckReadiness(id, q.newTask(), q.policy().minHealthyUs()));
            case RESIZING -> out.add(new Command.Resize(id, q.oldTaskId(), q.newTask()));
            case ROLLING_BACK -> {
                if (newTaskAlive) {
                    out.add(new Command.Kill(id, q.newTaskId(), q.newTask().getKillGracePeriodMs()));
                }
            }
            case RELAUNCHING -> {
                if (r.stoppingRelaunch) {
                    if (oldTaskAlive) { // the relaunch given up: its kill may have been lost with the restart
                        out.add(new Command.Kill(id, q.oldTaskId(), r.oldTask.getKillGracePeriodMs()));
                    }
                } else if (!oldTaskAlive) {
                    out.add(r.oldFrozen && !r.oldKillIssued ? new Command.Thaw(id, q.oldTaskId())
                            : new Command.Launch(id, r.oldTask));
                }
            }
            case COMMITTED, ROLLED_BACK, ABORTED, FAILED, REJECTED -> {
                if (r.releasePending()) { // never reserved: a reserve that may have landed, or the shim's own
                    out.add(new Command.Release(id, r.reserved ? r.keepFor(r.phase)
                            : r.oldAlive ? Keep.KEEP_OLD : Keep.KEEP_NONE));
                }
            }
            default -> {
                // NEW, PENDING (waits for the connection / recovery); HANDING_OFF never
                // rests (the engine follows its Adjust in the same step)
            }
        }
        r.armed.forEach((timer, deadline) -> out.add(new Command.ArmTimer(id, timer, deadline)));
        return out;
    }

    /** True if, in this phase, the new task may have been started (so the recover hook's answer matters). */
    public static boolean newTaskMayRun(Replacement r) {
        return switch (r.phase) {
            case LAUNCHING, VERIFYING, STOPPING_OLD, ROLLING_BACK -> r.strategy() != ReplaceStrategy.RESIZE_IN_PLACE;
            default -> false;
        };
    }
}
