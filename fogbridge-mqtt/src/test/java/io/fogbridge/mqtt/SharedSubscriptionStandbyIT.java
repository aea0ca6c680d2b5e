package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.testkit.MosquittoBroker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What mosquitto does with a shared-subscription member that is offline (two gateways in one
 * {@code mqtt.external.sharedGroup}, one of them down): it keeps giving that member its share and queues it in the
 * member's persistent session, so the online gateway does not take over the missing one's traffic. The share comes
 * through only when that gateway returns. Documented in docs/external-broker.md; if mosquitto changes this, the test
 * says so.
 */
class SharedSubscriptionStandbyIT {

    private static final Outcome ACCEPTED = new Outcome.Accepted(Lane.BULK, 1);

    @TempDir
    Path dir;

    @Test
    void offlineMemberKeepsGettingItsShareQueuedAndTheOnlineOneDoesNotTakeItOver() throws Exception {
        try (MosquittoBroker mosquitto = MosquittoBroker.start(dir)) {
            Set<String> toA = ConcurrentHashMap.newKeySet();
            Set<String> toB = ConcurrentHashMap.newKeySet();
            try (ExternalMqttBridge a = new ExternalMqttBridge(options(mosquitto, "gw-a"), null)) {
                a.start(collecting(toA)); // joins the group with a persistent session, then goes down
            }
            try (ExternalMqttBridge b = new ExternalMqttBridge(options(mosquitto, "gw-b"), null)) {
                b.start(collecting(toB));
                for (int i = 0; i < 20; i++) {
                    MosquittoPub.publish(mosquitto, List.of(), "telemetry/acme/lathe-1", "m" + i);
                }
                Thread.sleep(500);
                assertThat(toB).as("the online member gets only its share").hasSizeBetween(5, 15);
            }
            try (ExternalMqttBridge a = new ExternalMqttBridge(options(mosquitto, "gw-a"), null)) {
                a.start(collecting(toA));
                await().atMost(Duration.ofSeconds(10)).until(() -> toA.size() + toB.size() == 20);
                assertThat(toA)
                        .as("the rest waited in the offline member's session")
                        .doesNotContainAnyElementsOf(toB);
            }
        }
    }

    private static ExternalBrokerOptions options(MosquittoBroker mosquitto, String gatewayId) {
        return ExternalBrokerOptions.builder(URI.create(mosquitto.uri()), gatewayId)
                .filters(List.of("telemetry/#"))
                .sharedGroup("fogbridge")
                .reconnectMaxDelay(Duration.ofSeconds(1))
                .startTimeout(Duration.ofSeconds(15))
                .build();
    }

    private static ControllableUplink collecting(Set<String> received) {
        return new ControllableUplink().answering(message -> {
            received.add(new String(message.payload(), StandardCharsets.UTF_8));
            return ACCEPTED;
        });
    }
}
