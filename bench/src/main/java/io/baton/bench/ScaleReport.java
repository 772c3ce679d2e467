package io.baton.bench;

import java.util.List;
import java.util.Locale;

/** The report's section for {@link ShimScale}. */
final class ScaleReport {
    private ScaleReport() {
    }

    static String markdown(ShimScale.Result r) {
        ShimScale.Plan p = r.plan();
        StringBuilder b = new StringBuilder();
        b.append("## One shim at scale: ").append(n(p.executors())).append(" executors, ").append(n(p.tasks()))
                .append(" tasks\n\n");
        b.append("One real shim in its own JVM (`baton shim`'s main, isolator none, `").append(ChildJvm.OPTIONS)
                .append(' ').append(String.join(" ", ShimScale.SHIM_OPTIONS))
                .append("`); the executors are lightweight clients in a JVM of the bench's own (`")
                .append(String.join(" ", ShimScale.FRAMEWORK_OPTIONS)).append("`: its heap fixed and touched at "
                        + "start, as a long-running framework's is after its first collections), each its own "
                        + "connection to the shim's executor Unix socket, all on one Netty event loop: they subscribe "
                        + "with the tasks they run, heartbeat, answer a launch with RUNNING and a kill with KILLED, "
                        + "and reconnect as the SDK does (100 ms doubling to 5 s). One framework "
                        + "(`BatonClient`, in the same JVM) launches and kills. Each operation on one executor, with "
                        + "more and more *other* executors connected (and last with every task up), ")
                .append(p.probes())
                .append(" times after ").append(p.warmup()).append(" unmeasured: *launch* = offer + LAUNCH until the "
                        + "framework hears RUNNING; *kill* = KILL until it hears KILLED; *status update*, *reserve* "
                        + "(no offers, same resources) and *release* (KEEP_OLD) = the executor's call until the shim's "
                        + "answer. µs, p50 / p99.\n\n");
        b.append("The machine's 1-minute load average reached ").append(f(r.load())).append(" during this section ("
                + Runtime.getRuntime().availableProcessors() + " cores): above the core count, every wall-clock "
                + "figure here includes time spent waiting for a core, which is why the shim's own CPU time is given "
                + "beside the storm, STATE and RECONCILE.\n\n");
        b.append("| executors | tasks on the shim | launch | kill | status update | reserve | release |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (ShimScale.Probe q : r.probes()) {
            b.append("| ").append(n(q.executors())).append(" | ").append(n(q.tasks())).append(" | ");
            for (Dist d : List.of(q.launch(), q.kill(), q.update(), q.reserve(), q.release())) {
                b.append(d.p50()).append(" / ").append(d.p99()).append(" | ");
            }
            b.setLength(b.length() - 1);
            b.append('\n');
        }
        b.append('\n');
        long[] h = r.heap();
        double perExecutor = (h[1] - h[0]) / (double) p.executors();
        double perTask = r.tasksUp() == 0 ? -1 : (h[2] - h[1]) / (double) r.tasksUp();
        ShimScale.Storm s = r.storm();
        b.append("| Metric | Measured | Target |\n|---|---|---|\n");
        b.append("| tasks launched on one shim | ").append(n(r.tasksUp())).append(" of ").append(n(p.tasks()))
                .append(" over ").append(n(p.executors())).append(" executors, in ").append(f(r.fillSeconds()))
                .append(" s (").append(n((int) (r.tasksUp() / Math.max(r.fillSeconds(), 1e-9))))
                .append(" launches/s, 256 at once) | ").append(n(p.executors())).append(" executors, ")
                .append(n(p.tasks())).append(" tasks |\n");
        storm(b, s, "");
        if (r.stormCds() != null) {
            storm(b, r.stormCds(), ", the new shim with the AppCDS archive of its start (as `bin/baton shim` starts it)");
        }
        b.append("| STATE over ").append(n(r.tasksUp())).append(" tasks, p50 / max (").append(n(r.state().us().length))
                .append(" calls) | ").append(f(r.state().p50() / 1e3)).append(" / ").append(f(r.state().max() / 1e3))
                .append(" ms (").append(n(r.stateBytes() / 1024)).append(" KiB; the shim's CPU time per call ")
                .append(f(r.stateCpuMs())).append(" ms) | ≤ 200 ms |\n");
        b.append("| RECONCILE (all tasks) over ").append(n(r.tasksUp())).append(" tasks, p50 / max (")
                .append(n(r.reconcile().us().length)).append(" calls) | ").append(f(r.reconcile().p50() / 1e3))
                .append(" / ").append(f(r.reconcile().max() / 1e3)).append(" ms (").append(n(r.reconciled()))
                .append(" statuses; the shim's CPU time per call ").append(f(r.reconcileCpuMs()))
                .append(" ms) | ≤ 200 ms |\n");
        b.append("| shim heap per executor (live heap after a full GC, jcmd GC.class_histogram) | ")
                .append(n((int) perExecutor)).append(" bytes | reported |\n");
        b.append("| shim heap per task | ").append(n((int) perTask)).append(" bytes (").append(mib(h[0]))
                .append(" MiB with no executor, ").append(mib(h[1])).append(" MiB with ").append(n(p.executors()))
                .append(" executors, ").append(mib(h[2])).append(" MiB with ").append(n(r.tasksUp()))
                .append(" tasks) | reported |\n");
        ShimScale.Probe lo = r.probes().get(0);
        ShimScale.Probe hi = r.probes().get(p.scales().size() - 1);
        b.append("| p50 growth from ").append(n(lo.executors())).append(" to ").append(n(hi.executors()))
                .append(" executors: launch, kill, status update, reserve, release | ")
                .append(ratio(lo.launch(), hi.launch())).append(", ").append(ratio(lo.kill(), hi.kill())).append(", ")
                .append(ratio(lo.update(), hi.update())).append(", ").append(ratio(lo.reserve(), hi.reserve()))
                .append(", ").append(ratio(lo.release(), hi.release())).append(" | no growth with other executors |\n");
        b.append('\n');
        if (r.failure() != null) {
            b.append("- The shim refused a call or reported an error: ").append(r.failure().replace("|", "\\|"))
                    .append("\n\n");
        }
        return b.toString();
    }

    /** One storm's row: {@code how} says how the new shim was started (empty: as the bench starts it). */
    private static void storm(StringBuilder b, ShimScale.Storm s, String how) {
        b.append("| re-subscription storm after shim SIGKILL").append(how).append(", new shim process start → all ")
                .append(n(s.resubscribed())).append(" re-subscribed | ")
                .append(s.startToAll() < 0 ? "**not all re-subscribed**" : f(s.startToAll()) + " ms")
                .append(" (of which JVM start → listening ").append(f(s.startToReady()))
                .append(" ms, listening → first re-subscribed ").append(f(s.readyToFirst()))
                .append(" ms, → half ").append(f(s.readyToEach().p50() / 1e3))
                .append(" ms, → last ").append(f(s.readyToAll())).append(" ms; SIGKILL → new process ")
                .append(f(s.killedToStart())).append(" ms; ").append(n((int) s.failedConnects()))
                .append(" connection attempts failed while the shim was away; tasks known after: ")
                .append(n(s.tasksAfter())).append("; the new shim's CPU time until then, JVM start included: ")
                .append(usage(s.atAll())).append(", of which by listening ").append(usage(s.atReady()))
                .append(") | ≤ 5,000 ms |\n");
    }

    /** A shim's CPU (all threads; the JIT's compilers, the VM thread and collector apart) and minor page faults. */
    private static String usage(ProcUsage u) {
        return !u.known() ? "unknown" : n((int) u.cpuMs()) + " ms (the JIT's compilers " + n((int) u.jitMs())
                + " ms, the VM thread and collector " + n((int) u.gcMs()) + " ms; " + n((int) u.minorFaults())
                + " minor page faults)";
    }

    private static String ratio(Dist lo, Dist hi) {
        return String.format(Locale.ROOT, "%.2f×", hi.p50() / (double) Math.max(1, lo.p50()));
    }

    private static String n(int v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
