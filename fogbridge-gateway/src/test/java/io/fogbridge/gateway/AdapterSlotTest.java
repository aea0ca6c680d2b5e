package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.Outcome;
import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.AdapterFactory;
import io.fogbridge.api.adapter.ConfiguredAdapter;
import io.fogbridge.api.adapter.DeviceLimits;
import io.fogbridge.api.config.ConfigSection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Replacing a running adapter: the old one closed once, meters neither leaked nor left reading the old one. */
class AdapterSlotTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Uplink uplink = message -> CompletableFuture.completedFuture(Outcome.LOCAL);
    private final AdapterContext context = new AdapterContext(
            uplink, null, null, meters, null, scheduler, new DeviceLimits(1024, Duration.ofSeconds(1), Duration.ZERO));
    private final List<Poller> made = new ArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aReplacementClosesTheOldAdapterOnceAndItsGaugeReadsTheNewOne() throws Exception {
        AdapterSlot slot = new AdapterSlot(configured(new Settings(true, 3, false)), context);
        slot.start();
        meters.counter("fogbridge.poller.reads").increment(5);
        int meterCount = meters.getMeters().size();

        assertThat(slot.replace(configured(new Settings(true, 7, false)))).isTrue();

        assertThat(made).hasSize(2);
        assertThat(made.get(0).closed).isEqualTo(1);
        assertThat(slot.running()).containsSame(made.get(1));
        assertThat(meters.get("fogbridge.poller.points").gauge().value()).isEqualTo(7.0);
        assertThat(meters.get("fogbridge.poller.reads").counter().count())
                .as("a counter continues")
                .isEqualTo(5.0);
        assertThat(meters.getMeters()).hasSize(meterCount);
        assertThat(slot.refusal()).isEmpty();

        slot.close();
        slot.close();
        assertThat(made.get(0).closed).isEqualTo(1);
        assertThat(made.get(1).closed).isEqualTo(1);
    }

    @Test
    void turningItOffClosesItAndRemovesItsGauge() throws Exception {
        AdapterSlot slot = new AdapterSlot(configured(new Settings(true, 3, false)), context);
        slot.start();

        assertThat(slot.replace(configured(new Settings(false, 3, false)))).isTrue();

        assertThat(slot.running()).isEmpty();
        assertThat(made.getFirst().closed).isEqualTo(1);
        assertThat(meters.find("fogbridge.poller.points").gauge()).isNull();
        assertThat(slot.replace(configured(new Settings(true, 4, false)))).isTrue();
        assertThat(meters.get("fogbridge.poller.points").gauge().value()).isEqualTo(4.0);
    }

    @Test
    void aNewSectionThatDoesNotStartBringsBackThePreviousOneAndSaysSo() throws Exception {
        AdapterSlot slot = new AdapterSlot(configured(new Settings(true, 3, false)), context);
        slot.start();

        assertThat(slot.replace(configured(new Settings(true, 9, true)))).isFalse();

        assertThat(made).hasSize(3);
        assertThat(made.get(1).closed).as("the one that failed to start").isEqualTo(1);
        assertThat(slot.running()).containsSame(made.get(2));
        assertThat(made.get(2).settings.points()).isEqualTo(3);
        assertThat(meters.get("fogbridge.poller.points").gauge().value()).isEqualTo(3.0);
        assertThat(slot.refusal()).hasValueSatisfying(r -> assertThat(r)
                .contains("adapters.poller", "port 9 refused", "previous settings"));
        assertThat(slot.failure()).isEmpty();

        assertThat(slot.replace(configured(new Settings(true, 5, false)))).isTrue();
        assertThat(slot.refusal()).isEmpty();
    }

    @Test
    void whenThePreviousSettingsDoNotStartEitherNothingRunsAndTheFailureSaysWhy() throws Exception {
        AdapterSlot slot = new AdapterSlot(configured(new Settings(true, 3, false)), context);
        slot.start();
        refusedPoints.add(3); // what let the first one start is gone meanwhile

        assertThat(slot.replace(configured(new Settings(true, 9, true)))).isFalse();

        assertThat(slot.running()).isEmpty();
        assertThat(slot.failure()).hasValueSatisfying(f -> assertThat(f).contains("port 9 refused", "port 3 refused"));
        assertThat(made).allSatisfy(p -> assertThat(p.closed).isEqualTo(1));
    }

    private ConfiguredAdapter<Settings> configured(Settings settings) {
        return new ConfiguredAdapter<>(new PollerFactory(), settings);
    }

    record Settings(boolean enabled, int points, boolean failStart) {}

    /** Points whose adapters fail to start from now on. */
    private final List<Integer> refusedPoints = new ArrayList<>();

    private final class PollerFactory implements AdapterFactory<Settings> {
        @Override
        public String name() {
            return "poller";
        }

        @Override
        public ConfigSection<Settings> section() {
            throw new UnsupportedOperationException("not read here");
        }

        @Override
        public boolean enabled(Settings settings) {
            return settings.enabled();
        }

        @Override
        public boolean replaceableWhileRunning() {
            return true;
        }

        @Override
        public ProtocolAdapter create(Settings settings, AdapterContext context) {
            Poller poller = new Poller(settings);
            Gauge.builder("fogbridge.poller.points", poller, p -> p.settings.points())
                    .register(context.meters());
            Counter.builder("fogbridge.poller.reads").register(context.meters());
            made.add(poller);
            return poller;
        }
    }

    private final class Poller implements ProtocolAdapter {
        final Settings settings;
        int closed;

        Poller(Settings settings) {
            this.settings = settings;
        }

        @Override
        public String name() {
            return "poller";
        }

        @Override
        public void start(Uplink uplink) throws Exception {
            if (settings.failStart() || refusedPoints.contains(settings.points())) {
                throw new java.io.IOException("port " + settings.points() + " refused");
            }
        }

        @Override
        public boolean ready() {
            return closed == 0;
        }

        @Override
        public void close() {
            closed++;
        }
    }
}
