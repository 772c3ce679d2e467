package io.baton.shim;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogConfigTest {

    @Test
    void setsTheRootLevelFromTheEnvironmentAndQuietsNetty() {
        LoggerContext context = new LoggerContext();
        LogConfig.apply(context, Map.of("BATON_LOG_LEVEL", "debug"));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.DEBUG);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("net.openhft.affinity").getLevel()).isEqualTo(Level.WARN);
        assertThat(root.getAppender("STDERR")).isInstanceOfSatisfying(ConsoleAppender.class, a -> {
            assertThat(a.getTarget()).isEqualTo("System.err");
            assertThat(a.isStarted()).isTrue();
        });
        context.stop();
    }

    @Test
    void infoWhenUnsetOrUnknown() {
        assertThat(LogConfig.rootLevel(null)).isEqualTo(Level.INFO);
        assertThat(LogConfig.rootLevel(" ")).isEqualTo(Level.INFO);
        assertThat(LogConfig.rootLevel("loud")).isEqualTo(Level.INFO);
        assertThat(LogConfig.rootLevel(" warn ")).isEqualTo(Level.WARN);
        assertThat(LogConfig.rootLevel("OFF")).isEqualTo(Level.OFF);
    }

    @Test
    void logbackFindsItAndThisJvmIsConfiguredByIt() {
        assertThat(ServiceLoader.load(Configurator.class)).anyMatch(c -> c instanceof LogConfig);
        // no logback(-test).xml on this module's class path: the configuration in force is this one
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR")).isNotNull();
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    }
}
