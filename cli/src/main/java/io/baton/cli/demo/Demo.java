package io.baton.cli.demo;

import io.baton.proto.CommandCheck;
import io.baton.proto.HttpCheck;
import io.baton.proto.ReadinessCheck;
import io.baton.proto.ReplacePolicy;
import io.baton.proto.ReplaceStrategy;
import io.baton.proto.ReplacementOutcome;
import io.baton.proto.TaskInfo;
import io.baton.resources.Resources;
import io.baton.sdk.client.ReplaceOutcome;
import io.baton.sdk.client.ReplaceSpec;
import io.baton.shim.isolator.Isolator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code baton demo}: a shim and three sample executors on this machine, then seven replacements that
 * show what Baton does, each checked; exit 0 only if every step behaved as stated.
 */
public final class Demo {
    static final String WORKER = "io.baton.samples.worker.WorkerExecutor";
    static final String HTTP = "io.baton.samples.http.HttpServiceExecutor";
    static final String COMMAND = "io.baton.samples.command.CommandExecutor";

    private final Narrator say;
    private final List<String[]> summary = new ArrayList<>();
    private DemoSite site;
    private boolean allOk = true;

    private Demo(PrintStream out) {
        this.say = new Narrator(out);
    }

    /** Runs the demo in {@code dir} with the given isolator; returns the exit code (0 = every step as stated). */
    public static int run(Path dir, Isolator isolator, PrintStream out) throws Exception {
        Demo demo = new Demo(out);
        demo.intro("on this machine");
        return demo.run(new LocalSite(dir, Resources.parse("cpus:8;mem:8192"), isolator, demo.say));
    }

    /**
     * Runs the demo's story on another site (e.g. YARN) that {@code open} starts, given the narrator's stream;
     * returns the exit code (0 = every step as stated).
     */
    public static int run(String where, SiteOpener open, PrintStream out) throws Exception {
        Demo demo = new Demo(out);
        demo.intro(where);
        return demo.run(open.open(out));
    }

    /** Starts a {@link DemoSite}, narrating to {@code out}. */
    @FunctionalInterface
    public interface SiteOpener {
        DemoSite open(PrintStream out) throws Exception;
    }

    private void intro(String where) {
        PrintStream out = say.out();
        out.println("Baton demo — replacing running tasks in place, with rollback, " + where + ".");
        out.println("Live lines: seconds since the demo started, then what happened; a replacement's phases also show "
                + "the time since it was requested (\"+N ms\").");
    }

    private int run(DemoSite site) throws Exception {
        this.site = site;
        say.out().println(site.describe());
        DemoWorld w;
        try {
            w = new DemoWorld(site, say);
        } catch (Exception e) {
            site.close();
            throw e;
        }
        try (w) {
            say.say(site.ready());
            w.executor("workers", WORKER);
            w.executor("web", HTTP);
            w.executor("commands", COMMAND);
            say.say("executors subscribed: workers, web, commands");
            steps(w);
        }
        printSummary(say.out());
        return allOk ? 0 : 1;
    }

    private void record(int n, String step, String expected, String observed, boolean ok) {
        summary.add(new String[] {Integer.toString(n), step, expected, observed, ok ? "yes" : "NO"});
        allOk &= ok;
        say.result(ok, observed);
        try {
            String view = site.view();
            if (view != null) {
                say.say(view);
            }
        } catch (Exception e) {
            say.say("(the cluster's view could not be read: " + e.getMessage() + ")");
        }
    }

    private void steps(DemoWorld w) throws Exception {
        Map<String, String> fast = Map.of("period_ms", "50");

        say.header(1, "Launch");
        say.say("A worker task api-v1 (cpus:1;mem:256) is launched on executor 'workers' with an offer.");
        long ms = w.launch("workers", DemoWorld.task("api-v1", "cpus:1;mem:256", "api v1", fast));
        record(1, "launch", "RUNNING", "api-v1 RUNNING after " + ms + " ms", true);

        say.header(2, "Partial replacement (smaller)");
        say.say("api-v1 → api-v2 with cpus:0.5;mem:128: resources are reused in place, the leftover goes back.");
        Resources before = w.free();
        ReplaceOutcome o = w.replace(ReplaceSpec.of("api-v1", DemoWorld.task("api-v2", "cpus:0.5;mem:128", "api v2",
                fast)).withReplacementId("partial"), 60);
        Resources returned = w.free().minus(before);
        boolean ok = DemoWorld.is(o, ReplacementOutcome.COMMITTED) && returned.equals(Resources.parse("cpus:0.5;mem:128"));
        say.say(DemoWorld.timings(o));
        record(2, "partial", "COMMITTED, cpus:0.5;mem:128 back in the free pool",
                o.outcome() + ", returned to the free pool: " + returned, ok);

        say.header(3, "Augmented replacement (bigger, backed by an offer)");
        say.say("api-v2 → api-v3 with cpus:1.5;mem:384: the old task's resources plus an offer of cpus:1;mem:256.");
        String offer = w.offerNear("api-v2", "cpus:1;mem:256");
        o = w.replace(ReplaceSpec.of("api-v2", DemoWorld.task("api-v3", "cpus:1.5;mem:384", "api v3", fast), offer)
                .withReplacementId("augmented"), 60);
        say.say(DemoWorld.timings(o));
        record(3, "augmented", "COMMITTED", o.outcome() + " (offer " + offer + " used)",
                DemoWorld.is(o, ReplacementOutcome.COMMITTED));

        say.header(4, "A broken version is rolled back automatically");
        say.say("api-v3 → api-v4, whose readiness check never passes (start timeout 2 s).");
        TaskInfo broken = DemoWorld.task("api-v4", "cpus:1.5;mem:384", "api v4", fast).toBuilder()
                .setReadiness(ReadinessCheck.newBuilder().setCommand(CommandCheck.newBuilder().setCommand("exit 1"))
                        .setIntervalMs(200)).build();
        o = w.replace(ReplaceSpec.of("api-v3", broken).withReplacementId("broken")
                .withPolicy(ReplacePolicy.newBuilder().setStartTimeoutMs(2_000).build()), 60);
        say.say("api-v3: " + o.status().getState() + " — " + o.status().getMessage());
        record(4, "rollback", "ROLLED_BACK, api-v3 running again", o.outcome() + ", " + o.status().getTaskId().getValue()
                + " " + o.status().getState(), DemoWorld.is(o, ReplacementOutcome.ROLLED_BACK));

        say.header(5, "An invalid replacement is refused with the numbers");
        say.say("api-v3 → api-huge asking for cpus:64 with no offers.");
        o = w.replace(ReplaceSpec.of("api-v3", DemoWorld.task("api-huge", "cpus:64;mem:384", "huge", fast))
                .withReplacementId("invalid"), 30);
        say.say("the shim says: " + o.status().getMessage());
        record(5, "invalid", "REJECTED with what is missing", o.outcome() + ": " + shorten(o.status().getMessage()),
                DemoWorld.is(o, ReplacementOutcome.REJECTED) && o.status().getMessage().contains("missing"));

        new HttpStep(w, say).run(this);
        new CrashStep(w, say).run(this);
    }

    void step(int n, String step, String expected, String observed, boolean ok) {
        record(n, step, expected, observed, ok);
    }

    static String shorten(String s) {
        return s.length() > 90 ? s.substring(0, 87) + "..." : s;
    }

    private void printSummary(PrintStream out) {
        out.println();
        out.println("── Summary " + "─".repeat(60));
        out.printf("%-2s %-10s %-52s %s%n", "#", "step", "expected", "as stated");
        for (String[] r : summary) {
            out.printf("%-2s %-10s %-52s %s%n", r[0], r[1], r[2], r[4]);
        }
        out.println(allOk ? "Every step behaved as stated." : "Some steps did NOT behave as stated (see above).");
    }

    static ReplacePolicy startThenStop() {
        return ReplacePolicy.newBuilder().setStrategy(ReplaceStrategy.START_THEN_STOP).build();
    }

    static ReadinessCheck http(int port) {
        return ReadinessCheck.newBuilder().setHttp(HttpCheck.newBuilder().setPort(port).setPath("/")).setIntervalMs(100)
                .build();
    }
}
