package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fogbridge.operator.crd.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects one Gateway wants, Strimzi-style: a pure model (no client calls) built from the resource,
 * one {@code generate*} method per object. Every object is named after the Gateway and carries its labels; the
 * reconciler adds the owner reference.
 */
public final class GatewayModel {

    public static final String CONFIG_HASH_ANNOTATION = Gateway.GROUP + "/config-hash";
    static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "fogbridge-operator";

    private final Gateway gateway;
    private final RenderedConfig config;
    private final OperatorDefaults defaults;
    private final DeviceSet devices;
    private final StandbyPlacement standby;

    private GatewayModel(
            Gateway gateway,
            RenderedConfig config,
            OperatorDefaults defaults,
            DeviceSet devices,
            StandbyPlacement standby) {
        this.gateway = gateway;
        this.config = config;
        this.defaults = defaults;
        this.devices = devices;
        this.standby = standby;
    }

    /**
     * @throws InvalidGatewaySpec the spec renders to a config the gateway would refuse
     */
    public static GatewayModel from(Gateway gateway, OperatorDefaults defaults) throws InvalidGatewaySpec {
        RenderedConfig config = new GatewayConfigRenderer(PodPaths.inPod()).render(gateway);
        return new GatewayModel(gateway, config, defaults, null, null);
    }

    /**
     * With the devices assigned to the Gateway: their registry Secret, and their converter entries in the config.
     *
     * @throws InvalidGatewaySpec the spec renders to a config the gateway would refuse
     */
    public static GatewayModel from(Gateway gateway, OperatorDefaults defaults, DeviceSet devices)
            throws InvalidGatewaySpec {
        return from(gateway, defaults, devices, null);
    }

    /**
     * With the devices, and with where the site's nodes let a backup's standby run ({@link StandbyPlacement}; null:
     * the scheduler alone places both pods).
     *
     * @throws InvalidGatewaySpec the spec renders to a config the gateway would refuse
     */
    public static GatewayModel from(
            Gateway gateway, OperatorDefaults defaults, DeviceSet devices, StandbyPlacement standby)
            throws InvalidGatewaySpec {
        RenderedConfig config = new GatewayConfigRenderer(PodPaths.inPod()).render(gateway, devices);
        return new GatewayModel(gateway, config, defaults, devices, standby);
    }

    public RenderedConfig config() {
        return config;
    }

    /** Every object, in the order they are applied: what the pod mounts and uses before the pod. */
    public List<HasMetadata> desiredObjects() {
        List<HasMetadata> objects = new java.util.ArrayList<>();
        if (devices != null) {
            objects.add(generateDevicesSecret());
        }
        objects.addAll(List.of(
                generateConfigMap(),
                generateServiceAccount(),
                generateRole(),
                generateRoleBinding(),
                generateService(),
                new GatewayNetworkPolicy(gateway, selectorLabels(), FieldEndpoints.of(config.yaml())).generate(),
                generatePodDisruptionBudget(),
                new GatewayWorkload(gateway, config, defaults, selectorLabels(), standby).generateStatefulSet()));
        return objects;
    }

    public String name() {
        return gateway.getMetadata().getName();
    }

    public static String configMapName(Gateway gateway) {
        return gateway.getMetadata().getName() + "-config";
    }

    public static String devicesSecretName(Gateway gateway) {
        return gateway.getMetadata().getName() + "-devices";
    }

    /** The registry and key files of the Gateway's devices ({@link DeviceSet}), mounted at {@code devicesDir}. */
    public Secret generateDevicesSecret() {
        return new SecretBuilder()
                .withMetadata(metadata(devicesSecretName(gateway)))
                .withType("Opaque")
                .withStringData(devices.secretData())
                .build();
    }

    public ConfigMap generateConfigMap() {
        return new ConfigMapBuilder()
                .withMetadata(metadata(configMapName(gateway)))
                .withData(Map.of(PodPaths.CONFIG_FILE, config.yaml()))
                .build();
    }

    /**
     * The gateway reads nothing from the API (its config and Secrets are mounted), so without a backup, a direct
     * twin ({@link TwinAccess}) or the Kubernetes device directory ({@link DirectoryAccess}) the pod gets no token and the Role no rules. With a backup the lease container may use the Gateway's Lease and label the
     * Gateway's two pods, by name, and nothing else.
     */
    public ServiceAccount generateServiceAccount() {
        return new ServiceAccountBuilder()
                .withMetadata(metadata(name()))
                .withAutomountServiceAccountToken(false)
                .build();
    }

    public Role generateRole() {
        Backup backup = Backup.of(gateway);
        if (!backup.enabled()) {
            return new RoleBuilder()
                    .withMetadata(metadata(name()))
                    .withRules(apiRules())
                    .build();
        }
        // create cannot be limited by name (the name is in the body, not the URL): it is granted alone.
        return new RoleBuilder()
                .withMetadata(metadata(name()))
                .addNewRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withResourceNames(backup.leaseName())
                .withVerbs("get", "update")
                .endRule()
                .addNewRule()
                .withApiGroups("coordination.k8s.io")
                .withResources("leases")
                .withVerbs("create")
                .endRule()
                .addNewRule()
                .withApiGroups("")
                .withResources("pods")
                .withResourceNames(backup.podNames())
                .withVerbs("get", "patch")
                .endRule()
                .addAllToRules(apiRules())
                .build();
    }

    /** What the gateway itself asks of the API server: its Devices' status (direct twin), its devices Secret. */
    private List<PolicyRule> apiRules() {
        List<PolicyRule> rules = new ArrayList<>(TwinAccess.rules(gateway, devices));
        rules.addAll(DirectoryAccess.rules(gateway));
        return rules;
    }

    public RoleBinding generateRoleBinding() {
        return new RoleBindingBuilder()
                .withMetadata(metadata(name()))
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", name())
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(name())
                .withNamespace(gateway.getMetadata().getNamespace())
                .endSubject()
                .build();
    }

    /**
     * The device-facing Service; devices reconnect to it when the pod moves. With a backup it selects the active pod
     * only (the Lease holder's label), so the standby gets no device traffic.
     */
    public Service generateService() {
        List<ServicePort> ports = GatewayPorts.devicePorts(gateway.getSpec()).stream()
                .map(p -> new ServicePortBuilder()
                        .withName(p.name())
                        .withPort(p.number())
                        .withTargetPort(new IntOrString(p.number()))
                        .withProtocol(p.protocol())
                        .build())
                .toList();
        return new ServiceBuilder()
                .withMetadata(metadata(name()))
                .withNewSpec()
                .withSelector(deviceSelector())
                .withPorts(ports)
                .endSpec()
                .build();
    }

    /**
     * At most one pod down by a voluntary disruption (a node drain). With one pod this does not block drains, which
     * an edge node must allow; with the standby it keeps one serving.
     */
    public PodDisruptionBudget generatePodDisruptionBudget() {
        return new PodDisruptionBudgetBuilder()
                .withMetadata(metadata(name()))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(selectorLabels())
                .endSelector()
                .endSpec()
                .build();
    }

    private Map<String, String> deviceSelector() {
        if (!Backup.of(gateway).enabled()) {
            return selectorLabels();
        }
        Map<String, String> selector = new java.util.TreeMap<>(selectorLabels());
        selector.put(Backup.ACTIVE_LABEL, "true");
        return selector;
    }

    Map<String, String> selectorLabels() {
        return Map.of(NAME_LABEL, "fogbridge-gateway", INSTANCE_LABEL, name());
    }

    private ObjectMeta metadata(String name) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(gateway.getMetadata().getNamespace())
                .addToLabels(selectorLabels())
                .addToLabels(MANAGED_BY_LABEL, MANAGED_BY)
                .build();
    }
}
