package io.fogbridge.bench.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway under test, as its own process: {@code io.fogbridge.gateway.cli.Main run --config <file>} with
 * a config written for the run (embedded broker on a free port, the run's fsync policy, data in the run's
 * folder), exactly what {@code bin/fogbridge run} executes. Reads its Prometheus endpoint for the spool
 * backlog and the forwarder's acknowledged count. Driven by one thread.
 */
final class GatewayProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("mqtt=\\[(\\d+).*] http=(\\d+)");

    private final ChildProcess process;
    private final int mqttPort;
    private final int httpPort;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private GatewayProcess(ChildProcess process, int mqttPort, int httpPort) {
        this.process = process;
        this.mqttPort = mqttPort;
        this.httpPort = httpPort;
    }

    static GatewayProcess start(String classpath, List<String> jvmOptions, Path runDir, String bootstrap, String fsync)
            throws Exception {
        Path config = runDir.resolve("gateway.yaml");
        Files.createDirectories(runDir);
        Files.writeString(config, config(runDir.resolve("gateway-data"), bootstrap, fsync));
        ChildProcess process = ChildProcess.start(
                "gateway",
                ChildProcess.java(
                        classpath,
                        jvmOptions,
                        "io.fogbridge.gateway.cli.Main",
                        List.of("run", "--config", config.toString())),
                runDir.resolve("gateway.log"));
        String ready = process.await("READY", Duration.ofSeconds(120));
        Matcher m = READY.matcher(ready);
        if (!m.find()) {
            process.close();
            throw new IllegalStateException("unexpected READY line from the gateway: " + ready);
        }
        return new GatewayProcess(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /**
     * A gateway for {@code tenant} in {@code work/<tenant>} whose telemetry goes to a topic of its own with one
     * partition, {@link #telemetryTopic telemetryTopic(tenant)}, created first: the one-process harnesses read back
     * exactly what their gateway sent.
     */
    static GatewayProcess startForTenant(
            String classpath, List<String> jvmOptions, Path work, KafkaProcess kafka, String tenant, String fsync)
            throws Exception {
        kafka.createTopic(telemetryTopic(tenant), 1);
        return start(classpath, jvmOptions, work.resolve(tenant), kafka.bootstrapServers(), fsync);
    }

    /** The topic a gateway of the benchmark's config sends {@code tenant}'s telemetry to. */
    static String telemetryTopic(String tenant) {
        return "fog.telemetry." + tenant;
    }

    static String config(Path dataDir, String bootstrap, String fsync) {
        return """
                # Written by the end-to-end benchmark (io.fogbridge.bench.e2e.E2eBench).
                gateway: {id: bench-gw, dataDir: "%s"}
                mqtt:
                  listeners: [{host: 127.0.0.1, port: 0}]
                kafka: {bootstrapServers: "%s"}
                spool: {maxBytes: 4GiB, fsync: "%s", whenFull: block}
                http: {host: 127.0.0.1, port: 0}
                """.formatted(dataDir, bootstrap, fsync);
    }

    int mqttPort() {
        return mqttPort;
    }

    long pid() {
        return process.pid();
    }

    /** One scrape of the Prometheus endpoint; an empty {@link Metrics} if it did not answer. */
    Metrics scrape() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Metrics(response.body());
        } catch (IOException | RuntimeException e) {
            return new Metrics("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Metrics("");
        }
    }

    /** The gateway's meters the benchmark reads, from one Prometheus text exposition. */
    record Metrics(String text) {
        /** Records waiting in the spool (every lane), or -1. */
        long backlog() {
            return (long) sum("fogbridge_spool_records");
        }

        /** Records Kafka acknowledged to the forwarder so far, or -1. */
        long forwarded() {
            return (long) sum("fogbridge_forwarder_acked_total");
        }

        /** Spool fsyncs so far, or -1. */
        long syncs() {
            return (long) sum("fogbridge_spool_syncs_total");
        }

        /** Records appended to the spool so far, or -1. */
        long appended() {
            return (long) sum("fogbridge_spool_appended_total");
        }

        /** Sum of every series of a metric; -1 if it is not there. */
        double sum(String name) {
            double sum = 0;
            boolean found = false;
            for (String line : text.split("\n")) {
                if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    found = true;
                }
            }
            return found ? sum : -1;
        }
    }

    String logTail() {
        return process.tail();
    }

    @Override
    public void close() {
        process.close();
    }
}
