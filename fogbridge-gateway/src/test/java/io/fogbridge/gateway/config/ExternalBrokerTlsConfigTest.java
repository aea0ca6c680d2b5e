package io.fogbridge.gateway.config;

import static io.fogbridge.gateway.config.ConfigLoaderTest.load;
import static io.fogbridge.gateway.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mqtt.external} over TLS: what the keys become, and each mistake named with its key and line. */
class ExternalBrokerTlsConfigTest {

    @TempDir
    Path dir;

    Path ca;
    Path cert;
    Path key;

    @BeforeEach
    void files() throws Exception {
        ca = Files.writeString(dir.resolve("ca.pem"), "pem");
        cert = Files.writeString(dir.resolve("gw.crt"), "pem");
        key = Files.writeString(dir.resolve("gw.key"), "pem");
    }

    @Test
    void sslUriWithCaClientCertificateAndPasswordFile() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("password"), "s3cret\n");
        GatewayConfig config = load("""
                kafka: {bootstrapServers: k:9092}
                mqtt:
                  external:
                    uri: mqtts://mosquitto.site
                    caFile: %s
                    certFile: %s
                    keyFile: %s
                    username: fog
                    passwordFile: %s
                """.formatted(ca, cert, key, passwordFile));
        ExternalBroker external = config.mqtt().external();
        assertThat(external.uri()).isEqualTo("ssl://mosquitto.site:8883");
        assertThat(external.tls()).isTrue();
        assertThat(external.port()).isEqualTo(8883);
        assertThat(external.caFile()).isEqualTo(ca);
        assertThat(external.certFile()).isEqualTo(cert);
        assertThat(external.keyFile()).isEqualTo(key);
        assertThat(external.verifyHostname()).isTrue();
        assertThat(external.password()).isEqualTo("s3cret");
        assertThat(external.toString()).doesNotContain("s3cret");
    }

    @Test
    void bareSslUriTrustsTheJvmAndHostnameVerificationCanBeTurnedOff() throws Exception {
        ExternalBroker external = load("""
                        kafka: {bootstrapServers: k:9092}
                        mqtt: {external: {uri: "ssl://10.0.0.5:18883", verifyHostname: false}}
                        """).mqtt().external();
        assertThat(external.uri()).isEqualTo("ssl://10.0.0.5:18883");
        assertThat(external.caFile()).isNull();
        assertThat(external.verifyHostname()).isFalse();
    }

    @Test
    void missingFilesAreNamedWithKeyAndLine() {
        assertThat(problems("""
                        kafka: {bootstrapServers: k:9092}
                        mqtt:
                          external:
                            uri: ssl://mosquitto
                            caFile: %s
                            certFile: %s
                            keyFile: %s
                        """.formatted(dir.resolve("nope.pem"), cert, dir)))
                .containsExactly(
                        "config.yaml:5: mqtt.external.caFile: cannot read " + dir.resolve("nope.pem")
                                + ": no such file",
                        "config.yaml:7: mqtt.external.keyFile: cannot read " + dir + ": not a readable file");
    }

    @Test
    void certificateWithoutKeyIsRefused() {
        assertThat(problems("""
                        kafka: {bootstrapServers: k:9092}
                        mqtt:
                          external:
                            uri: ssl://mosquitto
                            certFile: %s
                        """.formatted(cert)))
                .containsExactly("config.yaml:5: mqtt.external.certFile: needs mqtt.external.keyFile (the"
                        + " certificate's private key)");
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nmqtt: {external: {uri: ssl://m, keyFile: %s}}\n"
                        .formatted(key)))
                .containsExactly("config.yaml:2: mqtt.external.keyFile: needs mqtt.external.certFile (the"
                        + " certificate it belongs to)");
    }

    @Test
    void tlsOptionsWithAPlainUriAreRefused() {
        assertThat(problems("""
                        kafka: {bootstrapServers: k:9092}
                        mqtt:
                          external:
                            uri: tcp://mosquitto
                            caFile: %s
                            verifyHostname: false
                        """.formatted(ca)))
                .containsExactly(
                        "config.yaml:5: mqtt.external.caFile: is a TLS option, but mqtt.external.uri is"
                                + " 'tcp://mosquitto:1883': use ssl://host:port for TLS",
                        "config.yaml:6: mqtt.external.verifyHostname: is a TLS option, but mqtt.external.uri is"
                                + " 'tcp://mosquitto:1883': use ssl://host:port for TLS");
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nmqtt: {external: {caFile: %s}}\n".formatted(ca)))
                .containsExactly("config.yaml:2: mqtt.external.caFile: has no effect without mqtt.external.uri");
    }

    @Test
    void passwordAndPasswordFileTogetherAreRefused() throws Exception {
        Path passwordFile = Files.writeString(dir.resolve("password"), "x");
        assertThat(problems(
                        "kafka: {bootstrapServers: k:9092}\nmqtt: {external: {uri: tcp://m}}\n",
                        Map.of(
                                "FOGBRIDGE_MQTT_EXTERNAL_PASSWORD",
                                "a",
                                "FOGBRIDGE_MQTT_EXTERNAL_PASSWORDFILE",
                                passwordFile.toString())))
                .singleElement()
                .asString()
                .contains("FOGBRIDGE_MQTT_EXTERNAL_PASSWORDFILE")
                .contains("give mqtt.external.password or mqtt.external.passwordFile, not both");
    }
}
