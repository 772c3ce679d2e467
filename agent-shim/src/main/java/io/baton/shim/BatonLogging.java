package io.baton.shim;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusListenerConfigHelper;
import ch.qos.logback.core.util.StatusPrinter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider Baton's own processes start with ({@link #select}: {@code baton} and the JVMs it starts):
 * logback, set up as {@link LogConfig} says, directly. SLF4J's and logback's own way there — SLF4J searching the
 * class path for providers, logback searching it for configurators, checking its versions and timing itself — is
 * about half of the logging's set-up on a cold start, and an executor's restart waits for that set-up (Netty's
 * first logger makes it). With a configuration of the user's own ({@code -Dlogback.configurationFile}, or a
 * {@code logback-test.xml} or {@code logback.xml} on the class path) logback configures itself as usual.
 *
 * <p>Not listed in {@code META-INF/services}: a JVM that does not select it finds logback's own provider (and
 * {@link LogConfig} through it), as before.
 */
public final class BatonLogging implements SLF4JServiceProvider {
    private final LoggerContext context = new LoggerContext();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();
    private final IMarkerFactory markers = new BasicMarkerFactory();

    /**
     * Has this JVM's SLF4J use this provider (the system property {@code slf4j.provider}), unless something chose
     * one already, and keep SLF4J's note that it did so off stderr ({@code slf4j.internal.verbosity=WARN}: its
     * warnings stay). Call before the first logger is made.
     */
    public static void select() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", BatonLogging.class.getName());
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    @Override
    public void initialize() {
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        try {
            if (LogConfig.userConfiguration()) {
                new ContextInitializer(context).autoConfig(); // as logback's own provider: status listener and all
            } else {
                StatusListenerConfigHelper.installIfAsked(context); // -Dlogback.statusListenerClass, as logback does
                LogConfig.apply(context, LogConfig.environment());
            }
            if (!StatusUtil.contextHasStatusListener(context)) {
                StatusPrinter.printInCaseOfErrorsOrWarnings(context); // e.g. an appender that did not start
            }
        } catch (Exception e) { // as logback's provider: reported, and the process goes on with what was set up
            org.slf4j.helpers.Reporter.error("Failed to configure the default logger context", e);
        }
        context.start();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return LogbackServiceProvider.REQUESTED_API_VERSION;
    }
}
