package io.fogbridge.gateway.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.List;

/**
 * The gateway's logging, set up in code: everything to stderr (stdout stays for command output: a config check, the
 * demo's status), one line per event, the root at {@code FOGBRIDGE_LOG_LEVEL} (INFO unless set) and a few chatty
 * libraries held quieter. Logback finds it as a service ({@code META-INF/services}) before it looks for any file; it
 * acts only in a JVM whose main went through {@link Main} ({@link Main#enableLogging}), since the operator and the
 * benchmarks have the gateway's jar on their class path and their own logging files.
 *
 * <p>Why in code: logback's XML reader (Joran, its model and its handlers) is about 250 classes that stay loaded for the
 * gateway's life, ~1.5 MB of class metadata with 1,000 devices, to read a file that never changed (BENCHMARKS.md,
 * "Session 21"). It also spares logback the choice between our file and the {@code logback.xml} the HiveMQ jar
 * carries. A file still wins when one is asked for with {@code -Dlogback.configurationFile=...}: then this steps aside
 * and Joran reads it.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class GatewayLogging extends ContextAwareBase implements Configurator {

    static final String ENABLED = "fogbridge.logging.gateway";

    /** An environment variable, or a system property as logback's file allowed (${FOGBRIDGE_LOG_LEVEL:-INFO}). */
    static final String LEVEL_VARIABLE = "FOGBRIDGE_LOG_LEVEL";

    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

    /** A logger held below the root's verbosity (the comment above each says why). */
    record Quieter(String logger, Level level) {}

    static final List<Quieter> QUIETER = List.of(
            new Quieter("com.hivemq", Level.WARN),
            // The demo's in-process Kafka broker.
            new Quieter("kafka", Level.WARN),
            new Quieter("state.change.logger", Level.WARN),
            new Quieter("migrations", Level.WARN),
            // A fresh single-node quorum warns that its metadata log is empty: expected for the demo and tests.
            new Quieter("org.apache.kafka.controller.QuorumController", Level.ERROR),
            new Quieter("org.apache.kafka", Level.WARN),
            // The Kafka client warns on every reconnect attempt during an outage; the forwarder logs the state change
            // once.
            new Quieter("org.apache.kafka.clients.NetworkClient", Level.ERROR),
            new Quieter("org.apache.kafka.clients.producer.internals.Sender", Level.ERROR),
            // ... and on every client made while the bootstrap names do not resolve; the forwarder and the command
            // consumer log that once per episode, with the attempt count when it ends.
            new Quieter("org.apache.kafka.clients.ClientUtils", Level.ERROR),
            // Milo's channel handler logs every failed secure channel (a refused server certificate, a server that is
            // down) at ERROR with a stack trace, at every reconnect attempt; the OPC UA converter logs the reason once
            // per episode and the trust hint once per certificate.
            new Quieter("org.eclipse.milo.opcua.stack.transport.client.uasc.UascClientMessageHandler", Level.OFF),
            // Milo's client logs the Java and SDK versions at INFO each time a client is made: at every reconnect of an
            // endpoint, and before every line of `fogbridge opcua browse|sample`.
            new Quieter("org.eclipse.milo.opcua.sdk.client.OpcUaClient", Level.WARN),
            // The demo's OPC UA tank (Milo's server SDK): its version lines at every start, and a diagnostics node it
            // fails to make for each session (SessionDiagnosticsObject, at WARN with a stack trace); neither concerns
            // the data.
            new Quieter("org.eclipse.milo.opcua.sdk.server.OpcUaServer", Level.WARN),
            new Quieter("org.eclipse.milo.opcua.sdk.server.diagnostics", Level.ERROR));

    /**
     * Lets this set up logback when logback sets itself up: at the JVM's first {@code LoggerFactory.getLogger}, so
     * before any class with a static logger is loaded.
     */
    static void enable() {
        System.setProperty(ENABLED, "true");
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (!Boolean.getBoolean(ENABLED) || System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE)));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets up {@code context} with the root at {@code level} (a logback level name; INFO when null or blank). */
    static void apply(LoggerContext context, String level) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Level rootLevel = rootLevel(level);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel == null ? Level.INFO : rootLevel);
        root.addAppender(stderr);
        for (Quieter quieter : QUIETER) {
            context.getLogger(quieter.logger()).setLevel(quieter.level());
        }
        if (rootLevel == null) {
            root.warn(
                    "{}={} is not a log level (ALL, TRACE, DEBUG, INFO, WARN, ERROR, OFF); logging at INFO",
                    LEVEL_VARIABLE,
                    level);
        }
    }

    /** The level {@code name} names (any case), INFO when it is null or blank, null when it names none. */
    static Level rootLevel(String name) {
        return name == null || name.isBlank() ? Level.INFO : Level.toLevel(name.strip(), null);
    }
}
