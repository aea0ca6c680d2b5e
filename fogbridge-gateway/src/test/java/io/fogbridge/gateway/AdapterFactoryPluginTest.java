package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Lane;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.adapter.ConfiguredAdapter;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.gateway.config.ConfigException;
import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.ConfigReference;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.gateway.fake.FakePollerFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A protocol added as one factory registered through {@link java.util.ServiceLoader} (the test-only
 * {@link FakePollerFactory}, section {@code adapters.fake}) is configured, documented and started with no change to
 * the gateway's code.
 */
class AdapterFactoryPluginTest {

    static final String YAML = """
            kafka: {bootstrapServers: k:9092}
            adapters:
              fake:
                enabled: true
                interval: 20ms
            """;

    @Test
    void itsKeysAreParsedFromYamlAndTheEnvironment() throws Exception {
        GatewayConfig config =
                ConfigLoader.load("config.yaml", YAML, Map.of("FOGBRIDGE_ADAPTERS_FAKE_DEVICE", "meter-7"));

        ConfiguredAdapter<?> fake = fake(config);
        assertThat(fake.enabled()).isTrue();
        assertThat(fake.settings()).isEqualTo(new FakePollerFactory.Settings(true, "meter-7", Duration.ofMillis(20)));
        assertThat(config.summary()).contains("adapters: Settings[enabled=true, device=meter-7");
    }

    @Test
    void itsKeysAreCheckedLikeAnyOther() {
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nadapters: {fake: {intervall: 1s}}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:2: adapters.fake.intervall: unknown key")
                .contains("did you mean 'adapters.fake.interval'?");
        assertThat(problems("kafka: {bootstrapServers: k:9092}\nadapters: {fake: {enabled: maybe}}\n"))
                .singleElement()
                .asString()
                .startsWith("config.yaml:2: adapters.fake.enabled: ")
                .contains("expected true or false");
    }

    @Test
    void itAppearsInTheConfigReference() {
        assertThat(ConfigReference.markdown())
                .contains("| `adapters.fake.interval` | ")
                .contains("`FOGBRIDGE_ADAPTERS_FAKE_INTERVAL`")
                .contains("Time between two polls.");
    }

    @Test
    void theGatewaysAdapterWiringStartsItAndTheRetriableRefusalIsRetriedWithTheSameReading() throws Exception {
        GatewayConfig config = ConfigLoader.load("config.yaml", YAML, Map.of());
        List<String> accepted = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Uplink uplink = message -> {
            if (calls.incrementAndGet() == 1) { // the spool is full once
                return CompletableFuture.completedFuture(new Outcome.Rejected(503, "spool full", true));
            }
            accepted.add(text(message));
            return CompletableFuture.completedFuture(new Outcome.Accepted(Lane.BULK, calls.get()));
        };
        StartedStages stages = new StartedStages();
        try {
            DeviceAdapters adapters = DeviceAdapters.start(
                    config, uplink, DeviceDirectory.empty(), null, new SimpleMeterRegistry(), stages);

            ProtocolAdapter fake = adapters.named("fake").orElseThrow();
            assertThat(adapters.started()).containsExactly(fake);
            await().atMost(Duration.ofSeconds(5)).until(() -> accepted.size() >= 3);
            assertThat(fake.ready()).isTrue();
            assertThat(List.copyOf(accepted).subList(0, 3))
                    .containsExactly("0", "1", "2"); // a snapshot: the poller goes on adding
        } finally {
            stages.closeAll();
        }
    }

    static ConfiguredAdapter<?> fake(GatewayConfig config) {
        return config.adapters().stream()
                .filter(a -> a.name().equals("fake"))
                .findFirst()
                .orElseThrow();
    }

    static List<String> problems(String yaml) {
        try {
            ConfigLoader.load("config.yaml", yaml, Map.of());
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the config to be refused:\n" + yaml);
    }

    static String text(InboundMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }
}
