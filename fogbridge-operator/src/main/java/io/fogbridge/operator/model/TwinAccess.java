package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.TwinSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Gateway whose twin is {@code direct} needs to write its Devices' status: the {@code twin} section of its
 * gateway.yaml, a service account token in the pod, egress to the API server, and a Role that may {@code get} its own
 * Devices and {@code patch} their {@code status}, by name, and nothing else. A {@code kafka} twin needs only the
 * section ({@code twin.target: kafka}): the updates go out with the telemetry and the operator writes them. Pure.
 */
public final class TwinAccess {

    public static final String TWIN_FILE = "twin.yaml";
    static final String TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    static final String CA_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

    private TwinAccess() {}

    /** Whether the gateway patches its Devices' status itself. */
    public static boolean direct(Gateway gateway) {
        TwinSpec twin = gateway.getSpec().twin;
        return twin != null && twin.report == TwinSpec.Report.DIRECT;
    }

    /** Adds the {@code twin} section when the twin is direct or through Kafka. */
    static void addTo(Map<String, Object> doc, Gateway gateway, PodPaths paths) {
        TwinSpec spec = gateway.getSpec().twin;
        if (spec == null || spec.report == null || spec.report == TwinSpec.Report.OFF) {
            return;
        }
        Map<String, Object> twin = new LinkedHashMap<>();
        twin.put("enabled", true);
        twin.put("devicesFile", paths.devicesDir().resolve(TWIN_FILE).toString());
        if (spec.report == TwinSpec.Report.KAFKA) {
            twin.put("target", "kafka");
        } else {
            twin.put("tokenFile", TOKEN_FILE);
            twin.put("caFile", CA_FILE);
        }
        String interval = gateway.getSpec().twin.reportInterval;
        if (interval != null) {
            twin.put("reportInterval", interval);
        }
        doc.put("twin", twin);
    }

    /**
     * The Role's rules for {@code devices}: none when the twin is not direct or no Device is assigned (an empty
     * {@code resourceNames} would mean every name).
     */
    public static List<PolicyRule> rules(Gateway gateway, DeviceSet devices) {
        if (!direct(gateway) || devices == null || devices.devices().isEmpty()) {
            return List.of();
        }
        List<String> names = devices.devices().stream()
                .map(RenderedDevice::device)
                .map(Device::getMetadata)
                .map(m -> m.getName())
                .sorted()
                .toList();
        return List.of(
                new PolicyRuleBuilder()
                        .withApiGroups(Gateway.GROUP)
                        .withResources("devices")
                        .withResourceNames(names)
                        .withVerbs("get")
                        .build(),
                new PolicyRuleBuilder()
                        .withApiGroups(Gateway.GROUP)
                        .withResources("devices/status")
                        .withResourceNames(names)
                        .withVerbs("patch")
                        .build());
    }
}
