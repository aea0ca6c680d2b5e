package io.fogbridge.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Proves: {@link GatewayLogging} sets up what the gateway's logback.xml used to (stderr, the pattern, the root level
 * from {@code FOGBRIDGE_LOG_LEVEL}, the quieter libraries), says so when that variable names no level, acts only when
 * enabled and no file is asked for, and is registered as logback's service.
 */
class GatewayLoggingTest {

    @Test
    void rootAtInfoOnStderrWithTheQuieterLibraries() {
        LoggerContext context = new LoggerContext();
        GatewayLogging.apply(context, null);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        assertThat(stderr.isStarted()).isTrue();
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(((PatternLayoutEncoder) stderr.getEncoder()).getPattern()).isEqualTo(GatewayLogging.PATTERN);
        assertThat(context.getLogger("com.hivemq").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").getLevel())
                .isEqualTo(Level.ERROR);
        assertThat(context.getLogger("org.eclipse.milo.opcua.stack.transport.client.uasc.UascClientMessageHandler")
                        .getLevel())
                .isEqualTo(Level.OFF);
        assertThat(context.getLogger("org.apache.kafka").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.fogbridge").getLevel()).isNull();
    }

    @Test
    void theVariableSetsTheRootLevelInAnyCase() {
        LoggerContext context = new LoggerContext();
        GatewayLogging.apply(context, " debug ");
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
        assertThat(GatewayLogging.rootLevel("warn")).isEqualTo(Level.WARN);
        assertThat(GatewayLogging.rootLevel("")).isEqualTo(Level.INFO);
    }

    @Test
    void aValueThatIsNoLevelIsNamedAndInfoUsed() {
        LoggerContext context = new LoggerContext();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.setContext(context);
        seen.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);
        GatewayLogging.apply(context, "LOUD");
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(seen.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage())
                    .isEqualTo("FOGBRIDGE_LOG_LEVEL=LOUD is not a log level (ALL, TRACE, DEBUG, INFO, WARN,"
                            + " ERROR, OFF); logging at INFO");
        });
    }

    @Test
    void actsOnlyWhenEnabledAndNoFileIsNamed() {
        String enabled = System.getProperty(GatewayLogging.ENABLED);
        String file = System.getProperty("logback.configurationFile");
        try {
            System.clearProperty(GatewayLogging.ENABLED);
            System.clearProperty("logback.configurationFile");
            assertThat(configureFresh()).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            GatewayLogging.enable();
            System.setProperty("logback.configurationFile", "mine.xml");
            assertThat(configureFresh()).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            System.clearProperty("logback.configurationFile");
            assertThat(configureFresh()).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        } finally {
            restore(GatewayLogging.ENABLED, enabled);
            restore("logback.configurationFile", file);
        }
    }

    @Test
    void theLevelMayBeASystemPropertyAsInLogbacksFile() {
        String enabled = System.getProperty(GatewayLogging.ENABLED);
        String level = System.getProperty(GatewayLogging.LEVEL_VARIABLE);
        try {
            GatewayLogging.enable();
            System.setProperty(GatewayLogging.LEVEL_VARIABLE, "error");
            LoggerContext context = new LoggerContext();
            GatewayLogging logging = new GatewayLogging();
            logging.setContext(context);
            logging.configure(context);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.ERROR);
        } finally {
            restore(GatewayLogging.ENABLED, enabled);
            restore(GatewayLogging.LEVEL_VARIABLE, level);
        }
    }

    /** What {@link GatewayLogging#configure} answers for a new context; the STDERR appender is there when it acted. */
    private static Configurator.ExecutionStatus configureFresh() {
        LoggerContext context = new LoggerContext();
        GatewayLogging logging = new GatewayLogging();
        logging.setContext(context);
        Configurator.ExecutionStatus status = logging.configure(context);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR") != null)
                .isEqualTo(status == Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        return status;
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void logbackFindsItAsAService() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(GatewayLogging.class);
    }
}
