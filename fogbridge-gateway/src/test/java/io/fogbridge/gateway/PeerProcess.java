package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** How the gateway ITs wait for a peer binary they ran ({@code kcat}, {@code mosquitto_pub}) to do its job. */
final class PeerProcess {

    private PeerProcess() {}

    /**
     * Asserts that {@code process} exits within {@code timeout} and with code 0; a failure shows what it printed
     * (start it with {@code redirectErrorStream(true)} to see its errors too).
     */
    static void awaitSuccess(Process process, Duration timeout) throws InterruptedException, IOException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(process.exitValue())
                .as(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isZero();
    }
}
