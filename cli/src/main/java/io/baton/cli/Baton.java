package io.baton.cli;

import io.baton.shim.ConsoleText;
import io.baton.shim.ShimMain;
import io.baton.sdk.client.ShimRejectedException;
import io.baton.sdk.client.ShimUnavailableException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code baton}: one command for the node shim, the sample executors and a framework's view of a
 * node. Every error is one line on stderr, {@code baton <cmd>: what — why — what to do}; exit codes
 * are 0 ok, 1 a negative outcome or a refusal from the shim, 2 usage and connection errors.
 */
@Command(name = "baton", mixinStandardHelpOptions = true, version = "baton 0.1.0",
        description = {"Executor-side task replacement (MESOS-938): run the node shim and sample executors, and "
                + "drive a node as a framework: offers, launch, replace, kill, status, watch, journal.", ""},
        subcommands = {ExecutorCommand.class, OffersCommand.class, DeclineCommand.class, LaunchCommand.class, ReplaceCommand.class,
            KillCommand.class, StatusCommand.class, WatchCommand.class, JournalCommand.class, DemoCommand.class, CdsTrainCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:the outcome was negative (REJECTED, ABORTED, ROLLED_BACK, FAILED) or the shim "
                + "refused the request", "2:usage error, or the shim could not be reached or refused the connection"},
        footer = {"", "Example:", "  baton shim --work-dir /tmp/baton --isolator none &",
            "  baton executor worker --id workers --work-dir /tmp/workers --shim /tmp/baton/executor.sock &",
            "  baton launch --work-dir /tmp/baton --executor workers --task w1 --resources 'cpus:0.5;mem:64'",
            "  baton replace w1 --work-dir /tmp/baton --task w2 --resources 'cpus:0.5;mem:64' --wait"})
public final class Baton implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
    }

    public static void main(String[] args) {
        ConsoleText.install(); // a console without UTF-8 (no locale set) gets "-" for "—", not "?"
        // as bin/baton passes them, for a plain `java -jar baton.jar` too: Chronicle must not phone home
        System.setProperty("chronicle.analytics.disable", System.getProperty("chronicle.analytics.disable", "true"));
        System.setProperty("chronicle.announcer.disable", System.getProperty("chronicle.announcer.disable", "true"));
        io.baton.shim.BatonLogging.select(); // before any logger: the quick way to logback, as this jar is set up
        Logging.quietUnlessServing(args);
        ExecutorCommand quick = "false".equals(System.getProperty("baton.cli.quickExecutor")) ? null // the benchmark's
                : ExecutorCommand.quick(args);
        System.exit(quick != null ? run(quick) : commandLine().execute(args));
    }

    /**
     * {@code baton executor} parsed without picocli ({@link ExecutorCommand#quick}), run with the same error handling
     * as {@link #commandLine}'s: a restarting executor's way to its subscription does not build the whole command
     * tree (every command's model, by reflection) on classes its class-data archive cannot hold (picocli's are Java
     * 5 classes: loaded from the jar and verified at every start). About 150 ms of a restart on two cores.
     */
    private static int run(ExecutorCommand command) {
        try {
            return command.call();
        } catch (Exception e) {
            java.io.PrintWriter err = ConsoleText.writer(System.err);
            return handle("baton executor", e, err);
        }
    }

    /** An exception from a command's run: its one line on {@code err}, and the exit code. */
    private static int handle(String qualifiedName, Exception ex, java.io.PrintWriter err) {
        err.println(qualifiedName + ": " + describe(ex));
        err.flush();
        return ex instanceof CliException c ? c.exitCode()
                : ex instanceof ShimRejectedException ? CliException.NEGATIVE : CliException.USAGE;
    }

    /** The whole command tree with baton's error handling; tests call {@code execute} on it. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Baton());
        cl.addSubcommand("shim", new CommandLine(new ShimMain()));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> handle(line.getCommandSpec().qualifiedName(), ex, line.getErr()));
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine line = ex.getCommandLine();
            line.getErr().println(prefix(line) + "invalid arguments — " + CliException.oneLine(ex.getMessage())
                    + " — run '" + line.getCommandSpec().qualifiedName() + " --help' for the options and an example");
            line.getErr().flush();
            return CliException.USAGE;
        });
        cl.setUsageHelpWidth(120);
        return ConsoleText.writersFor(cl); // after the subcommands: picocli passes the writers on
    }

    private static String prefix(CommandLine line) {
        return line.getCommandSpec().qualifiedName() + ": ";
    }

    /** Unexpected exceptions still get one line; the expected ones are already {@link CliException}s. */
    private static String describe(Exception ex) {
        if (ex instanceof CliException) {
            return ex.getMessage();
        }
        if (ex instanceof ShimUnavailableException u) {
            return CliException.oneLine("cannot reach the shim at " + u.endpoint() + " — " + u.getMessage()
                    + " — start it with 'baton shim' or pass the right --work-dir/--socket");
        }
        if (ex instanceof ShimRejectedException r) {
            return CliException.oneLine(r.call() + " refused by the shim — " + r.code() + ": " + r.shimMessage()
                    + " — change the request as the shim's message says");
        }
        if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException) {
            return CliException.oneLine("cannot run — " + ex.getMessage() + " — fix the argument or the file this names");
        }
        return CliException.oneLine("failed — " + ex + " — rerun with BATON_LOG_LEVEL=DEBUG and report it");
    }
}
