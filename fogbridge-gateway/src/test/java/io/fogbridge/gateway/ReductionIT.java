package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import io.fogbridge.localkafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reduction stage in a real gateway: QoS 1 publishes from a real MQTT client into the embedded broker, records
 * read back from an in-process Kafka. A slowly varying signal reaches Kafka reduced, every suppressed publish is
 * still PUBACKed with success, and a window's aggregate arrives when the window ends.
 */
class ReductionIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @AutoClose
    static GatewayFixture fixture;

    static KafkaBroker kafka;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        fixture = GatewayFixture.start(dir);
        kafka = fixture.kafka();
        gateway = fixture.startGateway("edge-reduce", """
                gateway: {id: edge-reduce, dataDir: "${dataDir}"}
                mqtt: {listeners: [{host: 127.0.0.1, port: ${mqttPort}}]}
                kafka: {bootstrapServers: "${kafka}"}
                http: {host: 127.0.0.1, port: 0}
                reduction:
                  - name: spindle
                    route: telemetry
                    topic: telemetry/acme/+/spindle
                    deadband: {values.rpm: 5}
                  - name: energy
                    topic: telemetry/acme/+/energy
                    window: 2s
                    aggregate: {kw: "min,max,count"}
                """);
    }

    @Test
    void aSlowlyVaryingSignalReachesKafkaReducedAndEverySuppressedPublishIsAcknowledged() throws Exception {
        Mqtt5BlockingClient device = client("lathe-9");
        List<Double> rpms = new ArrayList<>();
        List<Mqtt5PublishResult> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double rpm = 1200 + 30 * Math.sin(i / 20.0); // a slow swing of ±30 rpm over ~126 readings
            rpms.add(rpm);
            results.add(device.publishWith()
                    .topic("telemetry/acme/lathe-9/spindle")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"ts\":" + i + ",\"values\":{\"rpm\":" + rpm + "}}").getBytes(StandardCharsets.UTF_8))
                    .send());
        }
        device.disconnect();

        assertThat(results).allSatisfy(result -> assertThat(result.getError()).isEmpty());
        assertThat(results).allSatisfy(result -> assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) result)
                        .getPubAck()
                        .getReasonCode())
                .isIn(Mqtt5PubAckReasonCode.SUCCESS, Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS));

        List<Integer> expected = keptByDeadband(rpms, 5);
        List<ConsumerRecord<String, byte[]>> records = consume("fog.telemetry.acme", "lathe-9", expected.size());
        List<Integer> sent = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            sent.add(JSON.readTree(record.value()).get("ts").asInt());
        }
        assertThat(sent).containsExactlyElementsOf(expected);
        assertThat(expected).hasSizeBetween(10, 40); // reduced, not silenced: the check above can fail both ways
        assertThat(counter("fogbridge.reduction.suppressed", "rule", "spindle", "reason", "deadband"))
                .isEqualTo(200 - expected.size());
        assertThat(gateway.registry().scrape()).contains("fogbridge_reduction_suppressed_total{");
    }

    @Test
    void aWindowsAggregateArrivesWhenTheWindowEnds() throws Exception {
        Mqtt5BlockingClient meter = client("meter-2");
        for (int kw = 1; kw <= 5; kw++) {
            meter.publishWith()
                    .topic("telemetry/acme/meter-2/energy")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"kw\":" + kw + "}").getBytes(StandardCharsets.UTF_8))
                    .send();
        }
        meter.disconnect();

        // Five quick publishes may straddle a window edge: then two aggregates share them (three, if a publish
        // stamped just before an edge is handled after the sweeper released that window).
        List<JsonNode> aggregates = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consume("fog.telemetry.acme", "meter-2", 1)) {
            assertThat(CloudTopics.headers(record)).containsEntry("content-type", "application/json");
            aggregates.add(JSON.readTree(record.value()));
        }
        assertThat(aggregates).hasSizeBetween(1, 3);
        assertThat(aggregates.stream()
                        .mapToInt(a -> a.at("/values/kw/count").asInt())
                        .sum())
                .isEqualTo(5);
        assertThat(aggregates.stream()
                        .mapToDouble(a -> a.at("/values/kw/min").asDouble())
                        .min())
                .hasValue(1.0);
        assertThat(aggregates.stream()
                        .mapToDouble(a -> a.at("/values/kw/max").asDouble())
                        .max())
                .hasValue(5.0);
        assertThat(aggregates).allSatisfy(a -> assertThat(
                        a.at("/window/end").asLong() - a.at("/window/start").asLong())
                .isEqualTo(2000));
        assertThat(counter("fogbridge.reduction.suppressed", "rule", "energy", "reason", "window"))
                .isEqualTo(5);
    }

    /** The indexes a deadband around the last sent value keeps: what the stage must have sent. */
    private static List<Integer> keptByDeadband(List<Double> values, double band) {
        List<Integer> kept = new ArrayList<>(List.of(0));
        double last = values.getFirst();
        for (int i = 1; i < values.size(); i++) {
            if (Math.abs(values.get(i) - last) > band) {
                kept.add(i);
                last = values.get(i);
            }
        }
        return kept;
    }

    private static Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient client = MqttClient.builder()
                .useMqttVersion5()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(gateway.mqttPorts().getFirst())
                .buildBlocking();
        client.connect();
        return client;
    }

    private static double counter(String name, String... tags) {
        return gateway.registry().get(name).tags(tags).counter().count();
    }

    /** This device's records in the topic once at least {@code atLeast} are there and no more come. */
    private static List<ConsumerRecord<String, byte[]>> consume(String topic, String device, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int emptyPolls = 0;
            while (System.nanoTime() < deadline && (records.size() < atLeast || emptyPolls < 3)) {
                var batch = consumer.poll(Duration.ofMillis(500));
                batch.forEach(r -> {
                    if (device.equals(r.key())) {
                        records.add(r);
                    }
                });
                emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
            }
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(atLeast);
        return records;
    }
}
