package io.fogbridge.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fogbridge.operator.OperatorMain;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.GatewayModel;
import io.fogbridge.operator.model.OperatorDefaults;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart {@code deploy/helm/fogbridge} through the real Helm (helm-java embeds it; offline): lint, render, every
 * rendered manifest read into fabric8's typed model with no field left over (a misspelled field fails), the values
 * schema. That {@code crds/} is the
 * generated CRD is {@link GeneratedManifestsTest}'s.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("..", "deploy", "helm", "fogbridge");
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Deployment", Deployment.class,
            "ServiceAccount", ServiceAccount.class,
            "ClusterRole", ClusterRole.class,
            "ClusterRoleBinding", ClusterRoleBinding.class,
            "PriorityClass", PriorityClass.class);

    @Test
    void theChartLintsStrictly() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void everyRenderedManifestIsAKnownKindWithNoUnknownField() throws Exception {
        String rendered = new Helm(CHART)
                .template()
                .withName("fogbridge")
                .withNamespace("fogbridge-system")
                .call();
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<String> kinds = new ArrayList<>();
        for (String document : rendered.split("(?m)^---\\s*$")) {
            if (document.isBlank()) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> raw = serialization.unmarshal(document, Map.class);
            if (raw == null) {
                continue;
            }
            String kind = (String) raw.get("kind");
            assertThat(KINDS).as("kind " + kind).containsKey(kind);
            HasMetadata typed = serialization.unmarshal(document, KINDS.get(kind));
            List<String> leftOver = new ArrayList<>();
            collectUnknownFields(typed, kind, leftOver);
            assertThat(leftOver).as("fields fabric8's model does not know").isEmpty();
            kinds.add(kind);
        }
        assertThat(kinds)
                .containsExactlyInAnyOrder(
                        "PriorityClass", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment");
    }

    @Test
    void theValuesSchemaRefusesAWrongType() {
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("fogbridge")
                        .set("replicas", "many")
                        .call())
                .hasMessageContaining("replicas");
    }

    @Test
    void theTwinSettingsReachTheOperatorsEnvironmentAndAreOffByDefault() {
        Deployment plain =
                deployment(new Helm(CHART).template().withName("fogbridge").call());
        assertThat(env(plain)).doesNotContainKeys(OperatorMain.TWIN_KAFKA_ENV, OperatorMain.KAFKA_PROPERTIES_ENV);

        Deployment twin = deployment(new Helm(CHART)
                .template()
                .withName("fogbridge")
                .set("twin.kafkaBootstrap", "kafka.cloud.example:9093")
                .set("kafkaClient.secretName", "operator-kafka")
                .call());
        assertThat(env(twin))
                .containsEntry(OperatorMain.TWIN_KAFKA_ENV, "kafka.cloud.example:9093")
                .containsEntry(OperatorMain.KAFKA_PROPERTIES_ENV, "/etc/fogbridge/kafka/client.properties");
        var pod = twin.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .singleElement()
                .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("operator-kafka"));
        assertThat(pod.getContainers().getFirst().getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/fogbridge/kafka"));
        // A bootstrap list the consumer could not use is refused at install, not found in the operator's log.
        assertThatThrownBy(() -> new Helm(CHART)
                        .template()
                        .withName("fogbridge")
                        .set("twin.kafkaBootstrap", "not a bootstrap list")
                        .call())
                .hasMessageContaining("kafkaBootstrap");
    }

    private static Deployment deployment(String rendered) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        for (String document : rendered.split("(?m)^---\\s*$")) {
            if (document.contains("kind: Deployment")) {
                return serialization.unmarshal(document, Deployment.class);
            }
        }
        throw new AssertionError("no Deployment in\n" + rendered);
    }

    private static Map<String, String> env(Deployment deployment) {
        Map<String, String> env = new java.util.TreeMap<>();
        deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst()
                .getEnv()
                .forEach(e -> {
                    if (e.getValue() != null) {
                        env.put(e.getName(), e.getValue());
                    }
                });
        return env;
    }

    @Test
    void theChartsCrdsParseIntoFabric8sTypedModelWithNoUnknownField() throws Exception {
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<String> names = new ArrayList<>();
        try (var files = java.nio.file.Files.list(CHART.resolve("crds"))) {
            for (Path file : files.sorted().toList()) {
                CustomResourceDefinition crd =
                        serialization.unmarshal(java.nio.file.Files.readString(file), CustomResourceDefinition.class);
                List<String> leftOver = new ArrayList<>();
                collectUnknownFields(crd, file.getFileName().toString(), leftOver);
                assertThat(leftOver).as("fields fabric8's model does not know").isEmpty();
                names.add(crd.getMetadata().getName());
            }
        }
        assertThat(names).contains("gateways.fogbridge.io");
    }

    @Test
    void theOptionalExampleGatewayParsesStrictlyAndRendersAConfigTheGatewayAccepts() throws Exception {
        String rendered = new Helm(CHART)
                .template()
                .withName("fogbridge")
                .withNamespace("plant-1")
                .set("example.enabled", "true")
                .set("example.kafkaBootstrap", "kafka.cloud.example:9093")
                .call();
        ObjectMapper strict =
                new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        List<Gateway> gateways = new ArrayList<>();
        for (String document : rendered.split("(?m)^---\\s*$")) {
            if (document.contains("kind: Gateway")) {
                gateways.add(strict.readValue(document, Gateway.class));
            }
        }

        assertThat(gateways).hasSize(1);
        Gateway example = gateways.getFirst();
        assertThat(example.getMetadata().getNamespace()).isEqualTo("plant-1");
        assertThat(GatewayModel.from(example, OperatorDefaults.fromEnvironment(Map.of()))
                        .config()
                        .yaml())
                .contains("kafka.cloud.example:9093")
                .contains("fog.telemetry.{site}");
        // Off by default: the plain manifests and a default install hold no Gateway.
        assertThat(new Helm(CHART).template().withName("fogbridge").call()).doesNotContain("kind: Gateway");
    }

    /** Walks fabric8 model objects; what Jackson could not map lands in their additionalProperties. */
    private static void collectUnknownFields(Object node, String path, List<String> leftOver) throws Exception {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknownFields(item, path + "[" + i++ + "]", leftOver);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                collectUnknownFields(entry.getValue(), path + "." + entry.getKey(), leftOver);
            }
            return;
        }
        if (!(node instanceof KubernetesResource)) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = getter.invoke(node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    leftOver.add(path + ": " + extra.keySet());
                }
            } else if (value != null) {
                collectUnknownFields(value, path + "." + getter.getName().substring(3), leftOver);
            }
        }
    }
}
