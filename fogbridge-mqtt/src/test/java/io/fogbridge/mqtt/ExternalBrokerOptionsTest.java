package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalBrokerOptionsTest {

    @TempDir
    Path dir;

    @Test
    void tlsUriDefaultsToPort8883AndTheJvmTrustStore() {
        ExternalBrokerOptions options = options("ssl://broker.site").build();
        assertThat(options.port()).isEqualTo(8883);
        assertThat(options.tls()).isEqualTo(ExternalBrokerTls.DEFAULT);
        assertThat(options("mqtts://broker.site:9883").build().port()).isEqualTo(9883);
        assertThat(options("tcp://broker.site").build().tls()).isNull();
        assertThat(options("tcp://broker.site").build().port()).isEqualTo(1883);
    }

    @Test
    void tlsSettingsWithAPlainUriAreRefused() {
        assertThatThrownBy(() -> options("tcp://broker.site")
                        .tls(new ExternalBrokerTls(dir.resolve("ca.pem"), null, null, true))
                        .build())
                .hasMessageContaining("need an ssl:// uri");
    }

    @Test
    void certificateWithoutKeyIsRefused() {
        assertThatThrownBy(() -> new ExternalBrokerTls(null, dir.resolve("c.pem"), null, true))
                .hasMessageContaining("mqtt.external.certFile and mqtt.external.keyFile go together");
    }

    @Test
    void unusableCaFileNamesTheKey() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
        assertThatThrownBy(() -> new ExternalBrokerTls(notPem, null, null, true).sslConfig())
                .hasMessageStartingWith("mqtt.external.caFile: cannot use " + notPem);
        assertThatThrownBy(() -> new ExternalBrokerTls(null, notPem, notPem, true).sslConfig())
                .hasMessageStartingWith("mqtt.external.certFile/keyFile: cannot use");
    }

    private static ExternalBrokerOptions.Builder options(String uri) {
        return ExternalBrokerOptions.builder(URI.create(uri), "edge-1").filters(List.of("telemetry/#"));
    }
}
