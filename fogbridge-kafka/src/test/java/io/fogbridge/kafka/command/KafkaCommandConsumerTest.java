package io.fogbridge.kafka.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.Command;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The consumer's life without Kafka: it must start, say why it cannot consume, and keep trying. */
class KafkaCommandConsumerTest {

    private static final CommandHandler NOBODY = new CommandHandler() {
        @Override
        public CompletableFuture<Void> command(Command command) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> malformed(String tenant, String device, String correlationId, String reason) {
            return CompletableFuture.completedFuture(null);
        }
    };

    @Test
    void anUnresolvableBootstrapNameIsRetriedAndReportedNotThrown() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CommandConsumerOptions options = new CommandConsumerOptions(
                        "does-not-resolve.invalid:9092", "gw-1", List.of("acme"), Map.of())
                .withBackoff(Duration.ofMillis(10), Duration.ofMillis(50));
        long started = System.nanoTime();
        try (KafkaCommandConsumer consumer = new KafkaCommandConsumer(options, NOBODY, registry)) {
            consumer.start();

            await().until(() -> registry.counter("fogbridge.commands.consumer.errors", "reason", "dns")
                            .count()
                    >= 3);
            CommandConsumerState state = consumer.state();
            assertThat(state.connected()).isFalse();
            assertThat(state.phase()).isEqualTo(CommandConsumerState.Phase.RETRYING);
            assertThat(state.lastError()).isEqualTo("bootstrap servers do not resolve (does-not-resolve.invalid:9092)");
            assertThat(registry.get("fogbridge.commands.consumer.connected")
                            .gauge()
                            .value())
                    .isZero();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("close does not wait out a backoff")
                .isLessThan(Duration.ofSeconds(10));
    }
}
