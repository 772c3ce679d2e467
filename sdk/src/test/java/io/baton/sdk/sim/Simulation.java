package io.baton.sdk.sim;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One seed: wires the framework, the shim and the executor to one simulated world, runs a random
 * workload under random faults until everything has settled, then checks the invariants.
 */
final class Simulation {
    /** What one seed did and found. */
    record Result(long seed, List<String> violations, long traceHash, long steps, List<String> trace,
            Map<String, Integer> crashPoints, int executorCrashes, int shimCrashes, Map<String, Integer> outcomes,
            Map<String, Integer> workload) {

        boolean ok() {
            return violations.isEmpty();
        }

        String report() {
            StringBuilder b = new StringBuilder("simulation seed " + seed + " failed (replay it with -Dbaton.sim.seed="
                    + seed + "):\n");
            violations.stream().limit(10).forEach(v -> b.append("  ").append(v).append('\n'));
            b.append("last ").append(trace.size()).append(" trace lines:\n");
            trace.forEach(t -> b.append("    ").append(t).append('\n'));
            return b.toString();
        }
    }

    static final long WORKLOAD_US = 30_000_000;

    private Simulation() {
    }

    /** Deliberate breakage, to prove the checker fails when the system misbehaves. */
    enum Sabotage {
        NONE,
        /** The shim answers RELEASE without releasing anything. */
        RELEASE_NOTHING,
        /** The shim stops writing memory limits to the container. */
        STALE_LIMITS,
        /** The framework loses (but acknowledges) every replacement's final update. */
        FORGET_OUTCOMES
    }

    static Result run(long seed) {
        return run(seed, Sabotage.NONE);
    }

    static Result run(long seed, Sabotage sabotage) {
        SimFaults faults = SimFaults.random(new SplittableRandom(seed ^ 0x5DEECE66DL));
        SimWorld w = new SimWorld(seed, faults);
        SimNet net = new SimNet(w);
        SimChecker checker = new SimChecker();
        SimTasks tasks = new SimTasks(w);
        SimJournal journal = new SimJournal(w, checker);
        SimShimProcess shim = new SimShimProcess(w, net, sabotage);
        SimExecutor exec = new SimExecutor(w, net, tasks, journal);
        SimFramework fw = new SimFramework(w, net, tasks, sabotage == Sabotage.FORGET_OUTCOMES);
        net.shim = shim;
        net.executor = exec;
        net.framework = fw;
        w.trace("seed " + seed + " faults " + faults);
        exec.start();
        fw.start(WORKLOAD_US);
        shim.maybeCrashLater();
        w.run();
        checker.check(w, shim, exec, tasks, fw);
        Map<String, Integer> outcomes = new java.util.TreeMap<>();
        if (exec.je != null) {
            for (String rid : checker.requested.keySet()) {
                var p = SimChecker.finalPhase(exec.je.engine(), rid);
                outcomes.merge(String.valueOf(p), 1, Integer::sum);
            }
        }
        if (!fw.recordedOutcomes.isEmpty()) {
            fw.kinds.merge("recorded outcomes answered to retries", fw.recordedOutcomes.size(), Integer::sum);
        }
        return new Result(seed, List.copyOf(w.violations()), w.traceHash(), w.steps(), w.tail(), journal.crashPoints(),
                exec.crashes(), shim.crashes(), outcomes, fw.kinds);
    }
}
