package io.fogbridge.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The CRD the build generates from the Java types: validation, status subresource, printer columns. */
class GatewayCrdTest {

    @Test
    void theGeneratedCrdValidatesTheSpecAndPrintsTheColumnsKubectlShows() throws Exception {
        CustomResourceDefinition crd;
        try (InputStream yaml =
                GatewayCrdTest.class.getResourceAsStream("/META-INF/fabric8/gateways.fogbridge.io-v1.yml")) {
            crd = new KubernetesSerialization().unmarshal(yaml, CustomResourceDefinition.class);
        }
        CustomResourceDefinitionVersion version = crd.getSpec().getVersions().getFirst();
        assertThat(crd.getSpec().getGroup()).isEqualTo("fogbridge.io");
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(version.getAdditionalPrinterColumns())
                .extracting(c -> c.getName())
                .containsExactlyInAnyOrder("READY", "ACTIVE", "DEVICES", "BACKLOG", "AGE");

        JSONSchemaProps spec =
                version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        assertThat(spec.getRequired()).contains("site", "kafka");
        assertThat(spec.getProperties()
                        .get("kafka")
                        .getProperties()
                        .get("bootstrap")
                        .getPattern())
                .isNotBlank();
        assertThat(spec.getProperties()
                        .get("spool")
                        .getProperties()
                        .get("whenFull")
                        .getEnum())
                .extracting(n -> n.asText())
                .containsExactlyInAnyOrder("block", "drop-oldest", "drop-newest");
        assertThat(spec.getProperties()
                        .get("spool")
                        .getProperties()
                        .get("maxAge")
                        .getPattern())
                .contains("ms|s|m|h|d");
        assertThat(version.getSchema().getOpenAPIV3Schema().getProperties()).doesNotContainKey("paused");
        // The API server refuses commands with a backup before the operator sees them.
        assertThat(spec.getXKubernetesValidations())
                .extracting(r -> r.getRule())
                .anySatisfy(rule -> assertThat(rule).contains("self.commands", "self.placement.backup"));
        assertThat(spec.getProperties().get("commands").getRequired()).containsExactly("tenants");
    }
}
