package io.fogbridge.gateway.config;

import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.api.config.ConfigSection;
import io.fogbridge.api.config.Problems;
import io.fogbridge.api.config.SectionValues;
import io.fogbridge.api.config.ValueTypes;
import io.fogbridge.kafka.ClientPropertiesCheck;
import io.fogbridge.kafka.Delivery;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code kafka.*}: the uplink's brokers and client properties. */
public final class KafkaSection implements ConfigSection<KafkaSettings> {

    public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.required(
            "kafka.bootstrapServers",
            ValueTypes.bootstrapServers(),
            "Kafka brokers to dial out to: `host:port[,host:port…]`. Required, except for `fogbridge demo`, which"
                    + " starts its own.");

    /**
     * Set by the gateway itself; refusing them here gives the user a clear error at load. The producer applies the
     * guarantee last anyway ({@code ProducerSettings}), so this is a courtesy, not the protection.
     */
    static final Set<String> MANAGED_PROPERTIES = Set.of(
            "bootstrap.servers",
            "enable.idempotence",
            "acks",
            "key.serializer",
            "value.serializer",
            "max.in.flight.requests.per.connection",
            "transactional.id");

    public static final ConfigKey<Map<String, String>> PROPERTIES = ConfigKey.define(
            "kafka.properties",
            ValueTypes.stringMap("map of Kafka client property → value", name -> {
                if (name.equals("bootstrap.servers")) {
                    return "set kafka.bootstrapServers instead";
                }
                if (name.equals("max.in.flight.requests.per.connection")) {
                    return "set kafka.maxInFlight instead";
                }
                if (name.equals("transactional.id")) {
                    return "set kafka.delivery: exactly-once instead (the id is fogbridge-<gateway.id>)";
                }
                if (MANAGED_PROPERTIES.contains(name)) {
                    return "is set by the gateway (idempotent producer, acks=all) and cannot be changed";
                }
                return null;
            }),
            Map.of(),
            "Passed to the Kafka clients as they are: `security.protocol`, `ssl.*`, `sasl.*`, `client.dns.lookup` …"
                    + " (not the ones the delivery guarantee depends on, such as `acks`).");

    public static final ConfigKey<Integer> MAX_IN_FLIGHT = ConfigKey.define(
            "kafka.maxInFlight",
            ValueTypes.intRange(1, 5, "an integer 1-5"),
            5,
            "Unacknowledged produce requests per connection (1-5: the idempotent producer keeps order up to 5).");

    public static final ConfigKey<Delivery> DELIVERY = ConfigKey.define(
            "kafka.delivery",
            ValueTypes.scalar("at-least-once | exactly-once", Delivery::ofId, Delivery::id),
            Delivery.AT_LEAST_ONCE,
            "`at-least-once`: after an outage or crash a record may reach Kafka twice, with the same `fog-seq`;"
                    + " cheapest. `exactly-once`: records and the spool position go in one Kafka transaction"
                    + " (`transactional.id` `fogbridge-<gateway.id>`, positions in the compacted topic"
                    + " `fog.gateway-offsets`), so a consumer with `isolation.level=read_committed` sees each record"
                    + " once; costs a transaction per batch (up to 100 ms) and needs a broker that allows"
                    + " transactions.");

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public List<ConfigKey<?>> keys() {
        return List.of(BOOTSTRAP_SERVERS, PROPERTIES, MAX_IN_FLIGHT, DELIVERY);
    }

    @Override
    public KafkaSettings build(SectionValues values, Problems problems) {
        Map<String, String> properties = values.get(PROPERTIES);
        if (properties != null) {
            // The clients' own rules, so that a file that passes here does not fail in the forwarder, retrying.
            List<String> refused = ClientPropertiesCheck.problems(properties);
            refused.forEach(problem -> problems.add(values.origin(PROPERTIES), PROPERTIES.path(), problem));
            if (!refused.isEmpty()) {
                return null;
            }
        }
        return new KafkaSettings(
                values.get(BOOTSTRAP_SERVERS),
                properties == null ? Map.of() : properties,
                values.get(MAX_IN_FLIGHT),
                values.get(DELIVERY));
    }
}
