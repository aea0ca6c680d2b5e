package io.fogbridge.gateway;

import org.junit.jupiter.api.BeforeAll;

/**
 * {@link UplinkIT} with {@code devices.pipelinedAcks: true}: telemetry, wills, retained and local delivery through the
 * gateway's device relay (decision 0001).
 */
class UplinkRelayIT extends UplinkIT {

    @BeforeAll
    static void start() throws Exception {
        start(true);
    }
}
