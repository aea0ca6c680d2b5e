package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.GatewaySpec;
import io.fogbridge.operator.crd.ListenerSpec;
import io.fogbridge.operator.crd.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's StatefulSet: one pod, the spool on a PersistentVolumeClaim, the rendered config and the Secrets
 * mounted read-only, a non-root user on a read-only root file system. The pod template carries the hash of the
 * config's keys that need a restart, so a change of those rolls the pod; routes, labels and the converters'
 * sections do not (the running gateway reloads them from the mounted file). With a {@link Backup} two pods, never on one node, each with its own spool claim,
 * its own {@code gateway.id} and a lease container ({@link LeaseContainer}).
 */
final class GatewayWorkload {

    static final long USER = 10001;
    private static final String SPOOL_VOLUME = "spool";

    private final Gateway gateway;
    private final GatewaySpec spec;
    private final RenderedConfig config;
    private final OperatorDefaults defaults;
    private final Map<String, String> selector;
    private final PodPaths paths = PodPaths.inPod();
    private final Backup backup;
    private final StandbyPlacement standby;

    /**
     * @param standby where the site's nodes let the standby run ({@link StandbyPlacement}); null: both pods of a
     *     backup, placed by the scheduler alone
     */
    GatewayWorkload(
            Gateway gateway,
            RenderedConfig config,
            OperatorDefaults defaults,
            Map<String, String> selector,
            StandbyPlacement standby) {
        this.gateway = gateway;
        this.spec = gateway.getSpec();
        this.config = config;
        this.defaults = defaults;
        this.selector = selector;
        this.backup = Backup.of(gateway);
        this.standby = backup.enabled() ? standby : null;
    }

    StatefulSet generateStatefulSet() {
        String name = gateway.getMetadata().getName();
        return new StatefulSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(gateway.getMetadata().getNamespace())
                .addToLabels(selector)
                .addToLabels(GatewayModel.MANAGED_BY_LABEL, GatewayModel.MANAGED_BY)
                .endMetadata()
                .withNewSpec()
                .withReplicas(standby == null ? backup.replicas() : standby.replicas())
                // Both pods start together: the standby must not wait for the active one to be ready.
                .withPodManagementPolicy(backup.enabled() ? "Parallel" : null)
                .withServiceName(name)
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels(selector)
                .addToAnnotations(GatewayModel.CONFIG_HASH_ANNOTATION, config.restartHash())
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(name)
                // Only the lease container, and the gateway with a direct twin or the Kubernetes device directory,
                // talk to the API server.
                .withAutomountServiceAccountToken(
                        backup.enabled() || TwinAccess.direct(gateway) || DirectoryAccess.kubernetes(gateway))
                .withPriorityClassName(
                        spec.priorityClassName == null ? defaults.priorityClassName() : spec.priorityClassName)
                .withNodeSelector(placement().nodeSelector)
                .withAffinity(affinity())
                .withTolerations(placement().tolerations)
                .withNewSecurityContext()
                .withRunAsNonRoot(true)
                .withRunAsUser(USER)
                .withRunAsGroup(USER)
                .withFsGroup(USER)
                .withNewSeccompProfile("", "RuntimeDefault")
                .endSecurityContext()
                .withContainers(containers())
                .withVolumes(volumes())
                .endSpec()
                .endTemplate()
                .withVolumeClaimTemplates(spoolClaim())
                .endSpec()
                .build();
    }

    private Placement placement() {
        return spec.placement == null ? new Placement() : spec.placement;
    }

    private Affinity affinity() {
        List<Placement.NodeLabelRequirement> terms = new ArrayList<>();
        if (placement().nodeAffinity != null) {
            terms.addAll(placement().nodeAffinity);
        }
        if (standby != null && standby.siteNodesKnown()) {
            // Only the site's nodes: the operator counts those when it decides whether a standby has room.
            Placement.NodeLabelRequirement site = new Placement.NodeLabelRequirement();
            site.key = StandbyPlacement.SITE_LABEL;
            site.operator = Placement.Operator.IN;
            site.values = List.of(spec.site);
            terms.add(site);
        }
        boolean byNodeLabel = !terms.isEmpty();
        if (!byNodeLabel && !backup.enabled()) {
            return null;
        }
        AffinityBuilder affinity = new AffinityBuilder();
        if (byNodeLabel) {
            affinity.withNodeAffinity(nodeAffinity(terms));
        }
        if (backup.enabled()) {
            // Required, not preferred: a standby on the active pod's node would die with it, which is no backup.
            // With one matching node the standby stays Pending, and says so in its events.
            affinity.withNewPodAntiAffinity()
                    .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .withNewLabelSelector()
                    .withMatchLabels(selector)
                    .endLabelSelector()
                    .withTopologyKey("kubernetes.io/hostname")
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endPodAntiAffinity();
        }
        return affinity.build();
    }

    private static io.fabric8.kubernetes.api.model.NodeAffinity nodeAffinity(
            List<Placement.NodeLabelRequirement> terms) {
        List<NodeSelectorRequirement> expressions = terms.stream()
                .map(t -> new NodeSelectorRequirementBuilder()
                        .withKey(t.key)
                        .withOperator(t.operator.value)
                        .withValues(t.values)
                        .build())
                .toList();
        return new io.fabric8.kubernetes.api.model.NodeAffinityBuilder()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .withMatchExpressions(expressions)
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .build();
    }

    private List<Container> containers() {
        if (!backup.enabled()) {
            return List.of(container());
        }
        return List.of(container(), new LeaseContainer(backup, defaults.leaseImage()).generate());
    }

    private Container container() {
        List<ContainerPort> ports = new ArrayList<>();
        for (GatewayPorts.Port port : GatewayPorts.devicePorts(spec)) {
            ports.add(new ContainerPortBuilder()
                    .withName(port.name())
                    .withContainerPort(port.number())
                    .withProtocol(port.protocol())
                    .build());
        }
        ports.add(new ContainerPortBuilder()
                .withName("ops")
                .withContainerPort(GatewayPorts.OPS)
                .withProtocol("TCP")
                .build());
        List<EnvVar> env = new ArrayList<>();
        if (spec.kafka.tls != null || spec.kafka.scram != null) {
            env.add(new EnvVar("JAVA_TOOL_OPTIONS", KafkaClientProperties.ALLOW_PROVIDER, null));
        }
        if (backup.enabled()) {
            // Two pods of one Gateway are two gateways to Kafka: each numbers its records (fog-seq) under its own
            // id, or a consumer would drop one pod's records as replays of the other's.
            env.addAll(LeaseContainer.podIdentity());
            env.add(new EnvVar("FOGBRIDGE_GATEWAY_ID", "$(POD_NAMESPACE).$(POD_NAME)", null));
        }
        return new ContainerBuilder()
                .withName("gateway")
                .withImage(spec.image == null ? defaults.image() : spec.image)
                .withArgs(
                        "run",
                        "--config",
                        paths.configDir().resolve(PodPaths.CONFIG_FILE).toString())
                .withPorts(ports)
                .withEnv(env)
                .withResources(spec.resources)
                .withReadinessProbe(probe("/readyz", 5))
                .withLivenessProbe(probe("/healthz", 30))
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .withVolumeMounts(mounts())
                .build();
    }

    private static Probe probe(String path, int initialDelaySeconds) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withPort(new IntOrString("ops"))
                .endHttpGet()
                .withInitialDelaySeconds(initialDelaySeconds)
                .withPeriodSeconds(10)
                .build();
    }

    private List<VolumeMount> mounts() {
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(mount("config", paths.configDir().toString()));
        mounts.add(new VolumeMountBuilder()
                .withName(SPOOL_VOLUME)
                .withMountPath(paths.dataDir().toString())
                .build());
        mounts.add(new VolumeMountBuilder()
                .withName("tmp")
                .withMountPath(paths.tmpDir().toString())
                .build());
        mounts.add(mount("devices", paths.devicesDir().toString()));
        if (spec.kafka.tls != null) {
            mounts.add(mount("kafka-tls", paths.kafkaTlsDir().toString()));
        }
        if (spec.kafka.scram != null) {
            mounts.add(mount("kafka-scram", paths.kafkaScramDir().toString()));
        }
        for (ListenerSpec listener : GatewayPorts.listeners(spec)) {
            if (listener.tls != null) {
                mounts.add(mount(
                        "listener-" + listener.port,
                        paths.listenerTlsDir(listener.port).toString()));
            }
        }
        return mounts;
    }

    private static VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder()
                .withName(volume)
                .withMountPath(path)
                .withReadOnly(true)
                .build();
    }

    private List<Volume> volumes() {
        List<Volume> volumes = new ArrayList<>();
        volumes.add(new VolumeBuilder()
                .withName("config")
                .withNewConfigMap()
                .withName(GatewayModel.configMapName(gateway))
                .endConfigMap()
                .build());
        volumes.add(new VolumeBuilder()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .build());
        // Not in the config hash: the gateway polls the registry file, so a device change never rolls the pod.
        volumes.add(new VolumeBuilder(secretVolume("devices", GatewayModel.devicesSecretName(gateway)))
                .editSecret()
                .withOptional(true)
                .endSecret()
                .build());
        if (spec.kafka.tls != null) {
            volumes.add(secretVolume("kafka-tls", spec.kafka.tls.secretName));
        }
        if (spec.kafka.scram != null) {
            volumes.add(secretVolume("kafka-scram", spec.kafka.scram.secretName));
        }
        for (ListenerSpec listener : GatewayPorts.listeners(spec)) {
            if (listener.tls != null) {
                volumes.add(secretVolume("listener-" + listener.port, listener.tls.secretName));
            }
        }
        return volumes;
    }

    private static Volume secretVolume(String name, String secretName) {
        // 0440 with fsGroup: readable by the gateway's group, not by the world.
        return new VolumeBuilder()
                .withName(name)
                .withNewSecret()
                .withSecretName(secretName)
                .withDefaultMode(0440)
                .endSecret()
                .build();
    }

    private PersistentVolumeClaim spoolClaim() {
        String size = spec.spool == null || spec.spool.size == null
                ? GatewayConfigRenderer.DEFAULT_SPOOL_SIZE
                : spec.spool.size;
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(SPOOL_VOLUME)
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(spec.spool == null ? null : spec.spool.storageClassName)
                .withNewResources()
                .addToRequests("storage", new Quantity(size))
                .endResources()
                .endSpec()
                .build();
    }
}
