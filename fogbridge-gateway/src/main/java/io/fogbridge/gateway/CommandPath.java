package io.fogbridge.gateway;

import io.fogbridge.api.Command;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.command.CommandRouter;
import io.fogbridge.command.RouterOptions;
import io.fogbridge.gateway.config.CommandSettings;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.kafka.command.CommandConsumerOptions;
import io.fogbridge.kafka.command.CommandHandler;
import io.fogbridge.kafka.command.KafkaCommandConsumer;
import io.fogbridge.spool.SegmentedSpool;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * Downlink commands ({@code commands.*}): the router (durable pending store under {@code dataDir/commands}, failure
 * responses into the spool) and the Kafka consumer feeding it. Started after the MQTT bus so devices can be reached;
 * closed before it (the close order is the reverse), so no command is taken that cannot be delivered.
 */
final class CommandPath {

    private CommandPath() {}

    /**
     * What {@link #start} started; both null when {@code commands.enabled} is false.
     *
     * @param router   where polling adapters pick up commands
     * @param consumer the Kafka consumer feeding the router, for {@code /readyz}
     */
    record Started(CommandRouter router, KafkaCommandConsumer consumer) {}

    /**
     * Starts the router, then the consumer. The consumer connects on its own thread and retries until Kafka can
     * be reached, so a bootstrap name that does not resolve yet does not stop the gateway.
     *
     * @throws IllegalArgumentException commands are enabled for no tenant
     */
    static Started start(
            GatewayConfig config,
            Path dataDir,
            MqttBus bus,
            SegmentedSpool spool,
            MeterRegistry registry,
            StartedStages stages)
            throws Exception {
        CommandSettings settings = config.commands();
        if (!settings.enabled()) {
            return new Started(null, null);
        }
        if (spool.readOnly()) {
            // the pending store cannot be written: leave the commands in Kafka, uncommitted, for a writable restart
            LoggerFactory.getLogger(CommandPath.class)
                    .error("commands are not consumed: the data dir is read-only, so no command can be stored");
            return new Started(null, null);
        }
        if (settings.tenants().isEmpty()) {
            throw new IllegalArgumentException("commands.enabled is true but commands.tenants lists no tenant");
        }
        DeviceDirectory devices = bus.devices();
        RouterOptions options = RouterOptions.of(config.gateway().id(), dataDir.resolve("commands"), devices::isKnown)
                .withMaxPending(settings.maxPending())
                .withByteLimits(settings.maxPendingBytes(), settings.maxPayload())
                .withUnknownDevices(RouterOptions.UnknownDevices.valueOf(
                        settings.unknownDevices().toUpperCase(Locale.ROOT)));
        CommandRouter router = stages.push(new CommandRouter(options, bus.commandTransports(), spool, registry));
        router.start();
        CommandConsumerOptions consumerOptions = new CommandConsumerOptions(
                config.kafka().bootstrapServers(),
                config.gateway().id(),
                settings.tenants(),
                config.kafka().properties());
        KafkaCommandConsumer consumer =
                stages.push(new KafkaCommandConsumer(consumerOptions, handler(router), registry));
        consumer.start();
        return new Started(router, consumer);
    }

    private static CommandHandler handler(CommandRouter router) {
        return new CommandHandler() {
            @Override
            public CompletableFuture<Void> command(Command command) {
                return router.submit(command);
            }

            @Override
            public CompletableFuture<Void> malformed(
                    String tenant, String device, String correlationId, String reason) {
                return router.rejectMalformed(tenant, device, correlationId, reason);
            }
        };
    }
}
