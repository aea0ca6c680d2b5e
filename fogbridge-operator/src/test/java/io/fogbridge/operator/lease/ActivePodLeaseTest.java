package io.fogbridge.operator.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.Placement;
import io.fogbridge.operator.model.Backup;
import io.fogbridge.operator.model.GatewayModel;
import io.fogbridge.operator.model.OperatorDefaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The active/standby switch of a Gateway with a backup, on fabric8's mock API server in CRUD mode: two lease holders
 * (the lease containers of {@code lathe-0} and {@code lathe-1}), the pods as the StatefulSet would create them and the
 * device Service the operator renders. The mock computes no endpoints, so "the Service follows" is checked as what its
 * selector matches. The lease is 1 s here (15 s in a cluster).
 */
class ActivePodLeaseTest {

    private static final String NS = "plant-1";
    private static final LeaseTiming FAST =
            new LeaseTiming(Duration.ofMillis(1000), Duration.ofMillis(600), Duration.ofMillis(100));

    /** Held: java.util.logging keeps loggers weakly, and the mock server logs every request at INFO. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server = new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    private KubernetesClient client;
    private final List<ActivePodLease> holders = new ArrayList<>();
    private Service service;

    @BeforeEach
    void start() throws Exception {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
        server.init();
        client = server.createClient();
        Gateway gateway = Gateways.lathe(NS, "lathe");
        gateway.getSpec().placement = new Placement();
        gateway.getSpec().placement.backup = true;
        GatewayModel model = GatewayModel.from(gateway, new OperatorDefaults("gw:test", "edge-critical"));
        service = client.resource(model.generateService()).create();
        Map<String, String> podLabels = statefulSetPodLabels(model);
        for (String name : Backup.of(gateway).podNames()) {
            client.resource(new PodBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(NS)
                            .withLabels(podLabels)
                            .endMetadata()
                            .build())
                    .create();
        }
    }

    @AfterEach
    void stop() {
        holders.forEach(ActivePodLease::halt);
        client.close();
        server.destroy();
    }

    @Test
    void whenTheActivePodStopsRenewingTheStandbyTakesTheLeaseAndTheServiceFollowsIt() {
        ActivePodLease first = holder("lathe-0");
        await().atMost(Duration.ofSeconds(15)).until(() -> selected().equals(List.of("lathe-0")));
        ActivePodLease second = holder("lathe-1");
        // The standby does not take over while the active pod renews.
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(6)).until(() -> selected()
                .equals(List.of("lathe-0")));
        assertThat(second.active()).isFalse();

        // The node of lathe-0 dies: its lease container neither renews nor unlabels.
        long killed = System.nanoTime();
        first.halt();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> selected().equals(List.of("lathe-1")));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("takeover after the active pod died: %d ms (lease %d ms)%n", takeover.toMillis(), 1000);
        assertThat(second.active()).isTrue();
        // Bounded by the lease duration, a retry period and the two patches; generous, as this machine is shared
        // (1.6 s quiet, 3.9 s under load).
        assertThat(takeover).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void aCleanStopHandsOverWithoutWaitingForTheLeaseToRunOut() {
        // A 15 s lease: a hand-over that waited for it to run out would take longer than the bound below.
        LeaseTiming slow = new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMillis(100));
        ActivePodLease first = holder("lathe-0", slow);
        await().atMost(Duration.ofSeconds(15)).until(() -> selected().equals(List.of("lathe-0")));
        holder("lathe-1", slow);
        long stopped = System.nanoTime();
        first.close();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> selected().equals(List.of("lathe-1")));
        Duration handover = Duration.ofNanos(System.nanoTime() - stopped);
        System.out.printf("hand-over after a clean stop: %d ms%n", handover.toMillis());
        // fabric8 releases a Lease by writing it with no holder and a 1 s duration; the rest is this (often busy)
        // machine's mock server answering.
        assertThat(handover).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void anActivePodWhoseGatewayStopsServingHandsOverWithoutWaitingForTheLease() {
        // A 15 s lease, so a hand-over that waited for it to run out would take longer than the bound below.
        LeaseTiming slow = new LeaseTiming(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMillis(200));
        AtomicBoolean gateway0 = new AtomicBoolean(false);
        AtomicBoolean gateway1 = new AtomicBoolean(true);
        holder("lathe-0", slow, gateway0::get);
        // A pod whose gateway does not serve yet does not compete.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> selected()
                .isEmpty());
        gateway0.set(true);
        await().atMost(Duration.ofSeconds(15)).until(() -> selected().equals(List.of("lathe-0")));
        holder("lathe-1", slow, gateway1::get);

        // The gateway container of lathe-0 crashes; its lease container lives on.
        long died = System.nanoTime();
        gateway0.set(false);
        await().atMost(Duration.ofSeconds(8))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> selected().equals(List.of("lathe-1")));
        Duration handover = Duration.ofNanos(System.nanoTime() - died);
        System.out.printf(
                "hand-over after the active gateway stopped serving: %d ms (lease 15 s)%n", handover.toMillis());
        assertThat(handover).isLessThan(Duration.ofSeconds(8));

        // Back: lathe-0 competes again but the Lease stays where it is.
        gateway0.set(true);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> selected()
                .equals(List.of("lathe-1")));
    }

    private ActivePodLease holder(String pod) {
        return holder(pod, FAST);
    }

    private ActivePodLease holder(String pod, LeaseTiming timing) {
        return holder(pod, timing, () -> true);
    }

    private ActivePodLease holder(String pod, LeaseTiming timing, java.util.function.BooleanSupplier gatewayAlive) {
        ActivePodLease lease = new ActivePodLease(
                server.createClient(), NS, "lathe-active", pod, List.of("lathe-0", "lathe-1"), timing, gatewayAlive);
        holders.add(lease);
        lease.start();
        return lease;
    }

    /** The pods the device Service's selector matches now, by name. */
    private List<String> selected() {
        return client.pods().inNamespace(NS).list().getItems().stream()
                .filter(p -> matches(service.getSpec().getSelector(), p))
                .map(p -> p.getMetadata().getName())
                .sorted()
                .toList();
    }

    private static boolean matches(Map<String, String> selector, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    private static Map<String, String> statefulSetPodLabels(GatewayModel model) {
        return model.desiredObjects().stream()
                .filter(o -> o instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet)
                .map(o -> ((io.fabric8.kubernetes.api.model.apps.StatefulSet) o)
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels())
                .findFirst()
                .orElseThrow();
    }
}
