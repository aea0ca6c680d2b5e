package io.fogbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.gateway.config.ConfigLoader;
import io.fogbridge.gateway.config.GatewayConfig;
import io.fogbridge.kafka.ForwarderOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForwarderStageTest {

    private static ForwarderOptions options(String spool) throws Exception {
        return options(spool, "");
    }

    private static ForwarderOptions options(String spool, String kafkaProperties) throws Exception {
        String yaml = "kafka: {bootstrapServers: k:9092" + kafkaProperties + "}\n" + spool;
        GatewayConfig config = ConfigLoader.load("config.yaml", yaml, Map.of());
        return ForwarderStage.options(config.kafka(), "gw-1", config.spool().fsync());
    }

    @Test
    void underGroupTheProducerLingersOneMillisecondSinceAGroupCommitIsTheBatch() throws Exception {
        assertThat(options("spool: {fsync: group}\n").clientProperties()).containsEntry("linger.ms", "1");
        assertThat(options("").clientProperties()).containsEntry("linger.ms", "1");
    }

    @Test
    void underIntervalTheForwardersOwnLingerStays() throws Exception {
        assertThat(options("spool: {fsync: 'interval:5'}\n").clientProperties()).doesNotContainKey("linger.ms");
    }

    @Test
    void aLingerInKafkaPropertiesWins() throws Exception {
        assertThat(options("spool: {fsync: group}\n", ", properties: {linger.ms: '20'}")
                        .clientProperties())
                .containsEntry("linger.ms", "20");
    }
}
