package io.baton.sdk.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulated world of one seed: a clock that only moves when the next scheduled action runs, one
 * random source, and the trace. Everything happens on the caller's thread, in (time, sequence) order,
 * so a seed replays exactly.
 */
final class SimWorld {
    /** Thrown through the real code when a simulated process dies at a journal point. */
    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(String where) {
            super(where, null, false, false);
        }
    }

    private record Scheduled(long atUs, long seq, String what, Runnable action) {
    }

    final long seed;
    final SplittableRandom rnd;
    final SimFaults faults;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>((a, b) -> a.atUs != b.atUs
            ? Long.compare(a.atUs, b.atUs) : Long.compare(a.seq, b.seq));
    private long nowUs = SimWorldClock.START_US;
    private long seq;
    private long steps;
    private long hash = 0xcbf29ce484222325L;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private final List<String> violations = new ArrayList<>();
    static final int TAIL = Integer.getInteger("baton.sim.tail", 60);
    static final long MAX_STEPS = 200_000;

    SimWorld(long seed, SimFaults faults) {
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.faults = faults;
    }

    long now() {
        return nowUs;
    }

    void after(long delayUs, String what, Runnable action) {
        queue.add(new Scheduled(nowUs + Math.max(0, delayUs), seq++, what, action));
    }

    void at(long atUs, String what, Runnable action) {
        queue.add(new Scheduled(Math.max(nowUs, atUs), seq++, what, action));
    }

    /** Runs scheduled actions until none is left (or a step bound, which is itself a violation). */
    void run() {
        while (!queue.isEmpty()) {
            Scheduled s = queue.poll();
            nowUs = s.atUs;
            if (++steps > MAX_STEPS) {
                java.util.Map<String, Integer> pending = new java.util.TreeMap<>();
                queue.forEach(q -> pending.merge(q.what, 1, Integer::sum));
                violation("the simulation did not settle within " + MAX_STEPS + " steps (a livelock?); still scheduled: "
                        + pending + ", last: " + s.what);
                queue.clear();
                return;
            }
            s.action.run();
        }
    }

    boolean idle() {
        return queue.isEmpty();
    }

    // ------------------------------------------------------------------ randomness

    boolean chance(double p) {
        return p > 0 && rnd.nextDouble() < p;
    }

    long between(long lo, long hiInclusive) {
        return lo + rnd.nextLong(hiInclusive - lo + 1);
    }

    <T> T pick(List<T> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    // ------------------------------------------------------------------ trace and findings

    void trace(String line) {
        String stamped = (nowUs - SimWorldClock.START_US) / 1000 + "ms " + line;
        for (int i = 0; i < stamped.length(); i++) {
            hash = (hash ^ stamped.charAt(i)) * 0x100000001b3L;
        }
        hash = (hash ^ '\n') * 0x100000001b3L;
        if (tail.size() == TAIL) {
            tail.removeFirst();
        }
        tail.addLast(stamped);
    }

    void violation(String what) {
        violations.add(what);
        trace("VIOLATION " + what);
    }

    List<String> violations() {
        return violations;
    }

    long traceHash() {
        return hash;
    }

    long steps() {
        return steps;
    }

    List<String> tail() {
        return List.copyOf(tail);
    }
}
