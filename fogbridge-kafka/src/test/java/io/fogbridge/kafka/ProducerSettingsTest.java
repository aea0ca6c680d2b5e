package io.fogbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ProducerSettingsTest {

    @Test
    void clientPropertiesCannotWeakenTheDeliveryGuarantee() {
        ForwarderOptions options = ForwarderOptions.builder("localhost:9092", "gw-1")
                .clientProperty("acks", "0")
                .clientProperty("enable.idempotence", "false")
                .clientProperty("max.in.flight.requests.per.connection", "50")
                .clientProperty("key.serializer", StringSerializer.class.getName())
                .clientProperty("value.serializer", StringSerializer.class.getName())
                .build();

        ProducerConfig config = new ProducerConfig(ProducerSettings.of(options));

        assertThat(config.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1"); // how Kafka spells "all"
        assertThat(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
        assertThat(config.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION))
                .isEqualTo(5);
        assertThat(config.getClass(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG)).isEqualTo(ByteArraySerializer.class);
        assertThat(config.getClass(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG))
                .isEqualTo(ByteArraySerializer.class);
    }

    @Test
    void aSmallerInFlightBoundIsKept() {
        ForwarderOptions options = ForwarderOptions.builder("localhost:9092", "gw-1")
                .clientProperty("max.in.flight.requests.per.connection", "1")
                .build();

        assertThat(ProducerSettings.of(options))
                .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    }

    @Test
    void otherClientPropertiesStillOverrideTheDefaults() {
        ForwarderOptions options = ForwarderOptions.builder("localhost:9092", "gw-1")
                .clientProperty("linger.ms", "50")
                .clientProperty("security.protocol", "SSL")
                .build();

        Map<String, Object> settings = ProducerSettings.of(options);

        assertThat(settings)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "50")
                .containsEntry("security.protocol", "SSL")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    }

    @Test
    void exactlyOnceAddsAStableTransactionalIdThatClientPropertiesCannotChange() {
        ForwarderOptions options = ForwarderOptions.builder("localhost:9092", "gw-1")
                .clientProperty("transactional.id", "someone-else")
                .clientProperty("acks", "1")
                .delivery(Delivery.EXACTLY_ONCE)
                .build();

        ProducerConfig config = new ProducerConfig(ProducerSettings.of(options));

        assertThat(config.getString(ProducerConfig.TRANSACTIONAL_ID_CONFIG)).isEqualTo("fogbridge-gw-1");
        assertThat(config.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo("-1");
        assertThat(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isTrue();
    }

    @Test
    void atLeastOnceHasNoTransactionalId() {
        ForwarderOptions options =
                ForwarderOptions.builder("localhost:9092", "gw-1").build();

        assertThat(ProducerSettings.of(options)).doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }

    @Test
    void theProducerBufferIsAnEighthOfASmallHeapAndAtMost16MiB() {
        assertThat(ProducerSettings.bufferMemoryFor(128L << 20)).isEqualTo(16L << 20);
        assertThat(ProducerSettings.bufferMemoryFor(4L << 30)).isEqualTo(16L << 20);
        assertThat(ProducerSettings.bufferMemoryFor(64L << 20)).isEqualTo(8L << 20);
        assertThat(ProducerSettings.bufferMemoryFor(4L << 20)).isEqualTo(1L << 20);
    }
}
