package io.fogbridge.gateway;

import static org.awaitility.Awaitility.await;

import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.TestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The cloud's side of a gateway under test, through the {@code kcat} peer: what arrived in a topic, the responses to
 * commands, and records produced the way the cloud writes them (ARCHITECTURE.md, "Kafka records"). Each call runs
 * {@code kcat} afresh; safe from any thread.
 */
record CloudTopics(String bootstrapServers) {

    /** Everything in {@code topic} now; empty while the topic does not exist yet. */
    List<KcatConsumer.Record> read(String topic) {
        try {
            return KcatConsumer.readAll(bootstrapServers, topic);
        } catch (IllegalStateException e) {
            return List.of(); // the topic does not exist yet
        }
    }

    /** The records of {@code device} in {@code topic} whose value starts with {@code valuePrefix}. */
    List<KcatConsumer.Record> forDevice(String topic, String device, String valuePrefix) {
        return read(topic).stream()
                .filter(r -> device.equals(r.key()) && r.valueAsString().startsWith(valuePrefix))
                .toList();
    }

    /** The first response in {@code fog.command_response.<tenant>} with this correlation id, waited for 30 s. */
    KcatConsumer.Record awaitResponse(String tenant, String correlationId) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> response(tenant, correlationId), Optional::isPresent)
                .orElseThrow();
    }

    private Optional<KcatConsumer.Record> response(String tenant, String correlationId) {
        return read("fog.command_response." + tenant).stream()
                .filter(r -> correlationId.equals(r.headers().get("correlation-id")))
                .findFirst();
    }

    /** A command for {@code device} in {@code fog.command.<tenant>}, answer required, 60 s to live, JSON. */
    void command(String tenant, String device, String name, String correlationId, String payload) throws Exception {
        produce(
                "fog.command." + tenant,
                device,
                payload,
                "device_id=" + device,
                "subject=" + name,
                "correlation-id=" + correlationId,
                "response-required=true",
                "ttl=60000",
                "content-type=application/json");
    }

    /** One record produced with {@code kcat -P}; {@code key} may be null, {@code headers} are {@code name=value}. */
    void produce(String topic, String key, String payload, String... headers) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(TestEnv.peer("kcat").toString(), "-P", "-b", bootstrapServers, "-t", topic));
        if (key != null) {
            command.addAll(List.of("-k", key));
        }
        for (String header : headers) {
            command.addAll(List.of("-H", header));
        }
        Process kcat = new ProcessBuilder(command).redirectErrorStream(true).start();
        kcat.getOutputStream().write(payload.getBytes(StandardCharsets.UTF_8));
        kcat.getOutputStream().close();
        PeerProcess.awaitSuccess(kcat, Duration.ofSeconds(30));
    }

    /** The headers of a record read with a Kafka consumer, as text. */
    static Map<String, String> headers(ConsumerRecord<String, ?> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
