package io.fogbridge.gateway;

import io.fogbridge.api.Ticker;
import io.fogbridge.gateway.config.EdgeSecurity;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.config.KafkaSettings;
import io.fogbridge.kafka.ForwarderOptions;
import io.fogbridge.kafka.KafkaForwarder;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.SegmentedSpool;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The uplink to the cloud: the Kafka forwarder reading the spool's cursor ({@code kafka.*}). Started right after
 * the spool and before anything that accepts traffic, so a spooled record always has a way out; it commits in the
 * spool only what Kafka acknowledged, or with {@code kafka.delivery: exactly-once} what a committed Kafka transaction
 * holds.
 */
final class ForwarderStage {

    /** The producer's {@code linger.ms} under {@code spool.fsync: group} (see {@link #options}). */
    static final int GROUP_LINGER_MS = 1;

    private ForwarderStage() {}

    /** Starts the forwarder on {@code spool}; it registers its own {@code fogbridge.forwarder.*} meters. */
    static KafkaForwarder start(
            GatewayConfig config, SegmentedSpool spool, Clock clock, MeterRegistry registry, StartedStages stages) {
        KafkaForwarder forwarder = stages.push(new KafkaForwarder(
                spool.cursor(),
                options(config.kafka(), config.gateway().id(), config.spool().fsync()),
                registry,
                clock,
                Ticker.system()));
        forwarder.start();
        return forwarder;
    }

    /**
     * The forwarder's options. Under {@code spool.fsync: group} the producer lingers {@value #GROUP_LINGER_MS} ms
     * instead of the forwarder's 5, unless {@code kafka.properties} says otherwise: the spool publishes appends a
     * group commit at a time, after holding them for company ({@code spool.groupCommitDelay}), and the forwarder
     * hands a group to the producer in one go, so the group is already the batch. Lingering 5 ms more gathers
     * nothing (the next group is a hold away) and only adds to every record's latency. Under {@code interval}
     * the spool publishes each append as it is written, and the producer's linger is what batches them.
     */
    static ForwarderOptions options(KafkaSettings kafka, String gatewayId, FsyncPolicy fsync) {
        EdgeSecurity.checkKafkaProperties(kafka.properties());
        ForwarderOptions.Builder options = ForwarderOptions.builder(kafka.bootstrapServers(), gatewayId);
        if (fsync instanceof FsyncPolicy.Group) {
            options.clientProperty(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(GROUP_LINGER_MS));
        }
        return options.clientProperties(kafka.properties())
                .clientProperty("max.in.flight.requests.per.connection", Integer.toString(kafka.maxInFlight()))
                .delivery(kafka.delivery())
                .build();
    }
}
