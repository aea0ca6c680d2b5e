package io.fogbridge.localkafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class BrokerLayoutTest {

    @Test
    void thePortsItPicksAreFreeAndBelowTheEphemeralRange() throws Exception {
        int below = BrokerLayout.ephemeralLow();
        for (int i = 0; i < 20; i++) {
            int port = BrokerLayout.freePort();
            if (below > 21_000) { // room below the range: no outgoing connection can hold the port
                assertThat(port).isBetween(20_000, below - 1);
            }
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
