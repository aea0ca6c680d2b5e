package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.testkit.MosquittoBroker;
import io.fogbridge.testkit.TestEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** mosquitto_pub as a peer of the bridge ITs: one QoS 1 message to a mosquitto on 127.0.0.1. */
final class MosquittoPub {

    private MosquittoPub() {}

    /**
     * Publishes {@code message} and asserts that mosquitto_pub exited 0; on failure the description carries its output
     * and the broker's log.
     *
     * @param options extra mosquitto_pub options, such as the TLS files
     */
    static void publish(MosquittoBroker mosquitto, List<String> options, String topic, String message)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(
                TestEnv.peer("mosquitto_pub").toString(), "-h", "127.0.0.1", "-p", String.valueOf(mosquitto.port())));
        command.addAll(options);
        command.addAll(List.of("-q", "1", "-t", topic, "-m", message));
        Process pub = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(pub.waitFor(15, TimeUnit.SECONDS)).isTrue();
        String output = new String(pub.getInputStream().readAllBytes());
        assertThat(pub.exitValue()).as(() -> output + logOf(mosquitto)).isZero();
    }

    private static String logOf(MosquittoBroker mosquitto) {
        try {
            return mosquitto.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
