package io.fogbridge.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The single-node KRaft Kafka of a benchmark, as its own process ({@code io.fogbridge.localkafka.KafkaBroker}'s
 * main). {@link #stop()} sends SIGTERM (a clean shutdown) and {@link #start()} brings it back with the same
 * data directory and port: the outage scenario's way to take Kafka away. Driven by one thread.
 */
final class KafkaProcess implements AutoCloseable {

    private final String classpath;
    private final List<String> jvmOptions;
    private final Path dataDir;
    private final int port;
    private final Path log;
    private ChildProcess process;

    KafkaProcess(String classpath, List<String> jvmOptions, Path dataDir, int port, Path log) {
        this.classpath = classpath;
        this.jvmOptions = jvmOptions;
        this.dataDir = dataDir;
        this.port = port;
        this.log = log;
    }

    /**
     * The one-process harnesses' broker: started under {@code work} (data in {@code kafka/}, log in {@code kafka.log})
     * with a 1 GiB heap, on a free port.
     */
    static KafkaProcess startIn(String classpath, Path work) throws IOException, InterruptedException {
        return started(new KafkaProcess(
                classpath, List.of("-Xmx1g"), work.resolve("kafka"), E2eBench.freePort(), work.resolve("kafka.log")));
    }

    /**
     * The field benchmarks' broker: started under {@code work} with {@code jvmOptions} on a free port, its data
     * ({@code kafka-data/}) deleted first so that every run starts from empty topics; log in {@code kafka.log}.
     */
    static KafkaProcess startFresh(String classpath, List<String> jvmOptions, Path work)
            throws IOException, InterruptedException {
        E2eBench.deleteTree(work.resolve("kafka-data"));
        return started(new KafkaProcess(
                classpath, jvmOptions, work.resolve("kafka-data"), E2eBench.freePort(), work.resolve("kafka.log")));
    }

    private static KafkaProcess started(KafkaProcess kafka) throws IOException, InterruptedException {
        try {
            kafka.start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            try {
                kafka.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return kafka;
    }

    /** Starts the broker and returns once it printed READY. */
    void start() throws IOException, InterruptedException {
        process = ChildProcess.start(
                "kafka",
                ChildProcess.java(
                        classpath,
                        jvmOptions,
                        "io.fogbridge.localkafka.KafkaBroker",
                        // stdin EOF = this benchmark died: the broker goes too
                        List.of(dataDir.toString(), Integer.toString(port), "--exit-on-stdin-eof")),
                log);
        process.await("READY", Duration.ofSeconds(120));
    }

    /** SIGTERM and wait: the broker shuts down cleanly, keeping its data. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.terminate(Duration.ofSeconds(60));
            process = null;
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
