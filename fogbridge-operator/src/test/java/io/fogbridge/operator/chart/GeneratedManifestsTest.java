package io.fogbridge.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The generated files in the repository are current: the chart's {@code crds/} is the CRD the build generates, and
 * {@code deploy/k3s/} is what the chart renders. With {@code -Dfogbridge.regenerate=true} it writes them first.
 */
class GeneratedManifestsTest {

    @Test
    void theGeneratedManifestsAreCurrent() throws Exception {
        Map<Path, String> files = GeneratedManifests.render();
        if (Boolean.getBoolean("fogbridge.regenerate")) {
            GeneratedManifests.write(files);
        }
        for (var file : files.entrySet()) {
            assertThat(file.getKey()).as("generated file").exists();
            assertThat(Files.readString(file.getKey()))
                    .as(file.getKey() + " is stale: run ./mvnw -B -q -o -pl fogbridge-operator -am verify"
                            + " -Dtest=GeneratedManifestsTest -Dsurefire.failIfNoSpecifiedTests=false"
                            + " -Dfogbridge.regenerate=true")
                    .isEqualTo(file.getValue());
        }
    }

    @Test
    void kubectlShowsTheGatewayColumnsInTheIssuesOrder() throws Exception {
        String crd = GeneratedManifests.render()
                .get(GeneratedManifests.CHART.resolve("crds").resolve(GeneratedManifests.GATEWAY_CRD));
        var parsed = new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(crd, io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
        assertThat(parsed.getSpec().getVersions().getFirst().getAdditionalPrinterColumns())
                .extracting(c -> c.getName() + " " + c.getJsonPath())
                .containsExactly(
                        "READY .status.conditions[?(@.type==\"Ready\")].status",
                        "ACTIVE .status.activePod",
                        "DEVICES .status.connectedDevices",
                        "BACKLOG .status.spoolBacklog",
                        "AGE .metadata.creationTimestamp");
    }

    @Test
    void theK3sManifestsCarryTheOperatorAndItsCrd() throws Exception {
        Map<Path, String> files = GeneratedManifests.render();
        String manifests = files.get(GeneratedManifests.DEPLOY.resolve("k3s").resolve("10-fogbridge.yaml"));
        assertThat(manifests)
                .contains("kind: Namespace", "kind: Deployment", "kind: PriorityClass", "namespace: fogbridge-system");
        assertThat(files.get(GeneratedManifests.DEPLOY.resolve("k3s").resolve("00-crds.yaml")))
                .contains("name: \"gateways.fogbridge.io\"", "name: \"devices.fogbridge.io\"");
    }
}
