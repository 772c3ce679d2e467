package io.baton.cli.demo;

import io.baton.resources.Resources;
import io.baton.sdk.client.ClientOptions;
import io.baton.shim.isolator.Isolator;
import io.baton.shim.server.ShimConfig;
import io.baton.shim.server.ShimServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The demo on this machine: a shim and sample executors in their own JVMs (so they can be SIGKILLed). */
final class LocalSite implements DemoSite {
    static final String TOKEN = "demo-token";

    private final Path dir;
    private final Isolator isolator;
    private final Narrator say;
    private final ShimConfig config;
    final ShimServer shim;
    private final Map<String, ChildJvm> executors = new LinkedHashMap<>();

    LocalSite(Path dir, Resources total, Isolator isolator, Narrator say) throws Exception {
        this.dir = dir;
        this.isolator = isolator;
        this.say = say;
        this.config = ShimConfig.defaults(dir.resolve("shim"), total, isolator.kind());
        this.shim = new ShimServer(config, isolator, TOKEN).start();
    }

    @Override
    public String describe() {
        return "Work directory: " + dir + "   isolator: " + isolator.kind();
    }

    @Override
    public String ready() {
        return "shim up: node total " + config.total() + "; starting the sample executors (each in its own JVM)…";
    }

    @Override
    public ClientOptions framework(String name) {
        return ClientOptions.unix(config.frameworkSocket()).token(TOKEN).name(name).progress(true).build(); // shown live
    }

    @Override
    public void startExecutor(String id, String mainClass) throws Exception {
        Path work = Files.createDirectories(dir.resolve(id));
        executors.put(id, new ChildJvm(id, mainClass, dir.resolve(id + ".log"), "--id", id, "--work-dir",
                work.toString(), "--shim", config.executorSocket().toString()).start());
    }

    @Override
    public boolean alive(String id) {
        ChildJvm jvm = executors.get(id);
        return jvm != null && jvm.alive();
    }

    @Override
    public String log(String id) {
        return dir.resolve(id + ".log").toString();
    }

    @Override
    public long kill9(String id) throws InterruptedException {
        ChildJvm jvm = executors.get(id);
        long pid = jvm.pid();
        jvm.kill9();
        return pid;
    }

    @Override
    public long restart(String id) throws Exception {
        return executors.get(id).start().pid();
    }

    @Override
    public String verifyLedger() throws Exception {
        return shim.verifyLedger();
    }

    @Override
    public void close() {
        for (ChildJvm jvm : executors.values()) {
            try {
                jvm.kill9();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        shim.close();
        for (String id : executors.keySet()) {
            try {
                isolator.destroy(id);
            } catch (Exception e) {
                say.say("(container of " + id + " not removed: " + e.getMessage() + ")");
            }
        }
        if (isolator instanceof io.baton.shim.isolator.CgroupV1Isolator v1) {
            try {
                Files.deleteIfExists(v1.cpuParent());
                Files.deleteIfExists(v1.memoryParent());
            } catch (java.io.IOException e) {
                say.say("(cgroup parent not removed: " + e.getMessage() + ")");
            }
        }
    }
}
