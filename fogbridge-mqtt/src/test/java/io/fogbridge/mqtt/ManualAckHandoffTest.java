package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManualAckHandoffTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static InboundMessage message() {
        return new InboundMessage(
                "telemetry/acme/dev-1",
                "21.5".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                DeviceRef.anonymous("bridge"),
                null,
                1_000L);
    }

    @Test
    void anAppendThatIsNeverAnsweredTimesOutIsNotAcknowledgedAndIsHandedOverAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ControllableUplink uplink = new ControllableUplink()
                .answering(m -> calls.getAndIncrement() == 0 ? null : new Outcome.Accepted(Lane.BULK, 7));
        ManualAckHandoff handoff = new ManualAckHandoff(
                uplink, new MqttMetrics(registry), scheduler, Duration.ofMillis(200), Duration.ofMillis(100));
        AtomicInteger acks = new AtomicInteger();

        handoff.handOff(message(), acks::incrementAndGet, () -> true);

        ControllableUplink.Call stranded = uplink.next(); // the spool writer died with this append: no answer ever
        assertThat(stranded.future()).isNotDone();
        assertThat(acks.get()).as("not acknowledged before it is durable").isZero();
        uplink.next(); // handed over again after the timeout, and accepted this time
        await().atMost(Duration.ofSeconds(15)).until(() -> acks.get() == 1);
        assertThat(registry.get("fogbridge.mqtt.rejected")
                        .tag("reason", "timeout")
                        .counter()
                        .count())
                .isEqualTo(1);

        stranded.future().complete(new Outcome.Accepted(Lane.BULK, 6)); // a late answer of the abandoned attempt
        assertThat(acks.get()).as("acknowledged once").isEqualTo(1);
    }
}
