package io.fogbridge.gateway.fault;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A gateway's {@code /metrics} (Prometheus text), fetched over real HTTP; each test parses what it needs. */
public final class OpsMetrics {
    private static final Duration WAIT = Duration.ofSeconds(30); // as Readyz: what it says, not how fast
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(WAIT)
            .build();

    private OpsMetrics() {}

    public static String fetch(int httpPort) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                .timeout(WAIT)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
