package io.baton.samples.http;

import io.baton.proto.TaskInfo;
import io.baton.proto.TaskSpec;
import io.baton.sdk.api.BatonExecutor;
import io.baton.sdk.api.ExecutorOptions;
import io.baton.sdk.api.Task;
import io.baton.sdk.runtime.ExecutorBootstrap;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Each task is an in-process HTTP server on 127.0.0.1 that answers every GET with its version:
 * {@code spec.value} is the version (the response body, e.g. {@code v2}), {@code spec.params["port"]} the
 * port. Under START_THEN_STOP the new version serves the same port while the old one still does, and the
 * old one then drains (see {@link VersionServer}): no request fails. Listening sockets are bound with
 * SO_REUSEPORT (so versions in different processes or executors can share a port too) and shared by the
 * versions of a port within this executor, because closing one would reset the connections queued on it
 * ({@link PortListeners}).
 *
 * <p>Params: {@code port} (required), {@code fail=true} (the version refuses to start: FAILED before
 * RUNNING, for rollback demos), {@code ready_after_ms} (default 0; {@code never}: never ready),
 * {@code threads} (connections served at once, default 16; more wait), {@code handoff_hold_ms} (default 2000: how long this
 * version's port listener waits for a successor, below; 0: never).
 *
 * <p><b>Readiness.</b> A version that is not ready yet must not take traffic, and with SO_REUSEPORT
 * listening <em>is</em> taking traffic; so a task reports RUNNING as soon as it is launched but binds its
 * port only after {@code ready_after_ms}. {@link #ready} is true once it listens and the task's readiness
 * check (set {@code readiness.http.port} to the port) passes. The in-process half matters: on a shared port
 * the HTTP probe may well be answered by the old version. A task with {@code ready_after_ms > 0} needs a
 * readiness check, or START_THEN_STOP commits (and stops the old version) on RUNNING, before it listens.
 *
 * <p><b>Freeze</b> (FREEZE_THEN_START) stops accepting but keeps the port's shared listener, so new
 * connections wait in its queue instead of being refused, and the new version, joining the same listener,
 * takes them; connections already open are still served. <b>Thaw</b> (a rollback) accepts again; the
 * commit kills the frozen version as below.
 *
 * <p><b>Kill</b> stops accepting (leaves the port's listener, closing it when no other version uses it),
 * finishes the requests in flight, closes idle keep-alive connections, closes whatever is left at the
 * grace deadline, and reports KILLED.
 *
 * <p><b>Handoff</b>: killed by a replacement whose successor serves the same port and listens as soon as
 * it is launched (no {@code ready_after_ms}), the version stops accepting and finishes its requests in flight
 * but does not close the port's listener: it holds it from its kill until {@code handoff_hold_ms} after its
 * drain, the kernel queues the connections made meanwhile (up to its backlog of 512), and the successor takes
 * them over when it joins the port. Its keep-alive connections are handed over the same way instead of being
 * closed (idle ones at once, busy ones once they have answered; see {@link VersionServer}). So within that hold
 * a STOP_THEN_START refuses no connection, and closes none but one answered in the instant v1's kill began:
 * requests made from v1's kill to v2's start wait for v2
 * (a rollback's kill of v2 holds the listener and its connections the same way for v1, relaunched).
 * A successor that must warm up first is not waited for: a client
 * gets a refusal rather than a connection that hangs for the warm-up. A hold nobody takes over closes at
 * its end, resetting what it queued.
 */
public final class HttpServiceExecutor extends BatonExecutor {
    /** How long a version's listener waits for a successor on its port unless {@code handoff_hold_ms} says. */
    static final long HANDOFF_HOLD_MS = 2_000;
    /**
     * Threads kept started for the versions' acceptors and connections: a new version's acceptor and its first
     * connections while the old version still finishes its own.
     */
    static final int WARM_THREADS = 4;

    private final Map<String, Instance> instances = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "http-service-executor-timers");
        t.setDaemon(true);
        return t;
    });
    private final PortListeners ports = new PortListeners(timers);
    /**
     * The threads every version of this executor accepts and serves on, {@link #WARM_THREADS} of them started with
     * the executor: a version that starts takes threads that wait for work (see {@link ServerThreads}).
     */
    private final ServerThreads serverThreads = new ServerThreads(WARM_THREADS);

    /** One task: its server once it listens. Guarded by itself: binding and killing race. */
    private static final class Instance {
        VersionServer server;
        ScheduledFuture<?> warmUp;
        boolean killed;
    }

    @Override
    public void launch(Task task) {
        TaskSpec spec = task.info().getSpec();
        String version = spec.getValue();
        if ("true".equals(spec.getParamsOrDefault("fail", "false"))) {
            task.failed("version '" + version + "' refuses to start (fail=true)");
            return;
        }
        int port;
        long readyAfterMs;
        int threads;
        long holdMs;
        try {
            port = Integer.parseInt(spec.getParamsOrDefault("port", ""));
            String ready = spec.getParamsOrDefault("ready_after_ms", "0");
            readyAfterMs = ready.equals("never") ? -1 : Long.parseLong(ready);
            threads = Integer.parseInt(spec.getParamsOrDefault("threads", "16"));
            holdMs = Long.parseLong(spec.getParamsOrDefault("handoff_hold_ms", Long.toString(HANDOFF_HOLD_MS)));
        } catch (NumberFormatException e) {
            task.failed("bad params " + spec.getParamsMap() + ": port (1-65535) is required; ready_after_ms is a "
                    + "number or 'never'; threads and handoff_hold_ms are numbers (" + e.getMessage() + ")");
            return;
        }
        if (port < 1 || port > 65535 || threads < 1 || holdMs < 0) {
            task.failed("port must be 1-65535, threads at least 1 and handoff_hold_ms at least 0; params were "
                    + spec.getParamsMap());
            return;
        }
        Instance inst = new Instance();
        if (readyAfterMs == 0) {
            try {
                inst.server = VersionServer.start(ports, serverThreads, port, version, threads);
            } catch (IOException e) {
                task.failed("version '" + version + "' cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
                return;
            }
        }
        instances.put(task.id(), inst);
        task.running();
        if (readyAfterMs > 0) {
            synchronized (inst) {
                inst.warmUp = timers.schedule(() -> listen(task, inst, port, version, threads), readyAfterMs,
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    private void listen(Task task, Instance inst, int port, String version, int threads) {
        synchronized (inst) {
            if (inst.killed) {
                return;
            }
            try {
                inst.server = VersionServer.start(ports, serverThreads, port, version, threads);
            } catch (IOException e) {
                inst.killed = true;
                instances.remove(task.id(), inst);
                task.failed("version '" + version + "' cannot listen on 127.0.0.1:" + port + " once warmed up: "
                        + e.getMessage());
            }
        }
    }

    @Override
    public boolean ready(Task task) throws Exception {
        Instance inst = instances.get(task.id());
        boolean listening;
        if (inst == null) {
            return false;
        }
        synchronized (inst) {
            listening = inst.server != null;
        }
        return listening && super.ready(task);
    }

    @Override
    public void freeze(Task task) {
        VersionServer server = serverOf(task, "freeze");
        server.pause();
    }

    @Override
    public void thaw(Task task) {
        VersionServer server = serverOf(task, "thaw");
        server.resume();
    }

    private VersionServer serverOf(Task task, String what) {
        Instance inst = instances.get(task.id());
        synchronized (inst == null ? this : inst) {
            if (inst == null || inst.server == null) {
                throw new IllegalStateException("cannot " + what + " task " + task.id() + ": it does not listen"
                        + (inst == null ? " (not running here)" : " yet"));
            }
            return inst.server;
        }
    }

    @Override
    public void kill(Task task, Duration grace) throws InterruptedException {
        stop(task, grace, 0);
    }

    @Override
    public void kill(Task task, Duration grace, TaskInfo successor) throws InterruptedException {
        stop(task, grace, handoffHoldMs(task.info(), successor));
    }

    /**
     * How long {@code old}'s listener waits for {@code successor}: {@code old}'s {@code handoff_hold_ms} when the
     * successor serves the same port and listens at launch; else 0. Params that do not parse hold nothing (the
     * launch refused those already).
     */
    static long handoffHoldMs(TaskInfo old, TaskInfo successor) {
        Map<String, String> was = old.getSpec().getParamsMap();
        Map<String, String> next = successor.getSpec().getParamsMap();
        try {
            if (!next.getOrDefault("port", "").equals(was.getOrDefault("port", "-"))
                    || Long.parseLong(next.getOrDefault("ready_after_ms", "0")) != 0) {
                return 0;
            }
            return Long.parseLong(was.getOrDefault("handoff_hold_ms", Long.toString(HANDOFF_HOLD_MS)));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void stop(Task task, Duration grace, long holdMs) throws InterruptedException {
        Instance inst = instances.remove(task.id());
        if (inst == null) {
            task.killed("not running");
            return;
        }
        VersionServer server;
        synchronized (inst) {
            inst.killed = true;
            if (inst.warmUp != null) {
                inst.warmUp.cancel(false);
            }
            server = inst.server;
        }
        if (server == null) {
            task.killed("stopped before it listened");
            return;
        }
        VersionServer.Drained d = server.stop(grace.toMillis(), holdMs);
        task.killed("drained port " + server.port + ": " + d.served() + " requests served, " + d.forced()
                + " connections still open at the grace deadline were closed" + (ports.held(server.port)
                        ? "; its listener waits up to " + holdMs + " ms for the successor" : ""));
    }

    /** {@code --id ID --work-dir DIR [--shim SOCKET]}. */
    public static void main(String[] args) {
        ExecutorBootstrap.run(new HttpServiceExecutor(), ExecutorOptions.fromArgs(args));
    }
}
