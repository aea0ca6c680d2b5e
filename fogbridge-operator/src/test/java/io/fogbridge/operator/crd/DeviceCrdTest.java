package io.fogbridge.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fogbridge.api.config.ConfigKey;
import io.fogbridge.modbus.ModbusSection;
import io.fogbridge.opcua.OpcUaSection;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Device CRD the build generates: columns, validation, and protocol sections that carry exactly the keys of the
 * converters' own config sections (a key added to {@code adapters.modbus.devices[]} fails here until the Device has it
 * too, or is named below as one the Device supplies itself).
 */
class DeviceCrdTest {

    private static CustomResourceDefinitionVersion version;
    private static JSONSchemaProps spec;

    @BeforeAll
    static void readCrd() throws Exception {
        CustomResourceDefinition crd;
        try (InputStream yaml =
                DeviceCrdTest.class.getResourceAsStream("/META-INF/fabric8/devices.fogbridge.io-v1.yml")) {
            crd = new KubernetesSerialization().unmarshal(yaml, CustomResourceDefinition.class);
        }
        assertThat(crd.getSpec().getGroup()).isEqualTo("fogbridge.io");
        version = crd.getSpec().getVersions().getFirst();
        spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    @Test
    void kubectlShowsTenantGatewayConnectedAndLastSeenInThatOrder() {
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getSubresources().getStatus()).isNotNull();
        assertThat(version.getAdditionalPrinterColumns())
                .extracting(c -> c.getName())
                .containsExactly("TENANT", "GATEWAY", "CONNECTED", "LAST SEEN");
    }

    @Test
    void theSchemaRequiresTenantAndProtocolAndOneWayToTheGateway() {
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("tenant", "protocol");
        assertThat(spec.getProperties().get("protocol").getEnum())
                .extracting(n -> n.asText())
                .containsExactlyInAnyOrder("mqtt", "http", "coap", "modbus", "opcua");
        assertThat(spec.getXKubernetesValidations())
                .extracting(ValidationRule::getRule)
                .contains("has(self.gateway) != has(self.site)", "self.protocol != 'modbus' || has(self.modbus)");
        JSONSchemaProps status =
                version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
        assertThat(status.getProperties())
                .containsKeys("conditions", "lastSeen", "reported", "observedGeneration", "assignedGateway");
        assertThat(status.getProperties()
                        .get("reported")
                        .getAdditionalProperties()
                        .getSchema()
                        .getProperties())
                .containsOnlyKeys("value", "lastUpdated");
    }

    @Test
    void theModbusSectionHasTheKeysOfTheModbusConverter() throws Exception {
        JSONSchemaProps modbus = spec.getProperties().get("modbus");
        assertThat(modbus.getRequired()).containsExactlyInAnyOrder("host", "tags");
        assertThat(modbus.getProperties().keySet())
                .isEqualTo(keys(ModbusSection.class, "adapters.modbus.devices[].", Set.of("id", "tenant", "labels")));
        assertThat(properties(modbus, "tags"))
                .isEqualTo(keys(ModbusSection.class, "adapters.modbus.devices[].tags[].", Set.of()));
        assertThat(properties(modbus, "pollGroups"))
                .isEqualTo(keys(ModbusSection.class, "adapters.modbus.devices[].pollGroups[].", Set.of()));
        assertThat(modbus.getProperties().get("timeout").getPattern()).contains("ms|s|m|h|d");
    }

    @Test
    void theOpcUaSectionHasTheKeysOfTheOpcUaConverter() throws Exception {
        JSONSchemaProps opcua = spec.getProperties().get("opcua");
        // auth and its files: a password, certificate or key file in the pod is not mounted from a Device yet
        // (anonymous only). methods (the calls a `call` command may make) are not on a Device yet.
        assertThat(opcua.getProperties().keySet())
                .isEqualTo(keys(
                        OpcUaSection.class,
                        "adapters.opcua.endpoints[].",
                        Set.of(
                                "id",
                                "tenant",
                                "labels",
                                "auth",
                                "username",
                                "passwordFile",
                                "userCertificateFile",
                                "userKeyFile",
                                "methods")));
        assertThat(properties(opcua, "items"))
                .isEqualTo(keys(OpcUaSection.class, "adapters.opcua.endpoints[].items[].", Set.of()));
    }

    private static Set<String> properties(JSONSchemaProps parent, String list) {
        return new TreeSet<>(parent.getProperties()
                .get(list)
                .getItems()
                .getSchema()
                .getProperties()
                .keySet());
    }

    /** The direct keys under {@code prefix} that the section defines, less those the Device supplies itself. */
    private static Set<String> keys(Class<?> section, String prefix, Set<String> suppliedByDevice) throws Exception {
        Set<String> keys = new TreeSet<>();
        for (Field field : section.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.get(null) instanceof ConfigKey<?> key) {
                String path = key.path();
                if (path.startsWith(prefix) && !path.substring(prefix.length()).contains(".")) {
                    keys.add(path.substring(prefix.length()));
                }
            }
        }
        keys.removeAll(suppliedByDevice);
        return keys;
    }
}
