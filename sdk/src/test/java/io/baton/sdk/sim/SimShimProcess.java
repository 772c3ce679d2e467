package io.baton.sdk.sim;

import io.baton.proto.ContainerLimits;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.resources.Resources;
import io.baton.shim.core.Input;
import io.baton.shim.core.NodeRouter;
import io.baton.shim.core.ShimCore;
import io.baton.shim.core.ShimDriver;
import io.baton.shim.core.ShimSettings;
import io.baton.shim.isolator.InMemoryIsolator;
import io.baton.shim.isolator.IsolatorException;
import io.baton.shim.isolator.Limits;
import io.baton.ledger.Ledger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The shim process: the shipped {@link ShimCore} (and its ledger) behind the simulated network and clock,
 * with the REAL {@link InMemoryIsolator} as its node ({@link SimNode} carries the core's effects out). It
 * persists nothing but the owner records: a crash loses the core — ledger, mailboxes, offers; the
 * isolator (the kernel's cgroups) survives. Connection numbers: executor link epoch × 2, framework link
 * epoch × 2 + 1.
 */
final class SimShimProcess {
    static final Resources TOTAL = Resources.parse("cpus:6;mem:6144");
    static final String TOKEN = "sim-token";
    static final long RECOVERY_TIMEOUT_MS = 3_600_000; // longer than any seed: the executor always comes back

    private final SimWorld w;
    private final SimNet net;
    final InMemoryIsolator isolator = new InMemoryIsolator();
    private final Map<String, Integer> owners = new HashMap<>(); // a file in the work directory: survives crashes
    private final Simulation.Sabotage sabotage;
    private boolean up = true;
    private int incarnation;
    private int crashes;
    private ShimDriver driver;
    private SimNode node;

    SimShimProcess(SimWorld w, SimNet net, Simulation.Sabotage sabotage) {
        this.w = w;
        this.net = net;
        this.sabotage = sabotage;
        start();
    }

    private void start() {
        node = new SimNode(w, net, isolator, owners, sabotage == Simulation.Sabotage.STALE_LIMITS, incarnation,
                this::tick, this::answer);
        if (!clustered()) {
            driver = new ShimDriver(newCore("sim"), node);
            return;
        }
        // the YARN AM's shape: a core per node behind the router; the executor runs on the second node, placed
        // there before it can subscribe (as the AM places a container before starting it, or takes one over)
        driver = new ShimDriver(NodeRouter.cluster("sim-am", List.of(newCore("sim-other"), newCore("sim")),
                this::newCore), node);
        driver.feed(new Input.Placed(SimExecutor.ID, "sim", w.now()));
    }

    private ShimCore newCore(String nodeName) {
        Ledger ledger = new Ledger(TOTAL, 30_000_000, "o" + Long.toString(w.now() / 1000, 36) + nodeName.length());
        return new ShimCore(new ShimSettings(nodeName, Resources.parse("cpus:0.1;mem:32"), 5_000,
                RECOVERY_TIMEOUT_MS, TOKEN, "sim/framework.token", new long[] {w.seed, (long) incarnation << 32},
                reservesOnDelivery()),
                ledger, isolator.kind());
    }

    /** Seeds that are multiples of 3 turn the shim's reserve on delivery off: the executor's RESERVE path runs. */
    boolean reservesOnDelivery() {
        return Math.floorMod(w.seed, 3) != 0;
    }

    /** Odd seeds run the shim as a {@link NodeRouter} of two nodes, the executor on the second. */
    boolean clustered() {
        return (w.seed & 1) == 1;
    }

    /** The core of the executor's node. */
    ShimCore core() {
        return clustered() ? driver.router().core("sim") : driver.core();
    }

    Ledger ledger() {
        return core().ledger();
    }

    boolean up() {
        return up;
    }

    int crashes() {
        return crashes;
    }

    // ------------------------------------------------------------------ crash and restart

    void maybeCrashLater() {
        for (int i = 0; i < w.faults.maxShimCrashes(); i++) {
            w.after(w.between(1_000_000, w.faults.quietAfterUs() - 2_000_000), "shim crash", this::crash);
        }
    }

    private void crash() {
        if (!up) {
            return;
        }
        crashes++;
        up = false;
        incarnation++;
        w.trace("SHIM CRASH #" + crashes);
        net.reset(net.exec, "shim died");
        net.reset(net.fw, "shim died");
        w.after(w.between(100_000, 3_000_000), "shim restart", () -> {
            start(); // nothing persisted: the ledger is rebuilt from re-subscriptions
            up = true;
            w.trace("shim restarted (incarnation " + incarnation + ")");
        });
    }

    private void tick(int inc) {
        if (inc == incarnation && up) {
            feed(new Input.Tick(w.now()), "after housekeeping");
        }
    }

    /** A node's answer that came later, for the incarnation that asked. */
    private void answer(int inc, Input in) {
        if (inc == incarnation && up) {
            feed(in, "after a node's later answer");
        }
    }

    void linkDown(SimNet.Link l, int deadEpoch) {
        if (!up) {
            return;
        }
        if (l == net.exec) {
            feed(new Input.ExecutorClosed(deadEpoch * 2L, w.now()), "after executor disconnect");
        } else {
            feed(new Input.FrameworkClosed(deadEpoch * 2L + 1), "after framework disconnect");
        }
    }

    // ------------------------------------------------------------------ the two APIs

    void executorCall(int epoch, ExecutorCall call, Consumer<ExecutorResponse> reply) {
        long conn = epoch * 2L;
        if (sabotage == Simulation.Sabotage.RELEASE_NOTHING && call.hasRelease() && core().executorOf(conn) != null) {
            // a shim that answers RELEASE without releasing anything
            reply.accept(ExecutorResponse.newBuilder().setCorrelationId(call.getCorrelationId()).setReleased(
                    ContainerLimits.newBuilder().addAllLimits(ledger().limitsOf(core().executorOf(conn)).toProto())).build());
            return;
        }
        Input.OwnerRecord owner = null;
        if (call.hasSubscribe()) {
            owner = new Input.OwnerRecord(owners.get(call.getSubscribe().getExecutorId().getValue()), null);
        }
        node.expectExecutorReply(conn, call.getCorrelationId(), reply);
        feed(new Input.ExecutorCalled(conn, SimNode.PID, SimNode.UID, call, owner, w.now()), "after " + call.getCallCase());
    }

    void frameworkCall(int epoch, FrameworkCall call, Consumer<FrameworkResponse> reply) {
        long conn = epoch * 2L + 1;
        node.expectFrameworkReply(conn, call.getCorrelationId(), reply);
        feed(new Input.FrameworkCalled(conn, call, w.now()), "after " + call.getCallCase());
        if (call.getQuiet()) {
            node.unanswered(conn, call.getCorrelationId()); // answered only if refused (then the reply was taken)
        }
    }

    private void feed(Input in, String when) {
        driver.feed(in);
        audit(when);
    }

    // ------------------------------------------------------------------ invariants at every step

    private long audits;

    /**
     * The ledger is consistent and within the total; the bound executor's container holds its allocation; STATE
     * (with its cache) is what it would be built from scratch.
     */
    void audit(String when) {
        String bad = ledger().verify();
        if (bad != null) {
            w.violation("ledger " + when + ": " + bad);
        }
        for (var e : ledger().executors()) {
            String c = core().connectionOf(e.id()) == null ? null : containerMismatch(e.id());
            if (c != null) {
                w.violation("container " + when + ": " + c);
            }
        }
        // STATE reuses each unchanged executor's part of the previous answer: never one that has changed since. Every
        // 4th step (a stale part would stay stale until its stamp changes, so the next check still sees it)
        if (++audits % 4 == 0 && !core().state().equals(core().stateFromScratch())) {
            w.violation("STATE " + when + ": the answer differs from one built from scratch: " + core().state()
                    + " vs " + core().stateFromScratch());
        }
        if (clustered() && audits % 4 == 0) {
            String other = driver.router().core("sim-other").ledger().executors().isEmpty() ? null
                    : "the other node's ledger holds " + driver.router().core("sim-other").ledger().executors();
            if (other != null || driver.router().verify() != null) {
                w.violation("nodes " + when + ": " + (other != null ? other : driver.router().verify()));
            }
        }
    }

    String containerMismatch(String exec) {
        Resources want = ledger().limitsOf(exec);
        try {
            Limits have = isolator.read(exec);
            if (have.cpuMillis() != want.cpusMillis() || have.memoryBytes() != want.memBytes()) {
                return "executor " + exec + " container has cpu " + have.cpuMillis() + "m mem " + have.memoryBytes()
                        + " but its allocation is " + want;
            }
            return null;
        } catch (IsolatorException e) {
            return "executor " + exec + " has no container: " + e.getMessage();
        }
    }

    /** Whether the executor is bound to the shim's current executor connection. */
    boolean bound(String executorId) {
        Long conn = core().connectionOf(executorId);
        return net.exec.up && conn != null && conn == net.exec.epoch * 2L;
    }
}
