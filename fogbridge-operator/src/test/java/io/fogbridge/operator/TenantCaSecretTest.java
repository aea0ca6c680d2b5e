package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fogbridge.certs.CertificateFactory;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.TenantSpec;
import io.fogbridge.operator.figures.OpsEndpointFigures;
import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.javaoperatorsdk.operator.Operator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant CA Secrets are watched and served from the operator's cache: a renewed CA reaches the Gateway's rendered
 * registry Secret within seconds, although the reconciler's own round is 10 minutes here, and without the operator
 * reading the CA Secret from the API server (the mock server's requests are counted).
 */
class TenantCaSecretTest {

    private static final String NS = "plant-1";
    private static KubernetesMockServer server;
    private static KubernetesClient client;
    private static Operator operator;

    @BeforeAll
    static void startOperator() {
        server = OperatorFixture.mockServer();
        client = server.createClient();
        // a 10-minute round: a renewed CA must come through the Secret informer, not the round
        operator = OperatorFixture.startWith(
                client,
                new GatewayReconciler(
                        new OperatorDefaults("fogbridge-gateway:test", "fogbridge-edge-critical"),
                        Clock.systemUTC(),
                        new OpsEndpointFigures(),
                        Duration.ofMinutes(10)));
    }

    @AfterAll
    static void stopOperator() {
        operator.stop();
        client.close();
        server.destroy();
    }

    @Test
    void aRenewedTenantCaReachesTheRegistryWithinSecondsWithoutBeingRead() throws Exception {
        String first = CertificateFactory.ca("CN=Acme CA").certificatePem();
        String renewed = CertificateFactory.ca("CN=Acme CA 2").certificatePem();
        Secret stored = client.resource(caSecret(first)).create();
        Gateway gateway = Gateways.lathe(NS, "lathe");
        TenantSpec acme = new TenantSpec();
        acme.name = "acme";
        acme.trustedCa = new DeviceCredentials.SecretKeyRef("acme-ca", "ca.crt");
        gateway.getSpec().tenants = List.of(acme);
        client.resource(gateway).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> renderedCa("lathe"), first::equals);
        drainRequests();

        long changed = System.nanoTime();
        Secret update = caSecret(renewed);
        // With the stored resource version the client sends one PUT and reads nothing first.
        update.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
        client.resource(update).update();
        await().atMost(Duration.ofSeconds(20)).until(() -> renderedCa("lathe"), renewed::equals);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - changed);
        System.out.printf("renewed tenant CA rendered %d ms after the Secret changed%n", millis);

        List<String> requests = drainRequests();
        assertThat(requests)
                .as("the reconcile that rendered it (its registry Secret written)")
                .anyMatch(r -> r.startsWith("PUT ") && r.contains("/secrets/lathe-devices"));
        assertThat(requests)
                .as("the CA Secret comes from the informer's cache: the test's own update is the only request for it")
                .filteredOn(r -> r.contains("/secrets/acme-ca"))
                .allMatch(r -> r.startsWith("PUT "));
    }

    private static Secret caSecret(String pem) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName("acme-ca")
                .withNamespace(NS)
                .endMetadata()
                .withType("Opaque")
                .withData(Map.of("ca.crt", Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    private static String renderedCa(String gateway) {
        Secret registry =
                client.secrets().inNamespace(NS).withName(gateway + "-devices").get();
        if (registry == null) {
            return null;
        }
        String file = "ca-acme.pem";
        if (registry.getStringData() != null && registry.getStringData().containsKey(file)) {
            return registry.getStringData().get(file);
        }
        return registry.getData() == null || !registry.getData().containsKey(file)
                ? null
                : new String(Base64.getDecoder().decode(registry.getData().get(file)), StandardCharsets.UTF_8);
    }

    /** Requests that reached the mock since the last call, as "METHOD path". */
    private static List<String> drainRequests() throws InterruptedException {
        List<String> seen = new ArrayList<>();
        var request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        while (request != null) {
            seen.add(request.getMethod() + " " + request.getPath());
            request = server.takeRequest(10, TimeUnit.MILLISECONDS);
        }
        return seen;
    }
}
