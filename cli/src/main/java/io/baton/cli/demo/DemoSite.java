package io.baton.cli.demo;

import io.baton.sdk.client.ClientOptions;
import java.util.List;

/**
 * Where the demo's executors run and how its framework reaches their shim: the part of the demo that differs
 * between this machine ({@link LocalSite}: a shim and child JVMs) and a cluster (e.g. a Baton ApplicationMaster
 * on a local YARN cluster, executors in YARN containers). The story ({@link Demo}, its steps) is the same on
 * every site. Used from the demo's thread only.
 */
public interface DemoSite extends AutoCloseable {
    /** Chronicle Queue's Java 17 flags (the last two keep it from phoning home), for executors' JVMs. */
    List<String> EXECUTOR_JVM_FLAGS = ChildJvm.FLAGS;

    /** One line under the demo's title: where it runs and with what (e.g. the work directory, the isolator). */
    String describe();

    /** One line once the site is up, e.g. what the node's total is. */
    String ready();

    /** How a framework connects (address and token). */
    ClientOptions framework(String name);

    /** Starts executor {@code id} running {@code mainClass}; the demo then waits until it subscribed. */
    void startExecutor(String id, String mainClass) throws Exception;

    /** Whether executor {@code id} may still subscribe (false: it is gone for good, see {@link #log}). */
    boolean alive(String id);

    /** Where executor {@code id}'s output is, for an error message. */
    String log(String id);

    /** Kills executor {@code id}'s process with SIGKILL and waits until it is gone; returns its pid. */
    long kill9(String id) throws Exception;

    /** Brings a killed executor back (starts it again, or waits until the cluster did); returns the new pid. */
    long restart(String id) throws Exception;

    /**
     * One line on what the cluster itself sees after a step (e.g. the ResourceManager's container sizes, checked
     * against Baton's ledger), or null (the local site: the ledger is all there is).
     */
    default String view() throws Exception {
        return null;
    }

    /** Null when the shim's (or AM's) ledger balances, else what is wrong. */
    String verifyLedger() throws Exception;

    /** Stops the executors and the shim (the demo has stopped the tasks already). */
    @Override
    void close();
}
