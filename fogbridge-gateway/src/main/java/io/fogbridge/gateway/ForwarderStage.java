package io.fogbridge.gateway;

import io.fogbridge.api.Ticker;
import io.fogbridge.gateway.config.EdgeSecurity;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.config.KafkaSettings;
import io.fogbridge.kafka.ForwarderOptions;
import io.fogbridge.kafka.KafkaForwarder;
import io.fogbridge.spool.SegmentedSpool;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * The uplink to the cloud: the Kafka forwarder reading the spool's cursor ({@code kafka.*}). Started right after
 * the spool and before anything that accepts traffic, so a spooled record always has a way out; it commits in the
 * spool only what Kafka acknowledged, or with {@code kafka.delivery: exactly-once} what a committed Kafka transaction
 * holds.
 */
final class ForwarderStage {

    private ForwarderStage() {}

    /** Starts the forwarder on {@code spool}; it registers its own {@code fogbridge.forwarder.*} meters. */
    static KafkaForwarder start(
            GatewayConfig config, SegmentedSpool spool, Clock clock, MeterRegistry registry, StartedStages stages) {
        KafkaForwarder forwarder = stages.push(new KafkaForwarder(
                spool.cursor(), options(config.kafka(), config.gateway().id()), registry, clock, Ticker.system()));
        forwarder.start();
        return forwarder;
    }

    static ForwarderOptions options(KafkaSettings kafka, String gatewayId) {
        EdgeSecurity.checkKafkaProperties(kafka.properties());
        return ForwarderOptions.builder(kafka.bootstrapServers(), gatewayId)
                .clientProperties(kafka.properties())
                .clientProperty("max.in.flight.requests.per.connection", Integer.toString(kafka.maxInFlight()))
                .delivery(kafka.delivery())
                .build();
    }
}
