package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.mqtt.ListenerAddress;
import io.fogbridge.mqtt.ListenerTls;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecurityConfigTest {

    @Test
    void listenersWithTlsAnonymousAccessRegistryAndRoles() throws Exception {
        GatewayConfig config = ConfigLoaderTest.load("""
                kafka: {bootstrapServers: k:9092}
                mqtt:
                  registry: devices.yaml
                  listeners:
                    - {host: 127.0.0.1, port: 1883}
                    - {host: 0.0.0.0, port: 8883, certFile: s.pem, keyFile: s.key, clientCaFile: ca.pem, clientAuth: required}
                    - {host: 0.0.0.0, port: 1884, anonymous: true}
                  roles:
                    - {name: historian, publish: ["factory/#"], subscribe: ["telemetry/+/+/#"]}
                """);

        assertThat(config.devices().registry()).isEqualTo(Path.of("devices.yaml"));
        assertThat(config.mqtt().roles())
                .containsExactly(new MqttRole("historian", List.of("factory/#"), List.of("telemetry/+/+/#")));
        List<ListenerAddress> listeners = EdgeSecurity.listeners(config.mqtt());
        assertThat(listeners.get(0).anonymousAllowed()).isTrue();
        assertThat(listeners.get(1).anonymousAllowed()).isFalse();
        assertThat(listeners.get(1).tls().clientAuth()).isEqualTo(ListenerTls.ClientAuth.REQUIRED);
        assertThat(listeners.get(1).tls().certFile()).isEqualTo(Path.of("s.pem"));
        assertThat(listeners.get(2).anonymousAllowed()).isTrue();
    }

    @Test
    void tlsMistakesNameTheLine() {
        assertThat(ConfigLoaderTest.problems("""
                        kafka: {bootstrapServers: k:9092}
                        mqtt:
                          listeners:
                            - {host: 0.0.0.0, port: 8883, certFile: s.pem}
                          roles:
                            - {name: r, publish: ["a/#/b"]}
                        """))
                .anySatisfy(p -> assertThat(p).startsWith("config.yaml:4").contains("certFile and keyFile"))
                .anySatisfy(p -> assertThat(p).startsWith("config.yaml:6").contains("'#' must be the last level"));
    }
}
