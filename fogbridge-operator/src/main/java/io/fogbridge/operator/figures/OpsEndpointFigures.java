package io.fogbridge.operator.figures;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fogbridge.operator.model.GatewayPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads a gateway's figures from its {@code /metrics} on the ops port, at the pod's IP: the operator polls, the gateway
 * needs no API credentials and stays unaware of Kubernetes. The Gateway's NetworkPolicy admits the operator's pods on
 * the ops port. Two-second timeouts, so an unreachable pod delays one reconcile by at most that.
 */
public final class OpsEndpointFigures implements FigureSource {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Function<Pod, URI> metricsAddress;

    /** At the pod's IP, port {@value GatewayPorts#OPS}. */
    public OpsEndpointFigures() {
        this(pod -> pod.getStatus() == null || pod.getStatus().getPodIP() == null
                ? null
                : URI.create("http://" + pod.getStatus().getPodIP() + ":" + GatewayPorts.OPS + "/metrics"));
    }

    /** @param metricsAddress where a pod's metrics are; null when it has none yet (tests point it at a process) */
    public OpsEndpointFigures(Function<Pod, URI> metricsAddress) {
        this.metricsAddress = metricsAddress;
    }

    @Override
    public Optional<GatewayFigures> read(KubernetesClient client, String namespace, String podName) {
        Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
        URI address = pod == null ? null : metricsAddress.apply(pod);
        if (address == null) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(address).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(GatewayFigures.fromMetrics(response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
