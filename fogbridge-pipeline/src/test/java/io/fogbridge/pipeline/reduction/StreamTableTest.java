package io.fogbridge.pipeline.reduction;

import static io.fogbridge.pipeline.reduction.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.pipeline.UplinkRecord;
import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** State is bounded: device ids come from outside. */
class StreamTableTest {

    private static final long T0 = ManualClock.DEFAULT_START.toEpochMilli();

    private final ManualClock clock = new ManualClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<UplinkRecord> released = new ArrayList<>();

    @Test
    void newDevicesBeyondTheBoundEvictTheLeastRecentlySeenTenth() {
        Reduction stage = new Reduction(List.of(Records.filter(Map.of("t", "5"), null, null, 100)), clock, registry);
        stage.start(released::add, false);
        for (int i = 0; i < 100; i++) {
            stage.apply(record("d" + i, "telemetry/acme/d" + i, "{\"t\":1}", T0 + i));
        }
        assertThat(stage.streams("r1")).isEqualTo(100);
        stage.apply(record("d0", "telemetry/acme/d0", "{\"t\":1}", T0 + 1000)); // d0 is recent again

        stage.apply(record("new", "telemetry/acme/new", "{\"t\":1}", T0 + 2000));

        assertThat(stage.streams("r1")).isEqualTo(91);
        assertThat(registry.get("fogbridge.reduction.evicted").counter().count())
                .isEqualTo(10);
        // d0 survived (seen recently): still deduplicated; d1 was evicted: starts afresh and is sent
        assertThat(stage.apply(record("d0", "telemetry/acme/d0", "{\"t\":1}", T0 + 3000)))
                .isEqualTo(FilterStream.DEADBAND);
        assertThat(stage.apply(record("d1", "telemetry/acme/d1", "{\"t\":1}", T0 + 3000)))
                .isInstanceOf(UplinkRecord.class);
    }

    @Test
    void anEvictedWindowIsReleasedNotLost() {
        Reduction stage = new Reduction(
                List.of(Records.window(Duration.ofMinutes(1), Map.of("t", EnumSet.of(Aggregate.COUNT)))),
                clock,
                registry);
        stage.start(released::add, false);
        for (int i = 0; i < 101; i++) {
            stage.apply(record("d" + i, "telemetry/acme/d" + i, "{\"t\":1}", T0 + i));
        }
        assertThat(released).hasSize(10);
        assertThat(released).extracting(r -> r.destination().device()).contains("d0", "d9");
    }

    @Test
    void manyThreadsWithManyDevicesStayNearTheBound() throws Exception {
        Reduction stage = new Reduction(List.of(Records.filter(Map.of("t", "5"), null, null, 1000)), clock, registry);
        stage.start(released::add, false);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    String device = "t" + thread + "-" + i;
                    stage.apply(record(device, "telemetry/acme/" + device, "{\"t\":" + i + "}", T0 + i));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(stage.streams("r1")).isBetween(1, 1000 + 4);
    }
}
