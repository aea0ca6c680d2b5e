package io.fogbridge.mqtt;

import org.junit.jupiter.api.BeforeAll;

/** {@link TlsReloadIT} with devices connecting through the {@link DeviceRelay} ({@code devices.pipelinedAcks}): a renewed server certificate served to new connections by the relay's TLS. */
class TlsReloadRelayIT extends TlsReloadIT {

    @BeforeAll
    static void start() throws Exception {
        start(true);
    }
}
