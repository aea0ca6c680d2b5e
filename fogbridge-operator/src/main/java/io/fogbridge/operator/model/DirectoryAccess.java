package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fogbridge.gateway.kubernetes.RegistrySecretWatch;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.GatewaySpec;
import java.util.List;
import java.util.Map;

/**
 * What a Gateway with {@code deviceDirectory: kubernetes} needs to watch its devices Secret on the API server instead
 * of reading the mounted file: the {@code devices.directory} keys of its gateway.yaml, a service account token in the
 * pod, egress to the API server, and a Role that may {@code get}, {@code list} and {@code watch} that one Secret by
 * name. A list or watch is limited by {@code resourceNames} only when it asks with
 * {@code fieldSelector=metadata.name=<name>}, which the gateway does. The twin map comes with the watch too: the
 * gateway keeps each applied version's other keys under its data directory ({@code RegistrySecretWatch#publishedFile}),
 * and {@code twin.devicesFile} points there, so a new Device's twin starts as soon as it may connect. The Secret stays
 * mounted for the CoAP key file and the client CAs, which are read only when their listener starts. Pure.
 */
public final class DirectoryAccess {

    private DirectoryAccess() {}

    /** Whether the gateway watches its devices Secret on the API server. */
    public static boolean kubernetes(Gateway gateway) {
        return gateway.getSpec().deviceDirectory == GatewaySpec.DeviceDirectory.KUBERNETES;
    }

    /**
     * Points the {@code devices} section at the Secret on the API server instead of the mounted registry file, and the
     * twin map, when there is a {@code twin} section, at the gateway's copy of the watched Secret.
     */
    @SuppressWarnings("unchecked")
    static void addTo(Map<String, Object> doc, Gateway gateway, PodPaths paths) {
        if (!kubernetes(gateway) || !(doc.get("devices") instanceof Map<?, ?> section)) {
            return;
        }
        Map<String, Object> devices = (Map<String, Object>) section;
        devices.remove("registry");
        devices.put("directory", "kubernetes");
        devices.put("secret", gateway.getMetadata().getNamespace() + "/" + GatewayModel.devicesSecretName(gateway));
        devices.put("tokenFile", TwinAccess.TOKEN_FILE);
        devices.put("caFile", TwinAccess.CA_FILE);
        if (doc.get("twin") instanceof Map<?, ?> twin && twin.containsKey("devicesFile")) {
            ((Map<String, Object>) twin)
                    .put(
                            "devicesFile",
                            RegistrySecretWatch.publishedFile(paths.dataDir(), TwinAccess.TWIN_FILE)
                                    .toString());
        }
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
