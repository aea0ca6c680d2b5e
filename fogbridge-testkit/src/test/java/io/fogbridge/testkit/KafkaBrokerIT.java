package io.fogbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.localkafka.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerIT {

    @TempDir
    Path dir;

    @Test
    void producesConsumesAndKeepsDataAcrossRestartOnTheSamePort() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(dir, 0)) {
            String bootstrap = kafka.bootstrapServers();
            produce(bootstrap, "t.restart", "a", "b");
            assertThat(values(readAll(bootstrap, "t.restart", 2))).containsExactly("a", "b");

            kafka.stop();
            assertThat(kafka.running()).isFalse();
            kafka.restart();

            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            produce(bootstrap, "t.restart", "c");
            assertThat(values(readAll(bootstrap, "t.restart", 3))).containsExactly("a", "b", "c");
        }
    }

    @Test
    void createTopicMakesPartitionsAndIsIdempotent() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(dir, 0)) {
            kafka.createTopic("t.parts", 3);
            kafka.createTopic("t.parts", 3);
            try (var admin = kafka.admin()) {
                var description = admin.describeTopics(List.of("t.parts"))
                        .allTopicNames()
                        .get(10, TimeUnit.SECONDS)
                        .get("t.parts");
                assertThat(description.partitions()).hasSize(3);
            }
        }
    }

    @Test
    void kcatSeesKeysHeadersAndValues() throws Exception {
        TestEnv.peer("kcat");
        try (KafkaBroker kafka = KafkaBroker.start(dir, 0)) {
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
                ProducerRecord<String, String> record = new ProducerRecord<>("t.kcat", "dev-1", "v|1\nwith newline");
                record.headers().add("device_id", "dev-1".getBytes(StandardCharsets.UTF_8));
                record.headers().add("fog-seq", "gw/bulk/7".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
                producer.send(new ProducerRecord<>("t.kcat", null, "no key")).get();
            }
            List<KcatConsumer.Record> records = KcatConsumer.readAll(kafka.bootstrapServers(), "t.kcat");
            assertThat(records).hasSize(2);
            assertThat(records.get(0).key()).isEqualTo("dev-1");
            assertThat(records.get(0).headers())
                    .containsExactly(Map.entry("device_id", "dev-1"), Map.entry("fog-seq", "gw/bulk/7"));
            assertThat(records.get(0).valueAsString()).isEqualTo("v|1\nwith newline");
            assertThat(records.get(1).key()).isNull();
            assertThat(records.get(1).valueAsString()).isEqualTo("no key");
        }
    }

    @Test
    void clientsBehindAFaultProxyLoseAndRegainTheBroker() throws Exception {
        int brokerPort = TestEnv.freePort();
        try (FaultProxy proxy = FaultProxy.start("127.0.0.1", brokerPort);
                KafkaBroker kafka = KafkaBroker.builder(dir)
                        .port(brokerPort)
                        .advertisedPort(proxy.port())
                        .start()) {
            assertThat(kafka.bootstrapServers()).isEqualTo(proxy.address());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    60_000,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class))) {
                producer.send(new ProducerRecord<>("t.proxy", "k", "before")).get(30, TimeUnit.SECONDS);
                proxy.cut();
                var during = producer.send(new ProducerRecord<>("t.proxy", "k", "during"));
                Thread.sleep(1_000);
                assertThat(during).isNotDone();
                proxy.restore();
                during.get(30, TimeUnit.SECONDS);
            }
            // Read directly, bypassing the proxy.
            assertThat(values(readAll(kafka.directBootstrapServers(), "t.proxy", 2)))
                    .containsExactly("before", "during");
        }
    }

    @Test
    void runsAsAChildProcessThatPrintsReady() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        KafkaBroker.class.getName(),
                        dir.toString(),
                        "0",
                        "--exit-on-stdin-eof")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            String line;
            String bootstrap = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    bootstrap = line.substring("READY ".length());
                    break;
                }
            }
            assertThat(bootstrap).startsWith("127.0.0.1:");
            produce(bootstrap, "t.child", "hi");
            assertThat(values(readAll(bootstrap, "t.child", 1))).containsExactly("hi");
        } finally {
            child.getOutputStream().close(); // --exit-on-stdin-eof: stops the broker
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    static KafkaProducer<String, String> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class));
    }

    static void produce(String bootstrap, String topic, String... values) throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, "k", value)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
