package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerWorkDirTest {

    @TempDir
    Path root;

    @Test
    void writesListenersPacketLimitInMemoryPersistenceAndNoStatistics() throws Exception {
        new BrokerWorkDir(root)
                .prepare(List.of(new ListenerAddress("0.0.0.0", 1883), new ListenerAddress("127.0.0.1", 1884)), 1000);

        String xml = Files.readString(root.resolve("conf/config.xml"));
        assertThat(xml)
                .contains("<port>1883</port>", "<bind-address>0.0.0.0</bind-address>")
                .contains("<port>1884</port>", "<bind-address>127.0.0.1</bind-address>")
                .contains("<max-packet-size>" + (1000 + BrokerWorkDir.HEADER_ROOM) + "</max-packet-size>")
                .contains("<mode>in-memory</mode>")
                .containsPattern("<anonymous-usage-statistics>\\s*<enabled>false</enabled>");
        assertThat(root.resolve("data")).isDirectory();
        assertThat(root.resolve("extensions")).isEmptyDirectory();
    }

    @Test
    void behindTheRelayTheBrokerHasOneLoopbackListenerNamedApartAndAWideReceiveMaximum() throws Exception {
        new BrokerWorkDir(root).prepareBehindRelay(new ListenerAddress("127.0.0.1", 41883), 1000);

        String xml = Files.readString(root.resolve("conf/config.xml"));
        assertThat(xml)
                .contains("<port>41883</port>", "<bind-address>127.0.0.1</bind-address>")
                .contains("<name>" + BrokerWorkDir.RELAY_LISTENER + "</name>")
                .doesNotContain("<name>" + BrokerWorkDir.listenerName(0) + "</name>")
                .contains("<server-receive-maximum>64</server-receive-maximum>")
                .contains("<max-packet-size>" + (1000 + BrokerWorkDir.HEADER_ROOM) + "</max-packet-size>");
    }

    @Test
    void optionsRefuseWhatCannotWork() {
        assertThatThrownBy(() ->
                        EmbeddedBrokerOptions.builder(root).listeners(List.of()).build())
                .hasMessageContaining("mqtt.listeners");
        assertThatThrownBy(() ->
                        EmbeddedBrokerOptions.builder(root).maxPayloadBytes(0).build())
                .hasMessageContaining("mqtt.maxPayload");
        assertThatThrownBy(() -> EmbeddedBrokerOptions.builder(root)
                        .ackTimeout(Duration.ofMillis(10))
                        .build())
                .hasMessageContaining("mqtt.ackTimeout");
        assertThatThrownBy(() -> ListenerTls.pem(root.resolve("c.pem"), null, null, null))
                .hasMessageContaining("certFile and keyFile");
        assertThatThrownBy(() -> ListenerTls.pem(
                        root.resolve("c.pem"), root.resolve("k.pem"), null, ListenerTls.ClientAuth.REQUIRED))
                .hasMessageContaining("clientCaFile");
        assertThat(new ListenerAddress("127.0.0.1", 1).anonymousAllowed()).isTrue();
        assertThat(new ListenerAddress("0.0.0.0", 1).anonymousAllowed()).isFalse();
        assertThat(new ListenerAddress("0.0.0.0", 1, null, true).anonymousAllowed())
                .isTrue();
        assertThatThrownBy(() -> new ListenerAddress("h", 70000)).hasMessageContaining("70000");
        assertThat(EmbeddedBrokerOptions.builder(root).build().maxPayloadBytes())
                .isEqualTo(256 * 1024);
    }
}
