package io.fogbridge.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real HTTP server on loopback: the token guards /readyz and /metrics, /healthz stays open. */
class OpsServerTest {

    private static final String TOKEN = "0ps-t0ken-for-the-test-1234";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();
    private OpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private OpsServer start(BearerToken token) throws Exception {
        registry.counter("fogbridge.test.requests").increment();
        server = new OpsServer("127.0.0.1", 0, registry, token)
                .addCheck("kafka", () -> ReadinessCheck.Status.degraded("not connected: SSL handshake failed"));
        server.start();
        return server;
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withTokenReadyzAndMetricsNeedIt() throws Exception {
        start(BearerToken.of(TOKEN));

        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        for (String path : new String[] {"/readyz", "/metrics"}) {
            for (String wrong : new String[] {
                null, "Bearer", "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1), "Basic " + TOKEN, TOKEN
            }) {
                HttpResponse<String> refused = get(path, wrong);
                assertThat(refused.statusCode()).as(path + " with " + wrong).isEqualTo(401);
                assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"fogbridge\"");
                assertThat(refused.body()).doesNotContain("kafka", "fogbridge_test");
            }
        }
        HttpResponse<String> ready = get("/readyz", "Bearer " + TOKEN);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("[WARN] kafka: not connected: SSL handshake failed");
        assertThat(get("/metrics", "bearer " + TOKEN).body()).contains("fogbridge_test_requests_total 1.0");
        assertThat(server.tokenRequired()).isTrue();
    }

    @Test
    void withoutTokenEverythingIsOpen() throws Exception {
        start(null);
        assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
        assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
        assertThat(server.tokenRequired()).isFalse();
    }

    @Test
    void tokenRulesNameTheProblemNotTheToken() {
        assertThat(BearerToken.problem("short")).contains("at least 16");
        assertThat(BearerToken.problem("a token with spaces in it")).contains("may contain only");
        assertThat(BearerToken.problem("YWJjZGVmZ2hpamtsbW5vcA==")).isNull();
        assertThat(BearerToken.of(TOKEN)).hasToString("BearerToken[****]");
    }
}
