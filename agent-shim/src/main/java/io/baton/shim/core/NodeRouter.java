package io.baton.shim.core;

import io.baton.ledger.Ledger;
import io.baton.proto.ExecutorCall;
import io.baton.proto.ExecutorResponse;
import io.baton.proto.FrameworkCall;
import io.baton.proto.FrameworkResponse;
import io.baton.proto.NodeState;
import io.baton.proto.RejectCode;
import io.baton.proto.Rejection;
import io.baton.proto.TaskReason;
import io.baton.proto.TaskState;
import io.baton.resources.Resources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The shim's decisions for one node or for several: each node has a {@link ShimCore} and a {@link Ledger} of
 * its own (on a cluster engine, port 31000 on node A and on node B are different resources, and a refusal must
 * say what <em>the node</em> had), behind one set of connections. Pure, like the cores: inputs in, effects out.
 *
 * <ul>
 * <li>An executor's calls go to the core of the node it was {@link Input.Placed placed} on (a SUBSCRIBE of an
 *     executor placed nowhere is refused); a framework's call goes to the core of the executor or task it names
 *     (OFFERS: the node of its executor or task, else the first node with the resources free; LAUNCH onto an
 *     executor with an offer of another node is refused with both nodes named). SUBSCRIBE and the end of a
 *     connection go to every core, so each relays its own status updates; STATE merges the cores' snapshots
 *     ({@link NodeState#getNodesList()} keeps each node's sums); RECONCILE asks each core about its tasks.</li>
 * <li>A core's requests to the node (attach, limits, grants) carry a number that names the core too (the
 *     core's own number × {@link #MAX_NODES} + its index), so each answer finds its core.</li>
 * <li>With one node and no way to add more ({@link #single}), every input goes to that core unchanged but for
 *     the request numbers: the node shim's path.</li>
 * </ul>
 *
 * <p>Not thread-safe: one caller at a time (the shim's event loop).
 */
public final class NodeRouter {
    /** At most this many nodes (a request number keeps the core's index below it). */
    public static final int MAX_NODES = 4096;

    private final String name;
    private final Function<String, ShimCore> newNode;
    private final List<ShimCore> cores = new ArrayList<>();
    private final Map<String, Integer> byNode = new HashMap<>();
    private final Map<String, Integer> placed = new HashMap<>();
    private final Map<Long, Integer> executorConns = new HashMap<>();
    /** Framework SUBSCRIBE calls of open connections, replayed into a node's core when it is added. */
    private final Map<Long, FrameworkCall> subscribes = new LinkedHashMap<>();
    private final Set<Long> authenticated = new HashSet<>();
    private List<Effect> out;

    private NodeRouter(String name, List<ShimCore> initial, Function<String, ShimCore> newNode) {
        if (initial.isEmpty()) {
            throw new IllegalArgumentException("a shim needs at least one node");
        }
        this.name = name;
        this.newNode = newNode;
        initial.forEach(this::add);
    }

    /** One node, for good: the node shim. */
    public static NodeRouter single(ShimCore core) {
        return new NodeRouter(core.node(), List.of(core), null);
    }

    /**
     * Several nodes: {@code initial} first, then one more from {@code newNode} for each node an {@link Input.Placed}
     * names first. {@code name} is what SUBSCRIBED and STATE call the whole (e.g. the application master's host).
     */
    public static NodeRouter cluster(String name, List<ShimCore> initial, Function<String, ShimCore> newNode) {
        return new NodeRouter(name, initial, java.util.Objects.requireNonNull(newNode, "newNode"));
    }

    private int add(ShimCore core) {
        if (cores.size() >= MAX_NODES) {
            throw new IllegalStateException("a shim serves at most " + MAX_NODES + " nodes; node " + core.node()
                    + " would be one more");
        }
        if (byNode.putIfAbsent(core.node(), cores.size()) != null) {
            throw new IllegalArgumentException("node " + core.node() + " has a core already");
        }
        cores.add(core);
        return cores.size() - 1;
    }

    public Result on(Input input) {
        if (newNode == null && !(input instanceof Input.Placed)) {
            return from(0, cores.get(0).on(input instanceof Input.Attached || input instanceof Input.LimitsApplied
                    || input instanceof Input.GrantDecided ? toCore(input) : input));
        }
        out = new ArrayList<>();
        if (input instanceof Input.ExecutorCalled in) {
            executorCalled(in);
        } else if (input instanceof Input.ExecutorClosed in) {
            Integer i = executorConns.remove(in.conn());
            if (i != null) {
                feed(i, in);
            } else {
                all(in);
            }
        } else if (input instanceof Input.FrameworkCalled in) {
            new FrameworkRoutes(this).on(in);
        } else if (input instanceof Input.FrameworkClosed in) {
            subscribes.remove(in.conn());
            authenticated.remove(in.conn());
            all(in);
        } else if (input instanceof Input.Attached a) {
            feed(index(a.request()), toCore(a));
        } else if (input instanceof Input.LimitsApplied a) {
            feed(index(a.request()), toCore(a));
        } else if (input instanceof Input.GrantDecided a) {
            feed(index(a.request()), toCore(a));
        } else if (input instanceof Input.ShrinkRequested in) {
            feed(coreOfExecutor(in.executorId()), in);
        } else if (input instanceof Input.ShrinkFailed in) {
            feed(coreOfExecutor(in.executorId()), in);
        } else if (input instanceof Input.ExecutorGone in) {
            feed(coreOfExecutor(in.executorId()), in);
        } else if (input instanceof Input.TasksEndedAway in) {
            int i = coreOfExecutor(in.executorId());
            List<String> here = new ArrayList<>(); // a task another node knows is that node's (it moved, or runs)
            for (String t : in.taskIds()) {
                Integer k = coreOfTask(t);
                if (k == null || k == i) {
                    here.add(t);
                }
            }
            feed(i, new Input.TasksEndedAway(in.executorId(), here, in.state(), in.reason(), in.message(),
                    in.nowUs()));
        } else if (input instanceof Input.Tick in) {
            all(in);
        } else if (input instanceof Input.Placed in) {
            placed(in);
        } else {
            throw new IllegalArgumentException("unknown input " + input);
        }
        return new Result(List.copyOf(out));
    }

    // ------------------------------------------------------------------ executors

    private void executorCalled(Input.ExecutorCalled in) {
        ExecutorCall call = in.call();
        if (!call.hasSubscribe()) {
            feed(executorConns.getOrDefault(in.conn(), 0), in);
            return;
        }
        String id = call.getSubscribe().getExecutorId().getValue();
        Integer i = placed.get(id);
        if (i == null) {
            i = knownBy(id);
        }
        if (i == null) {
            out.add(new Effect.ExecutorReply(in.conn(), ExecutorResponse.newBuilder()
                    .setCorrelationId(call.getCorrelationId()).setRejected(Rejection.newBuilder()
                            .setCode(RejectCode.UNKNOWN_EXECUTOR).setMessage("executor " + io.baton.ledger.Ids
                                    .printable(id) + " was not started on any node of " + name + " (nodes: "
                                    + byNode.keySet() + "): run it where " + name + " placed it")).build()));
            return;
        }
        Integer before = executorConns.put(in.conn(), i);
        if (before != null && !before.equals(i)) {
            feed(before, new Input.ExecutorClosed(in.conn(), in.nowUs())); // the connection is the other node's now
        }
        feed(i, in);
    }

    private void placed(Input.Placed in) {
        if (newNode == null) {
            throw new IllegalArgumentException("this shim has one node (" + name + "); executor " + in.executorId()
                    + " cannot be placed on node " + in.node());
        }
        Integer i = byNode.get(in.node());
        if (i == null) {
            i = add(newNode.apply(in.node()));
            if (!cores.get(i).node().equals(in.node())) {
                throw new IllegalStateException("the core made for node " + in.node() + " calls its node "
                        + cores.get(i).node());
            }
            for (Map.Entry<Long, FrameworkCall> f : subscribes.entrySet()) {
                cores.get(i).on(new Input.FrameworkCalled(f.getKey(), f.getValue(), in.nowUs())); // its answer was sent
            }
        }
        Integer before = placed.put(in.executorId(), i);
        if (before != null && !before.equals(i) && ledger(before).knowsExecutor(in.executorId())) {
            feed(before, new Input.ExecutorGone(in.executorId(), TaskState.TASK_LOST,
                    TaskReason.REASON_EXECUTOR_TERMINATED, "executor " + in.executorId() + " was started again on node "
                    + in.node() + ", away from what it held on node " + cores.get(before).node(), in.nowUs()));
        }
    }

    // ------------------------------------------------------------------ routing, for FrameworkRoutes too

    /** The core of the node the executor runs on: where it was placed, else whose ledger knows it, else the first. */
    int coreOfExecutor(String executorId) {
        Integer i = knownBy(executorId);
        if (i == null) {
            i = placed.get(executorId);
        }
        return i == null ? 0 : i;
    }

    /** The core whose ledger holds the executor, or null. */
    Integer knownBy(String executorId) {
        for (int i = 0; i < cores.size(); i++) {
            if (ledger(i).knowsExecutor(executorId)) {
                return i;
            }
        }
        return null;
    }

    /** The core whose ledger knows the task (held, reserved, or its latest status), or null. */
    Integer coreOfTask(String taskId) {
        for (int i = 0; i < cores.size(); i++) {
            Ledger l = ledger(i);
            if (l.ownerOf(taskId) != null || l.latest(taskId) != null || l.reservationNaming(taskId) != null) {
                return i;
            }
        }
        return null;
    }

    /** The core whose ledger holds the offer, or null. */
    Integer coreOfOffer(String offerId) {
        for (int i = 0; i < cores.size(); i++) {
            if (ledger(i).holdsOffer(offerId)) {
                return i;
            }
        }
        return null;
    }

    Integer placedOn(String executorId) {
        return placed.get(executorId);
    }

    int size() {
        return cores.size();
    }

    Ledger ledger(int i) {
        return cores.get(i).ledger();
    }

    String nodeName(int i) {
        return cores.get(i).node();
    }

    String name() {
        return name;
    }

    Map<Long, FrameworkCall> subscribes() {
        return subscribes;
    }

    Set<Long> authenticated() {
        return authenticated;
    }

    /** Feeds the input to core {@code i} and keeps its effects (request numbers made the router's). */
    List<Effect> feed(int i, Input in) {
        List<Effect> effects = from(i, cores.get(i).on(in)).effects();
        out.addAll(effects);
        return effects;
    }

    /** Feeds core {@code i} and returns its effects without keeping them: the caller picks what goes out. */
    List<Effect> ask(int i, Input in) {
        return from(i, cores.get(i).on(in)).effects();
    }

    void emit(Effect e) {
        out.add(e);
    }

    void emitAll(List<Effect> effects) {
        out.addAll(effects);
    }

    private void all(Input in) {
        for (int i = 0; i < cores.size(); i++) {
            feed(i, in);
        }
    }

    // ------------------------------------------------------------------ request numbers

    private static Result from(int i, Result r) {
        List<Effect> effects = r.effects();
        List<Effect> mapped = null;
        for (int k = 0; k < effects.size(); k++) {
            Effect e = effects.get(k);
            Effect m = e instanceof Effect.Attach a ? new Effect.Attach(global(i, a.request()), a.executorId(), a.pid())
                    : e instanceof Effect.ApplyLimits a ? new Effect.ApplyLimits(global(i, a.request()), a.executorId(),
                            a.limits(), a.rewrite())
                    : e instanceof Effect.RequestGrant g ? new Effect.RequestGrant(global(i, g.request()), g.executorId(),
                            g.reserve())
                    : e;
            if (m != e && mapped == null) {
                mapped = new ArrayList<>(effects);
            }
            if (mapped != null) {
                mapped.set(k, m);
            }
        }
        return mapped == null ? r : new Result(List.copyOf(mapped));
    }

    /** An answer with the core's own request number. */
    private Input toCore(Input answer) {
        if (answer instanceof Input.Attached a) {
            index(a.request());
            return new Input.Attached(local(a.request()), a.container(), a.failure());
        } else if (answer instanceof Input.LimitsApplied a) {
            index(a.request());
            return new Input.LimitsApplied(local(a.request()), a.shrinkPending(), a.failure());
        }
        Input.GrantDecided g = (Input.GrantDecided) answer;
        index(g.request());
        return new Input.GrantDecided(local(g.request()), g.refusal());
    }

    static long global(int index, long request) {
        return request * MAX_NODES + index;
    }

    private int index(long request) {
        int i = (int) (request % MAX_NODES);
        if (i >= cores.size()) {
            throw new IllegalArgumentException("answer to request " + request + ", which is not pending (it names node "
                    + "index " + i + " of " + cores.size() + ")");
        }
        return i;
    }

    private static long local(long request) {
        return request / MAX_NODES;
    }

    // ------------------------------------------------------------------ reads

    /** The STATE snapshot: the one node's, or every node's merged ({@link NodeStates#merge}). */
    public NodeState state() {
        if (newNode == null) {
            return cores.get(0).state();
        }
        List<NodeState> states = new ArrayList<>();
        cores.forEach(c -> states.add(c.state()));
        return NodeStates.merge(name, states);
    }

    /** Executors whose latest subscription was refused, over every node ({@link NodeState}'s list). */
    public int refusedSubscriptions() {
        int n = 0;
        for (ShimCore c : cores) {
            n += c.refusedSubscriptions();
        }
        return n;
    }

    /** Every node's ledger, in the order the nodes came. */
    public List<Ledger> ledgers() {
        List<Ledger> l = new ArrayList<>();
        cores.forEach(c -> l.add(c.ledger()));
        return l;
    }

    /** The nodes, in the order they came. */
    public List<String> nodes() {
        List<String> n = new ArrayList<>();
        cores.forEach(c -> n.add(c.node()));
        return n;
    }

    /** The ledger of the node the executor runs on (where it was placed, else whose ledger knows it, else the first). */
    public Ledger ledgerOf(String executorId) {
        Integer i = placed.get(executorId);
        return ledger(i != null ? i : coreOfExecutor(executorId));
    }

    /** The first node's core (the node shim's only one). */
    public ShimCore core() {
        return cores.get(0);
    }

    /** The core of {@code node}. */
    public ShimCore core(String node) {
        Integer i = byNode.get(node);
        if (i == null) {
            throw new IllegalArgumentException("no node " + node + "; the nodes are " + byNode.keySet());
        }
        return cores.get(i);
    }

    /** The ledgers' self-checks: null when every one is consistent, else what is wrong and on which node. */
    public String verify() {
        for (ShimCore c : cores) {
            String v = c.ledger().verify();
            if (v != null) {
                return cores.size() == 1 ? v : "node " + c.node() + ": " + v;
            }
        }
        return null;
    }

    /** Whether the framework connection subscribed to updates (every core has the same answer). */
    public boolean listens(long frameworkConn) {
        return cores.get(0).listens(frameworkConn);
    }

    /** Requests not answered yet, over every node. */
    public int unanswered() {
        int n = 0;
        for (ShimCore c : cores) {
            n += c.unanswered();
        }
        return n;
    }

    /** A framework refusal from the router itself (it names nodes no single core sees). */
    static Effect refusal(long conn, long cid, RejectCode code, String message) {
        return new Effect.FrameworkReply(conn, FrameworkResponse.newBuilder().setCorrelationId(cid)
                .setRejected(Rejection.newBuilder().setCode(code).setMessage(message)).build());
    }

    /** The sum of the nodes' totals. */
    Resources totals() {
        Resources sum = Resources.empty();
        for (ShimCore c : cores) {
            sum = sum.plus(c.ledger().total());
        }
        return sum;
    }
}
