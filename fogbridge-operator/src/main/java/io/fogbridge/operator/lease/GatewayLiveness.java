package io.fogbridge.operator.lease;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Whether the gateway beside the lease container serves: its {@code /healthz} on the pod's loopback answers 200
 * within a second. The same question the kubelet's liveness probe asks, asked more often: a pod whose gateway is
 * down or restarting must not keep devices away from a standby that serves. Not {@code /readyz}: a gateway that
 * cannot reach Kafka still takes devices in and spools, which is better than no gateway. Thread-safe.
 */
final class GatewayLiveness implements BooleanSupplier {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final URI healthz;

    GatewayLiveness(URI healthz) {
        this.healthz = healthz;
    }

    @Override
    public boolean getAsBoolean() {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(healthz).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
