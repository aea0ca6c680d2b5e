package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start and stop leave nothing behind: no listener, no non-daemon thread that would keep the JVM alive. */
class EmbeddedMqttBrokerLifecycleIT {

    @TempDir
    Path workDir;

    @Test
    void startsOnAFreePortAndStopsWithoutLeavingThreads() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        EmbeddedMqttBroker broker = new EmbeddedMqttBroker(
                EmbeddedBrokerOptions.builder(workDir).listener("127.0.0.1", 0).build(), null);
        assertThat(broker.ready()).isFalse();

        broker.start(new ControllableUplink());

        assertThat(broker.ready()).isTrue();
        int port = broker.port();
        assertThat(port).isPositive();
        assertThat(broker.boundListeners()).containsExactly(new ListenerAddress("127.0.0.1", port));
        assertThat(accepts(port)).isTrue();
        String config = Files.readString(workDir.resolve("conf/config.xml"));
        assertThat(config).contains("<port>" + port + "</port>", "<mode>in-memory</mode>");

        broker.close();

        assertThat(broker.ready()).isFalse();
        assertThat(accepts(port)).isFalse();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nonDaemonThreads())
                .as("non-daemon threads left after close")
                .isSubsetOf(before));
        broker.close(); // idempotent
    }

    @Test
    void failsToStartOnAPortInUseAndCleansUp() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            EmbeddedMqttBroker broker = new EmbeddedMqttBroker(
                    EmbeddedBrokerOptions.builder(workDir)
                            .listener("127.0.0.1", taken.getLocalPort())
                            .build(),
                    null);

            assertThatThrownBy(() -> broker.start(new ControllableUplink()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
            assertThat(broker.ready()).isFalse();
            broker.close();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(nonDaemonThreads())
                .as("non-daemon threads left after a failed start")
                .isSubsetOf(before));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isDaemon() && t.isAlive() && !t.getName().startsWith("awaitility"))
                .collect(Collectors.toSet());
    }
}
