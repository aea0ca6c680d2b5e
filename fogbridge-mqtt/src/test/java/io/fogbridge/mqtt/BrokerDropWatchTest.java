package io.fogbridge.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BrokerDropWatchTest {

    final ManualClock clock = new ManualClock();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final BrokerDropWatch watch =
            new BrokerDropWatch(new MqttMetrics(registry), clock, Duration.ofMinutes(15), Duration.ofSeconds(30));

    @Test
    void firstTotalCountsInFullBecauseDropsWhileTheGatewayWasDownAreTheOnesThatMatter() {
        watch.subscribed();
        watch.onTotal("0");
        assertThat(watch.drops()).isNull();
        watch.onTotal("0");
        assertThat(registry.find("fogbridge.external.broker.dropped").counter()).isNull();

        BrokerDropWatch restarted =
                new BrokerDropWatch(new MqttMetrics(registry), clock, Duration.ofMinutes(15), Duration.ofSeconds(30));
        restarted.onTotal("4603");
        assertThat(dropped()).isEqualTo(4603);
        assertThat(restarted.drops())
                .isEqualTo(
                        "the broker dropped 4603 messages it had acknowledged to devices; raise max_queued_messages");
    }

    @Test
    void increasesCloseTogetherAreOneEpisodeAndTheWarningEndsAfterTheQuietTime() {
        watch.onTotal("10");
        clock.advance(Duration.ofMinutes(5));
        watch.onTotal("25");
        assertThat(watch.drops()).startsWith("the broker dropped 25 messages");
        clock.advance(Duration.ofMinutes(16));
        assertThat(watch.drops()).isNull();

        watch.onTotal("27"); // a new episode counts from its own first drop
        assertThat(watch.drops()).startsWith("the broker dropped 2 messages");
        assertThat(dropped()).isEqualTo(27);
    }

    @Test
    void lowerTotalMeansTheBrokerRestartedAndCountsFromZero() {
        watch.onTotal("100");
        watch.onTotal("100"); // a reconnect re-reads the retained total: nothing new
        watch.onTotal("7");
        assertThat(dropped()).isEqualTo(107);
    }

    @Test
    void noTotalWithinTheTimeSaysDropsCannotBeSeenUntilOneArrives() {
        assertThat(watch.blindSpot()).as("not subscribed yet").isNull();
        watch.subscribed();
        clock.advance(Duration.ofSeconds(29));
        assertThat(watch.blindSpot()).isNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(watch.blindSpot()).startsWith("drops at the broker cannot be seen");
        watch.onTotal("not a number");
        assertThat(watch.blindSpot()).startsWith("drops at the broker cannot be seen");
        watch.onTotal("0");
        assertThat(watch.blindSpot()).isNull();
    }

    private double dropped() {
        return registry.get("fogbridge.external.broker.dropped").counter().count();
    }
}
