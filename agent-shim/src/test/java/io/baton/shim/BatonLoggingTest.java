package io.baton.shim;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;

class BatonLoggingTest {

    @Test
    void setsLogbackUpAsLogConfigSays() {
        BatonLogging provider = new BatonLogging();
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getAppender("STDERR")).isNotNull();
        assertThat(root.getLevel()).isEqualTo(LogConfig.rootLevel(System.getenv("BATON_LOG_LEVEL")));
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.isStarted()).isTrue();
        assertThat(provider.getMDCAdapter()).isNotNull();
        assertThat(provider.getMarkerFactory().getMarker("m").getName()).isEqualTo("m");
        assertThat(provider.getRequestedApiVersion()).startsWith("2.");
        context.stop();
    }

    @Test
    void selectLeavesAProviderChosenBeforeAlone() {
        String before = System.getProperty("slf4j.provider");
        String verbosity = System.getProperty("slf4j.internal.verbosity");
        try {
            System.setProperty("slf4j.provider", "com.example.Other");
            BatonLogging.select();
            assertThat(System.getProperty("slf4j.provider")).isEqualTo("com.example.Other");
            System.clearProperty("slf4j.provider");
            System.clearProperty("slf4j.internal.verbosity");
            BatonLogging.select();
            assertThat(System.getProperty("slf4j.provider")).isEqualTo(BatonLogging.class.getName());
            assertThat(System.getProperty("slf4j.internal.verbosity")).isEqualTo("WARN");
        } finally {
            restore("slf4j.provider", before);
            restore("slf4j.internal.verbosity", verbosity);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
