package io.fogbridge.gateway.fault;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A well-behaved HTTP device: {@code POST /telemetry/<tenant>/<device>} with {@code QoS-Level: 1} (anonymous, as the
 * adapter allows on loopback); a 202 means durable.
 */
public final class HttpDevice extends PacedDevice {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    public HttpDevice(String tenant, String device, int port, Duration period) {
        super(device, period);
        this.uri = URI.create("http://127.0.0.1:" + port + "/telemetry/" + tenant + "/" + device);
    }

    @Override
    protected String send(long seq, byte[] payload) throws Exception {
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(20))
                        .header("QoS-Level", "1")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 202 ? null : "HTTP " + response.statusCode() + " " + response.body();
    }
}
