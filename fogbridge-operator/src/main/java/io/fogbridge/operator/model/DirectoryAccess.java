package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.GatewaySpec;
import java.util.List;
import java.util.Map;

/**
 * What a Gateway with {@code deviceDirectory: kubernetes} needs to watch its devices Secret on the API server instead
 * of reading the mounted file: the {@code devices.directory} keys of its gateway.yaml, a service account token in the
 * pod, egress to the API server, and a Role that may {@code get}, {@code list} and {@code watch} that one Secret by
 * name. A list or watch is limited by {@code resourceNames} only when it asks with
 * {@code fieldSelector=metadata.name=<name>}, which the gateway does. The Secret stays mounted: the CoAP key file, the
 * client CAs and the twin map are read from it as before. Pure.
 */
public final class DirectoryAccess {

    private DirectoryAccess() {}

    /** Whether the gateway watches its devices Secret on the API server. */
    public static boolean kubernetes(Gateway gateway) {
        return gateway.getSpec().deviceDirectory == GatewaySpec.DeviceDirectory.KUBERNETES;
    }

    /** Points the {@code devices} section at the Secret on the API server instead of the mounted registry file. */
    @SuppressWarnings("unchecked")
    static void addTo(Map<String, Object> doc, Gateway gateway) {
        if (!kubernetes(gateway) || !(doc.get("devices") instanceof Map<?, ?> section)) {
            return;
        }
        Map<String, Object> devices = (Map<String, Object>) section;
        devices.remove("registry");
        devices.put("directory", "kubernetes");
        devices.put("secret", gateway.getMetadata().getNamespace() + "/" + GatewayModel.devicesSecretName(gateway));
        devices.put("tokenFile", TwinAccess.TOKEN_FILE);
        devices.put("caFile", TwinAccess.CA_FILE);
    }

    /** The Role's rule for the devices Secret; none with the file directory. */
    public static List<PolicyRule> rules(Gateway gateway) {
        if (!kubernetes(gateway)) {
            return List.of();
        }
        return List.of(new PolicyRuleBuilder()
                .withApiGroups("")
                .withResources("secrets")
                .withResourceNames(GatewayModel.devicesSecretName(gateway))
                .withVerbs("get", "list", "watch")
                .build());
    }
}
