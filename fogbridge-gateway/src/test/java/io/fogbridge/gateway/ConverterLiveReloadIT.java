package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.testkit.KcatConsumer;
import io.fogbridge.testkit.PymodbusPeer;
import io.fogbridge.testkit.TestEnv;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changed {@code adapters.modbus} section applied by the running gateway: the config file is replaced as the
 * kubelet replaces a mounted ConfigMap (a new file moved over the old one) with a new tag and a shorter poll interval;
 * the gateway (started as {@code fogbridge run} starts it, with {@link LiveConfig}) restarts only the Modbus converter,
 * whose next records carry the new tag, while an MQTT device connected throughout keeps its session and its data
 * flows. The converter's gauge reads the new converter, and {@code /readyz} follows it. A scheduled scan
 * ({@code discovery}) added to the file then runs, and removed, stops, with no restart either.
 */
class ConverterLiveReloadIT {

    private static final String CONFIG = """
            gateway: {id: edge-live, dataDir: "%s"}
            mqtt: {listeners: [{host: 127.0.0.1, port: %d}]}
            kafka: {bootstrapServers: "%s"}
            http: {host: 127.0.0.1, port: 0}
            adapters:
              modbus:
                enabled: true
                devices:
                  - id: lathe-3
                    tenant: acme
                    host: 127.0.0.1
                    port: %d
                    pollGroups: [{name: fast, interval: %s}]
                    tags:
                      - {name: speed, table: holding-registers, address: 40, scale: 0.1, group: fast}
            %s
            """;
    private static final String SCANS = """
            discovery:
              - {name: plc-scan, protocol: modbus, tenant: acme, target: 127.0.0.1, ports: "%d", timeout: 2s, every: 1s}
            """;
    private static final String RATIO =
            "          - {name: ratio, table: holding-registers, address: 14, type: float32, group: fast}";

    @TempDir
    Path dir;

    @Test
    void aNewTagIsPolledAfterTheFileChangesWhileAnMqttDeviceStaysConnected() throws Exception {
        TestEnv.peer("kcat");
        try (PymodbusPeer plc = PymodbusPeer.start(TestEnv.freePort());
                GatewayFixture fixture = GatewayFixture.start(dir)) {
            int mqttPort = TestEnv.freePort();
            Path file = dir.resolve("gateway.yaml");
            String dataDir = dir.resolve("edge-live").toAbsolutePath().toString();
            String bootstrap = fixture.kafka().bootstrapServers();
            Files.writeString(file, CONFIG.formatted(dataDir, mqttPort, bootstrap, plc.port(), "1s", ""));

            LiveConfig live = LiveConfig.prepare(file, Map.of());
            try (Gateway gateway = Gateway.start(ConfigLoader.load(file, Map.of()));
                    LiveConfig watching = live.start(gateway)) {
                AtomicInteger disconnects = new AtomicInteger();
                Mqtt5BlockingClient device = MqttClient.builder()
                        .useMqttVersion5()
                        .identifier("dev-1")
                        .serverHost("127.0.0.1")
                        .serverPort(mqttPort)
                        .addDisconnectedListener(c -> disconnects.incrementAndGet())
                        .buildBlocking();
                device.connect();
                publish(device, "before");
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> polled(fixture, "\"speed\":100.0"));
                ProtocolAdapter before = gateway.adapter("modbus");

                replace(file, CONFIG.formatted(dataDir, mqttPort, bootstrap, plc.port(), "500ms", RATIO));
                long changed = System.nanoTime();
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> reloads(gateway, "live") == 1);
                System.out.printf(
                        "modbus section applied live %d ms after the file changed%n",
                        Duration.ofNanos(System.nanoTime() - changed).toMillis());

                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> polled(fixture, "\"speed\":100.0,\"ratio\":3.25"));
                ProtocolAdapter after = gateway.adapter("modbus");
                assertThat(after).isNotSameAs(before);
                assertThat(before.ready())
                        .as("the replaced converter is closed")
                        .isFalse();
                assertThat(gateway.deviceAdapters()).containsExactly(after);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    ReadinessCheck.Status modbus = gateway.ops().evaluate().get("modbus");
                    assertThat(modbus.ready()).as(modbus.detail()).isTrue();
                    assertThat(connectedGauge(gateway))
                            .as("the gauge reads the new converter")
                            .isEqualTo(1.0);
                });
                assertThat(gateway.registry()
                                .find("fogbridge.modbus.devices.connected")
                                .gauges())
                        .hasSize(1);

                // the scheduled scans are live too: added, they run; removed, they stop; the device stays connected
                replace(
                        file,
                        CONFIG.formatted(dataDir, mqttPort, bootstrap, plc.port(), "500ms", RATIO)
                                + SCANS.formatted(plc.port()));
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> reloads(gateway, "live") == 2);
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> scans(gateway) >= 2);
                assertThat(gateway.discoveryRounds()).singleElement().satisfies(round -> assertThat(round.found())
                        .hasSize(1));
                replace(file, CONFIG.formatted(dataDir, mqttPort, bootstrap, plc.port(), "500ms", RATIO));
                await().atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> reloads(gateway, "live") == 3);
                double stopped = scans(gateway);
                Thread.sleep(3000); // three of its 1 s periods
                assertThat(scans(gateway)).as("the removed scan runs no more").isEqualTo(stopped);
                assertThat(gateway.discoveryRounds()).isEmpty();

                publish(device, "after");
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> fixture.cloud()
                                        .forDevice("fog.telemetry.acme", "dev-1", "after")
                                        .size()
                                == 1);
                assertThat(disconnects).hasValue(0);
                assertThat(device.getState().isConnected()).isTrue();
                assertThat(reloads(gateway, "restart-needed") + reloads(gateway, "converter-failed"))
                        .isZero();
                device.disconnect();
            }
        }
    }

    /** Whether lathe-3 has a poll record in Kafka with exactly these {@code values}. */
    private static boolean polled(GatewayFixture fixture, String values) {
        List<KcatConsumer.Record> records = fixture.cloud().forDevice("fog.telemetry.acme", "lathe-3", "{\"ts\":");
        return records.stream().anyMatch(r -> r.valueAsString().contains("\"values\":{" + values + "}"));
    }

    /** Writes the new file beside the old one and moves it over in one rename, as the kubelet swaps a ConfigMap. */
    private static void replace(Path file, String yaml) throws Exception {
        Path next = file.resolveSibling(".next-gateway.yaml");
        Files.writeString(next, yaml);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void publish(Mqtt5BlockingClient device, String payload) {
        device.publishWith()
                .topic("telemetry/acme/dev-1")
                .qos(MqttQos.AT_LEAST_ONCE)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .send();
    }

    /** Rounds of the scheduled scan {@code plc-scan}, whatever their result. */
    private static double scans(Gateway gateway) {
        return gateway.registry().find("fogbridge.discovery.scans").tag("scan", "plc-scan").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private static double reloads(Gateway gateway, String result) {
        Counter counter = gateway.registry()
                .find("fogbridge.config.reloads")
                .tag("result", result)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private static double connectedGauge(Gateway gateway) {
        Gauge gauge =
                gateway.registry().find("fogbridge.modbus.devices.connected").gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }
}
