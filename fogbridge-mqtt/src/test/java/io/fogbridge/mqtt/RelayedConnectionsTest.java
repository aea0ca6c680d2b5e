package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RelayedConnectionsTest {

    private final RelayedConnections relayed = new RelayedConnections();

    @Test
    void eachOpenConnectionGetsItsOwnLoopbackAddressAwayFromLocalClients() throws Exception {
        InetAddress device = InetAddress.getByName("192.0.2.7");
        Set<InetAddress> sources = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            InetAddress source =
                    relayed.register(device, "fogbridge-0", List.of()).facts().source();
            assertThat(source.isLoopbackAddress()).isTrue();
            byte[] b = source.getAddress();
            assertThat(b[1]).as("127.0.x.x stays with local clients").isNotZero();
            assertThat(b[3] & 0xff).isNotIn(0, 255);
            sources.add(source);
        }
        assertThat(sources).hasSize(600);
        assertThat(relayed.size()).isEqualTo(600);
    }

    @Test
    void aClosedConnectionIsForgottenWithItsAppends() throws Exception {
        RelayedConnections.Registration registration =
                relayed.register(InetAddress.getByName("192.0.2.7"), "fogbridge-1", List.of());
        registration.appendStarted(7, new java.util.concurrent.CompletableFuture<>());
        assertThat(registration.takeAppend(7)).isNotNull();
        assertThat(registration.takeAppend(7)).as("taken once").isNull();

        registration.close();

        assertThat(relayed.size()).isZero();
    }
}
