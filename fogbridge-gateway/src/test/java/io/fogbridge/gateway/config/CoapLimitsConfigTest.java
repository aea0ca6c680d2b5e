package io.fogbridge.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.adapters.coap.CoapAdapterSettings;
import io.fogbridge.adapters.coap.CoapLimits;
import io.fogbridge.api.adapter.ConfiguredAdapter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CoAP adapter's limits as read from a file: the rule between keys names the key that was given, with its line. */
class CoapLimitsConfigTest {

    @Test
    void aTotalRateBelowOneSourcesRateIsRefused() {
        String yaml = "kafka: {bootstrapServers: k:9092}\n"
                + "adapters:\n"
                + "  coap: {enabled: true,\n"
                + "         totalRate: 100}\n";
        assertThat(ConfigLoaderTest.problems(yaml, Map.of()))
                .singleElement()
                .asString()
                .startsWith("config.yaml:4: adapters.coap.totalRate: ")
                .contains("adapters.coap.totalRate (100/s) must be at least adapters.coap.sourceRate (200/s)");
    }

    @Test
    void limitsWithinTheRulesAreAccepted() throws Exception {
        String yaml = "kafka: {bootstrapServers: k:9092}\n"
                + "adapters: {coap: {enabled: true, sourceRate: 50, sourceBurst: 100, totalRate: 1000, maxPeers: 500,"
                + " maxSources: 1000, maxExchanges: 2048}}\n";
        assertThat(ConfigLoaderTest.load(yaml).adapters())
                .extracting(ConfiguredAdapter::settings)
                .filteredOn(CoapAdapterSettings.class::isInstance)
                .extracting(s -> ((CoapAdapterSettings) s).limits())
                .containsExactly(new CoapLimits(50, 100, 1000, 1000, 500, 2048));
    }
}
