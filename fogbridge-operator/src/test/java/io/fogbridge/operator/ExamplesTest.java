package io.fogbridge.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.GatewayModel;
import io.fogbridge.operator.model.OperatorDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/examples/plant-1.yaml} parses strictly into Gateway resources (a misspelled field fails) and each
 * renders to a config the gateway accepts.
 */
class ExamplesTest {

    private static final Path PLANT_1 = Path.of("..", "deploy", "examples", "plant-1.yaml");

    @Test
    void thePlantExampleParsesStrictlyAndRendersAConfigTheGatewayAccepts() throws Exception {
        ObjectMapper strict =
                new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        List<Gateway> gateways;
        try (var parser = strict.getFactory().createParser(Files.readString(PLANT_1))) {
            gateways = strict.readValues(parser, Gateway.class).readAll();
        }

        assertThat(gateways).extracting(g -> g.getMetadata().getName()).containsExactly("lathe", "tank");
        for (Gateway gateway : gateways) {
            GatewayModel model = GatewayModel.from(gateway, OperatorDefaults.fromEnvironment(java.util.Map.of()));
            assertThat(model.config().yaml()).contains("site: plant-1");
        }
        assertThat(gateways.getFirst().getSpec().placement.nodeSelector).containsEntry("fogbridge.io/role", "lathe");
    }
}
