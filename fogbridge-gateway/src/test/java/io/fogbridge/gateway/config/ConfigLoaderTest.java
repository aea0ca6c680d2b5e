package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fogbridge.api.Lane;
import io.fogbridge.api.QoS;
import io.fogbridge.spool.FsyncPolicy;
import io.fogbridge.spool.FullPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    private static final String FULL = """
            gateway:
              id: edge-7
              dataDir: /var/lib/fogbridge
              labels: {site: plant-1, location: hall-3}
            mqtt:
              listeners:
                - {host: 0.0.0.0, port: 1883}
                - host: 127.0.0.1
                  port: 1884
              maxPayload: 64KiB
              ackTimeout: 5s
            kafka:
              bootstrapServers: "10.0.0.1:9092,10.0.0.2:9092"
              properties:
                security.protocol: SSL
                ssl.truststore.location: /etc/fogbridge/ca.p12
                linger.ms: 5
              maxInFlight: 3
            spool:
              maxBytes: 2GiB
              maxAge: 7d
              fsync: interval:5
              whenFull: drop-oldest
              segmentBytes: 32MiB
            http: {host: 0.0.0.0, port: 9090, tokenFile: /run/secrets/fogbridge-http-token}
            routes:
              - {from: "factory/+site/+device/temperature", to: "fog.telemetry.{site}", key: "{device}"}
              - name: alarms
                from: alarms/+site/#
                to: fog.alarms.{site}
                qos: 1
                lane: priority
            """;

    static GatewayConfig load(String yaml) throws ConfigException {
        return ConfigLoader.load("config.yaml", yaml, Map.of());
    }

    static List<String> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    static List<String> problems(String yaml, Map<String, String> env) {
        try {
            ConfigLoader.load("config.yaml", yaml, env);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the config to be refused:\n" + yaml);
    }

    @Test
    void readsAFullFile() throws Exception {
        GatewayConfig config = load(FULL);
        assertThat(config.gateway().id()).isEqualTo("edge-7");
        assertThat(config.gateway().dataDir()).isEqualTo(Path.of("/var/lib/fogbridge"));
        assertThat(config.gateway().labels())
                .containsExactly(Map.entry("site", "plant-1"), Map.entry("location", "hall-3"));
        assertThat(config.mqtt().listeners())
                .containsExactly(new MqttListener("0.0.0.0", 1883), new MqttListener("127.0.0.1", 1884));
        assertThat(config.devices().maxPayload()).isEqualTo(64 * 1024);
        assertThat(config.devices().ackTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.mqtt().externalMode()).isFalse();
        assertThat(config.kafka().bootstrapServers()).isEqualTo("10.0.0.1:9092,10.0.0.2:9092");
        assertThat(config.kafka().properties())
                .containsEntry("security.protocol", "SSL")
                .containsEntry("linger.ms", "5");
        assertThat(config.kafka().maxInFlight()).isEqualTo(3);
        assertThat(config.spool())
                .isEqualTo(new SpoolSettings(
                        2L << 30,
                        Duration.ofDays(7),
                        FsyncPolicy.parse("interval:5"),
                        FullPolicy.DROP_OLDEST,
                        32L << 20));
        assertThat(config.http())
                .isEqualTo(
                        new HttpSettings("0.0.0.0", 9090, null, Path.of("/run/secrets/fogbridge-http-token"), false));
        assertThat(config.routes()).hasSize(2);
        assertThat(config.routes().get(0).name()).isEqualTo("factory/+site/+device/temperature");
        assertThat(config.routes().get(0).key().text()).isEqualTo("{device}");
        assertThat(config.routes().get(0).lane()).isEqualTo(Lane.BULK);
        assertThat(config.routes().get(1).name()).isEqualTo("alarms");
        assertThat(config.routes().get(1).qos()).isEqualTo(QoS.AT_LEAST_ONCE);
        assertThat(config.routes().get(1).lane()).isEqualTo(Lane.PRIORITY);
        assertThat(config.routeTable().routes()).hasSize(5);
        assertThat(config.summary())
                .contains("edge-7", "fog.alarms.{site}", "interval:5")
                .doesNotContain("truststore.location: ");
    }

    @Test
    void issueExampleLoads() throws Exception {
        GatewayConfig config = load("""
                gateway: {id: edge-1, dataDir: /var/lib/fogbridge, labels: {site: plant-1}}
                mqtt:
                  listeners: [{host: 0.0.0.0, port: 1883}]   # embedded broker
                  # external: {uri: tcp://127.0.0.1:1883}    # or an existing broker
                kafka: {bootstrapServers: "127.0.0.1:9092"}
                spool: {maxBytes: 1GiB, fsync: group, whenFull: block}
                http: {host: 127.0.0.1, port: 8080}          # /healthz /readyz /metrics
                routes:
                  - {from: "factory/+site/+device/temperature", to: "fog.telemetry.{site}", key: "{device}"}
                """);
        assertThat(config.spool().maxBytes()).isEqualTo(1L << 30);
        assertThat(config.routes()).hasSize(1);
    }

    @Test
    void kafkaDeliveryIsAtLeastOnceUnlessExactlyOnceIsAskedFor() throws Exception {
        assertThat(load("kafka: {bootstrapServers: 'k:9092'}").kafka().delivery())
                .isEqualTo(io.fogbridge.kafka.Delivery.AT_LEAST_ONCE);
        assertThat(load("kafka: {bootstrapServers: 'k:9092', delivery: exactly-once}")
                        .kafka()
                        .delivery())
                .isEqualTo(io.fogbridge.kafka.Delivery.EXACTLY_ONCE);
    }

    @Test
    void defaultsFillEverythingButKafka() throws Exception {
        GatewayConfig config = load("kafka: {bootstrapServers: 'k:9092'}");
        assertThat(config.gateway().id()).isEqualTo("edge-1");
        assertThat(config.gateway().dataDir()).isEqualTo(Path.of("data"));
        assertThat(config.gateway().labels()).isEmpty();
        assertThat(config.mqtt().listeners()).containsExactly(new MqttListener("0.0.0.0", 1883));
        assertThat(config.devices().maxPayload()).isEqualTo(256 * 1024);
        assertThat(config.devices().ackTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.kafka().maxInFlight()).isEqualTo(5);
        assertThat(config.spool())
                .isEqualTo(
                        new SpoolSettings(1L << 30, Duration.ZERO, FsyncPolicy.group(), FullPolicy.BLOCK, 64L << 20));
        assertThat(config.http()).isEqualTo(new HttpSettings("127.0.0.1", 8080));
        assertThat(config.routes()).isEmpty();
    }

    @Test
    void embeddedDemoDefaultsHaveNoKafkaYet() {
        GatewayConfig defaults = ConfigLoader.defaults();
        assertThat(defaults.kafka().bootstrapServers()).isNull();
        assertThat(defaults.spool().fsync()).isEqualTo(FsyncPolicy.group());
        assertThat(defaults.withKafka(defaults.kafka().withBootstrapServers("127.0.0.1:39092"))
                        .kafka()
                        .bootstrapServers())
                .isEqualTo("127.0.0.1:39092");
    }

    @Test
    void kafkaIsRequired() {
        assertThat(problems("gateway: {id: edge-1}\n"))
                .containsExactly("config.yaml: kafka.bootstrapServers: required; set it in the file or with"
                        + " FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS");
        assertThat(problems("")).hasSize(1);
    }

    @Test
    void badValueNamesFileLineAndKey() {
        assertThat(problems("""
                kafka:
                  bootstrapServers: k:9092
                spool:
                  fsync: sometimes
                """))
                .containsExactly("config.yaml:4: spool.fsync: expected 'group' or 'interval:<ms>', got 'sometimes'");
    }

    @Test
    void reportsEveryProblemAtOnceInLineOrder() {
        List<String> problems = problems("""
                gateway:
                  id: "bad id"
                mqtt:
                  maxPayload: lots
                spool:
                  fsync: sometimes
                  whenFull: explode
                http:
                  port: 99999
                """);
        assertThat(problems)
                .containsExactly(
                        "config.yaml:2: gateway.id: expected letters, digits, '.', '_' or '-' (up to 64, starting with a letter"
                                + " or digit), got 'bad id'",
                        "config.yaml:4: mqtt.maxPayload: expected a size such as 1000, 64KiB, 256MiB or 1GiB, got 'lots'",
                        "config.yaml:6: spool.fsync: expected 'group' or 'interval:<ms>', got 'sometimes'",
                        "config.yaml:7: spool.whenFull: expected one of block, drop-oldest, drop-newest, got 'explode'",
                        "config.yaml:9: http.port: expected a port 0-65535 (0 = any free port), got '99999'",
                        "config.yaml: kafka.bootstrapServers: required; set it in the file or with"
                                + " FOGBRIDGE_KAFKA_BOOTSTRAPSERVERS");
    }

    @Test
    void unknownKeysAreErrorsWithSuggestions() {
        assertThat(problems("""
                kafka:
                  bootstrapServers: k:9092
                  boostrapServers: k:9093
                spool:
                  fsinc: group
                  colour: blue
                kafka.maxPayload: 1KiB
                htpp: {port: 1}
                """))
                .containsExactly(
                        "config.yaml:3: kafka.boostrapServers: unknown key, did you mean 'kafka.bootstrapServers'?",
                        "config.yaml:5: spool.fsinc: unknown key, did you mean 'spool.fsync'?",
                        "config.yaml:6: spool.colour: unknown key",
                        "config.yaml:7: kafka.maxPayload: unknown key, did you mean 'mqtt.maxPayload'?",
                        "config.yaml:8: htpp: unknown key, did you mean 'http'?");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThat(problems("""
                kafka: {bootstrapServers: k:9092}
                spool:
                  fsync: group
                  fsync: interval:5
                """)).containsExactly("config.yaml:4: spool.fsync: duplicate key (first set on line 3)");
        assertThat(problems("""
                kafka: {bootstrapServers: k:9092}
                routes:
                  - {from: a, to: fog.a, to: fog.b}
                """)).containsExactly("config.yaml:3: routes[0].to: duplicate key (first set on line 3)");
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() {
        assertThatThrownBy(() -> load("""
                kafka:
                  bootstrapServers: k:9092
                spool:
                  fsync: [group
                http:
                  port: 1
                """)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.problems()).hasSize(1);
            assertThat(e.problems().getFirst()).matches("config\\.yaml:[456]: YAML syntax error: .+");
        });
        assertThatThrownBy(() -> load("kafka:\n  bootstrapServers: k:9092\n bad: indentation: here\n"))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems().getFirst()).startsWith("config.yaml:3: YAML syntax error: "));
    }

    @Test
    void sectionThatIsNotAMapping() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nspool: 5\n"))
                .containsExactly("config.yaml:2: spool: expected a mapping of maxBytes, maxAge, fsync, whenFull,"
                        + " segmentBytes, groupCommitDelay, got '5'");
    }

    @Test
    void externalBrokerMode() throws Exception {
        GatewayConfig config = load("""
                gateway: {id: edge-3}
                kafka: {bootstrapServers: k:9092}
                mqtt:
                  external: {uri: tcp://mosquitto, username: fog, password: s3cret}
                """);
        ExternalBroker external = config.mqtt().external();
        assertThat(external.uri()).isEqualTo("tcp://mosquitto:1883");
        assertThat(external.host()).isEqualTo("mosquitto");
        assertThat(external.port()).isEqualTo(1883);
        assertThat(external.clientId()).isEqualTo("fogbridge-edge-3");
        assertThat(external.sharedGroup()).isEqualTo("fogbridge");
        assertThat(external.password()).isEqualTo("s3cret");
        assertThat(external.toString()).doesNotContain("s3cret");
        assertThat(config.summary()).doesNotContain("s3cret");
    }

    @Test
    void externalSettingsWithoutUriAreErrors() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nmqtt:\n  external:\n    clientId: gw\n"))
                .containsExactly("config.yaml:4: mqtt.external.clientId: has no effect without mqtt.external.uri");
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nmqtt: {external: {uri: 'http://x:1'}}\n"))
                .containsExactly("config.yaml:2: mqtt.external.uri: expected tcp://host:port or ssl://host:port such"
                        + " as tcp://127.0.0.1:1883, got 'http://x:1'");
    }

    @Test
    void labelsMayNotTakeContractHeaderNames() {
        assertThat(problems("""
                kafka: {bootstrapServers: k:9092}
                gateway:
                  labels:
                    site: plant-1
                    device_id: x
                    fog-seq: y
                    "bad label": z
                """))
                .containsExactly(
                        "config.yaml:5: gateway.labels.device_id: collides with the contract header 'device_id';"
                                + " choose another label name",
                        "config.yaml:6: gateway.labels.fog-seq: collides with the contract header 'fog-seq'; choose"
                                + " another label name",
                        "config.yaml:7: gateway.labels.bad label: label names use letters, digits, '.', '_' and '-'");
    }

    @Test
    void kafkaPropertiesMayNotWeakenTheGuarantee() {
        assertThat(problems("""
                kafka:
                  bootstrapServers: k:9092
                  properties:
                    acks: "1"
                    bootstrap.servers: other:9092
                    security.protocol: SSL
                """))
                .containsExactly(
                        "config.yaml:4: kafka.properties.acks: is set by the gateway (idempotent producer, acks=all)"
                                + " and cannot be changed",
                        "config.yaml:5: kafka.properties.bootstrap.servers: set kafka.bootstrapServers instead");
    }

    @Test
    void spoolMustHoldASegment() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nspool: {maxBytes: 16MiB, segmentBytes: 64MiB}\n"))
                .containsExactly("config.yaml:2: spool.maxBytes: spool.maxBytes (16MiB) must be at least twice"
                        + " spool.segmentBytes (64MiB)");
    }

    @Test
    void groupCommitDelayIsBoundedAndZeroTurnsTheHoldOff() throws Exception {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nspool: {groupCommitDelay: 250ms}\n"))
                .containsExactly("config.yaml:2: spool.groupCommitDelay: at most 100 ms: it is added to every"
                        + " acknowledgement at moderate loads");
        assertThat(load("kafka: {bootstrapServers: k:9092}\nspool: {groupCommitDelay: 0ms}\n")
                        .spool()
                        .groupCommitDelay())
                .isZero();
        assertThat(load("kafka: {bootstrapServers: k:9092}\n").spool().groupCommitDelay())
                .isEqualTo(Duration.ofMillis(8));
    }

    @Test
    void aCommandPayloadMustFitThePendingBytes() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\ncommands: {maxPendingBytes: 1MiB, maxPayload: 2MiB}\n"))
                .containsExactly("config.yaml:2: commands.maxPayload: commands.maxPayload (2MiB) must be at most"
                        + " commands.maxPendingBytes (1MiB)");
    }

    @Test
    void listenersAreChecked() {
        assertThat(problems("""
                kafka: {bootstrapServers: k:9092}
                mqtt:
                  listeners:
                    - {host: 0.0.0.0, port: 1883}
                    - {host: 0.0.0.0, prot: 1884}
                    - {host: 0.0.0.0, port: 1883}
                """))
                .containsExactly(
                        "config.yaml:5: mqtt.listeners[1].prot: unknown key, did you mean 'port'?",
                        "config.yaml:5: mqtt.listeners[1].port: required");
        assertThat(problems("""
                kafka: {bootstrapServers: k:9092}
                mqtt:
                  listeners:
                    - {host: 0.0.0.0, port: 1883}
                    - {host: 0.0.0.0, port: 1883}
                """))
                .containsExactly("config.yaml:5: mqtt.listeners[1]: listener 0.0.0.0:1883 is listed twice");
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nmqtt: {listeners: {host: x}}\n"))
                .containsExactly(
                        "config.yaml:2: mqtt.listeners: expected a list (list of {host, port}), got a mapping");
    }

    @Test
    void readsFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "kafka:\n  bootstrapServers: k:9092\nspool:\n  fsync: sometimes\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .containsExactly(
                                file + ":4: spool.fsync: expected 'group' or 'interval:<ms>', got 'sometimes'"));
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
                .isInstanceOfSatisfying(
                        ConfigException.class,
                        e -> assertThat(e.problems().getFirst()).contains("missing.yaml: cannot read"));
    }
}
