package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fogbridge.operator.Gateways;
import io.fogbridge.operator.crd.CommandsSpec;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.KafkaSpec;
import io.fogbridge.operator.crd.SpoolSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure model: what one Gateway resource turns into, without an API server. */
class GatewayModelTest {

    private static final OperatorDefaults DEFAULTS = new OperatorDefaults("fogbridge-gateway:test", "edge-critical");

    @Test
    void thePodRunsAsNonRootOnAReadOnlyRootWithProbesAndTheConfigHash() throws Exception {
        GatewayModel model = GatewayModel.from(Gateways.lathe("plant-1", "lathe"), DEFAULTS);
        StatefulSet statefulSet = statefulSet(model);
        PodSpec pod = statefulSet.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();

        assertThat(statefulSet.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(
                        GatewayModel.CONFIG_HASH_ANNOTATION, model.config().restartHash());
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getPriorityClassName()).isEqualTo("edge-critical");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getArgs()).containsExactly("run", "--config", "/etc/fogbridge/config/gateway.yaml");
        assertThat(statefulSet
                        .getSpec()
                        .getVolumeClaimTemplates()
                        .getFirst()
                        .getSpec()
                        .getResources()
                        .getRequests())
                .containsKey("storage");
        assertThat(container.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/fogbridge"));
    }

    @Test
    void aBackupRunsTwoPodsOnTwoNodesWithALeaseContainerAndTheServiceSelectsTheActiveOne() throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().placement = new io.fogbridge.operator.crd.Placement();
        gateway.getSpec().placement.nodeSelector = java.util.Map.of("fogbridge.io/role", "lathe");
        gateway.getSpec().placement.backup = true;
        GatewayModel model = GatewayModel.from(gateway, DEFAULTS);
        StatefulSet statefulSet = statefulSet(model);
        PodSpec pod = statefulSet.getSpec().getTemplate().getSpec();

        assertThat(statefulSet.getSpec().getReplicas()).isEqualTo(2);
        assertThat(statefulSet.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(pod.getNodeSelector()).containsEntry("fogbridge.io/role", "lathe");
        var antiAffinity = pod.getAffinity()
                .getPodAntiAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution()
                .getFirst();
        assertThat(antiAffinity.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(antiAffinity.getLabelSelector().getMatchLabels()).isEqualTo(model.selectorLabels());
        assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("gateway", "lease");
        Container lease = pod.getContainers().get(1);
        assertThat(lease.getImage()).isEqualTo(OperatorDefaults.DEFAULT_LEASE_IMAGE);
        assertThat(lease.getEnv())
                .anySatisfy(e ->
                        assertThat(e.getName() + "=" + e.getValue()).isEqualTo("FOGBRIDGE_LEASE_NAME=lathe-active"))
                .anySatisfy(e ->
                        assertThat(e.getName() + "=" + e.getValue()).isEqualTo("FOGBRIDGE_LEASE_PODS=lathe-0,lathe-1"))
                .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue())
                        .isEqualTo("FOGBRIDGE_GATEWAY_HEALTH_URL=http://127.0.0.1:8080/healthz"));
        assertThat(pod.getAutomountServiceAccountToken()).isTrue();
        // Each pod numbers its records under its own id.
        assertThat(pod.getContainers().getFirst().getEnv()).anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue())
                .isEqualTo("FOGBRIDGE_GATEWAY_ID=$(POD_NAMESPACE).$(POD_NAME)"));
        assertThat(model.generateService().getSpec().getSelector())
                .containsAllEntriesOf(model.selectorLabels())
                .containsEntry(Backup.ACTIVE_LABEL, "true");
        assertThat(model.generateRole().getRules())
                .anySatisfy(r -> {
                    assertThat(r.getResources()).containsExactly("pods");
                    assertThat(r.getResourceNames()).containsExactly("lathe-0", "lathe-1");
                    assertThat(r.getVerbs()).containsExactly("get", "patch");
                })
                .anySatisfy(r -> assertThat(r.getResourceNames()).containsExactly("lathe-active"));
    }

    @Test
    void withoutABackupOnePodNoTokenNoRulesAndTheServiceSelectsThePod() throws Exception {
        GatewayModel model = GatewayModel.from(Gateways.lathe("plant-1", "lathe"), DEFAULTS);
        assertThat(statefulSet(model).getSpec().getReplicas()).isEqualTo(1);
        assertThat(statefulSet(model).getSpec().getTemplate().getSpec().getContainers())
                .hasSize(1);
        assertThat(model.generateRole().getRules()).isEmpty();
        assertThat(model.generateService().getSpec().getSelector()).isEqualTo(model.selectorLabels());
    }

    @Test
    void theSameSpecRendersTheSameHashAndAChangedRouteAnother() throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        String first = GatewayModel.from(gateway, DEFAULTS).config().hash();
        assertThat(GatewayModel.from(Gateways.lathe("plant-1", "lathe"), DEFAULTS)
                        .config()
                        .hash())
                .isEqualTo(first);

        String firstRestart = GatewayModel.from(gateway, DEFAULTS).config().restartHash();
        gateway.getSpec().routes.add(Gateways.route("factory/+site/tank/+device/#", "fog.telemetry.{site}"));
        gateway.getSpec().labels = java.util.Map.of("line", "tank");
        assertThat(GatewayModel.from(gateway, DEFAULTS).config().hash()).isNotEqualTo(first);
        // Routes and labels are applied by the running gateway: the restart hash (the pod template's) stays.
        assertThat(GatewayModel.from(gateway, DEFAULTS).config().restartHash()).isEqualTo(firstRestart);

        gateway.getSpec().spool = new SpoolSpec();
        gateway.getSpec().spool.fsync = "interval:200";
        assertThat(GatewayModel.from(gateway, DEFAULTS).config().restartHash()).isNotEqualTo(firstRestart);
    }

    @Test
    void spoolPolicyAndSizeReachTheConfig() throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().spool = new SpoolSpec();
        gateway.getSpec().spool.size = "10Gi";
        gateway.getSpec().spool.fsync = "interval:5";
        gateway.getSpec().spool.whenFull = SpoolSpec.WhenFull.DROP_OLDEST;

        String yaml = GatewayModel.from(gateway, DEFAULTS).config().yaml();

        assertThat(yaml)
                .contains("maxBytes: " + (10L * 1024 * 1024 * 1024 / 10 * 9))
                .contains("fsync: interval:5")
                .contains("whenFull: drop-oldest");
    }

    @Test
    void placementResourcesImagePriorityAdaptersAndPeersReachTheirObjects() throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        var placement = new io.fogbridge.operator.crd.Placement();
        var zone = new io.fogbridge.operator.crd.Placement.NodeLabelRequirement();
        zone.key = "topology.kubernetes.io/zone";
        zone.operator = io.fogbridge.operator.crd.Placement.Operator.IN;
        zone.values = List.of("hall-3");
        placement.nodeAffinity = List.of(zone);
        placement.tolerations = List.of(new io.fabric8.kubernetes.api.model.TolerationBuilder()
                .withKey("fogbridge.io/edge")
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build());
        gateway.getSpec().placement = placement;
        gateway.getSpec().resources = new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"))
                .build();
        gateway.getSpec().image = "registry.plant-1.local/fogbridge-gateway:0.1.0";
        gateway.getSpec().priorityClassName = "plant-critical";
        gateway.getSpec().adapters = new io.fogbridge.operator.crd.AdaptersSpec();
        gateway.getSpec().adapters.http = new io.fogbridge.operator.crd.AdaptersSpec.Endpoint();
        gateway.getSpec().adapters.http.enabled = true;
        gateway.getSpec().adapters.http.port = 8088;
        gateway.getSpec().adapters.coap = new io.fogbridge.operator.crd.AdaptersSpec.Endpoint();
        gateway.getSpec().adapters.coap.enabled = true;
        var hall = new io.fogbridge.operator.crd.AllowedPeer();
        hall.cidr = "192.168.10.0/24";
        gateway.getSpec().allowedFrom = List.of(hall);

        GatewayModel model = GatewayModel.from(gateway, DEFAULTS);
        PodSpec pod = statefulSet(model).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();

        assertThat(pod.getAffinity()
                        .getNodeAffinity()
                        .getRequiredDuringSchedulingIgnoredDuringExecution()
                        .getNodeSelectorTerms()
                        .getFirst()
                        .getMatchExpressions()
                        .getFirst())
                .satisfies(term -> {
                    assertThat(term.getKey()).isEqualTo("topology.kubernetes.io/zone");
                    assertThat(term.getOperator()).isEqualTo("In");
                    assertThat(term.getValues()).containsExactly("hall-3");
                });
        assertThat(pod.getTolerations()).singleElement().satisfies(t -> assertThat(t.getKey())
                .isEqualTo("fogbridge.io/edge"));
        assertThat(pod.getPriorityClassName()).isEqualTo("plant-critical");
        assertThat(container.getImage()).isEqualTo("registry.plant-1.local/fogbridge-gateway:0.1.0");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(model.generateService().getSpec().getPorts())
                .extracting(p -> p.getProtocol() + "/" + p.getPort())
                .contains("TCP/1883", "TCP/8088", "UDP/5683");
        assertThat(model.config().yaml()).contains("http:", "port: 8088", "coap:", "port: 5683");
        var ingress = networkPolicy(model).getSpec().getIngress().getFirst();
        assertThat(ports(ingress.getPorts())).contains("TCP/1883", "TCP/8088", "UDP/5683", "TCP/8080");
        assertThat(ingress.getFrom().getFirst().getIpBlock().getCidr()).isEqualTo("192.168.10.0/24");
    }

    @Test
    void commandsReachTheConfigAndAreRefusedWithABackup() throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().commands = new CommandsSpec();
        gateway.getSpec().commands.tenants = List.of("acme", "globex");
        gateway.getSpec().commands.unknownDevices = CommandsSpec.UnknownDevices.IGNORE;

        assertThat(GatewayModel.from(gateway, DEFAULTS).config().yaml())
                .contains("commands:\n  enabled: true\n  tenants:")
                .contains("acme,globex")
                .contains("unknownDevices: ignore");

        gateway.getSpec().placement = new io.fogbridge.operator.crd.Placement();
        gateway.getSpec().placement.backup = true;
        assertThatThrownBy(() -> GatewayModel.from(gateway, DEFAULTS))
                .isInstanceOf(InvalidGatewaySpec.class)
                .hasMessageContaining("Gateway plant-1/lathe: spec.commands")
                .hasMessageContaining("placement.backup");

        gateway.getSpec().placement.backup = false;
        gateway.getSpec().commands.tenants = List.of("not a tenant");
        assertThatThrownBy(() -> GatewayModel.from(gateway, DEFAULTS))
                .isInstanceOf(InvalidGatewaySpec.class)
                .hasMessageContaining("commands.tenants");
    }

    /**
     * The lease moves only the device traffic: nothing a holder changes (the pod's active label) reaches what keeps
     * the standby's gateway running and draining its spool: its egress to Kafka, its pod template, its probes.
     */
    @Test
    void aPodThatLostTheLeaseStillReachesKafkaAndKeepsItsGatewayRunning() throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().kafka.bootstrap = "10.0.0.9:9093";
        gateway.getSpec().placement = new io.fogbridge.operator.crd.Placement();
        gateway.getSpec().placement.backup = true;
        GatewayModel model = GatewayModel.from(gateway, DEFAULTS);
        NetworkPolicy policy = networkPolicy(model);
        StatefulSet statefulSet = statefulSet(model);

        // Both pods, active or not, may dial out to Kafka.
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(model.selectorLabels())
                .doesNotContainKey(Backup.ACTIVE_LABEL);
        assertThat(policy.getSpec().getEgress())
                .anySatisfy(rule -> assertThat(ports(rule.getPorts())).contains("TCP/9093"));
        // The label the lease flips is no part of the template, so flipping it never rolls a pod.
        assertThat(statefulSet.getSpec().getTemplate().getMetadata().getLabels())
                .doesNotContainKey(Backup.ACTIVE_LABEL);
        assertThat(statefulSet.getSpec().getSelector().getMatchLabels()).doesNotContainKey(Backup.ACTIVE_LABEL);
        // The gateway's health is its own: the probes ask the gateway, never the lease.
        Container gatewayContainer =
                statefulSet.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(gatewayContainer.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(gatewayContainer.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(gatewayContainer.getEnv())
                .noneSatisfy(e -> assertThat(e.getName()).startsWith("FOGBRIDGE_LEASE"));
        // A drain keeps one of the two, active or not.
        assertThat(model.desiredObjects())
                .filteredOn(o -> o instanceof io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget)
                .singleElement()
                .satisfies(o -> assertThat(((io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget) o)
                                .getSpec()
                                .getSelector()
                                .getMatchLabels())
                        .doesNotContainKey(Backup.ACTIVE_LABEL));
    }

    @Test
    void kafkaSecretsAreMountedAndReadThroughTheDirectoryProviderNeverCopiedIntoTheConfig() throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().kafka.tls = new KafkaSpec.TlsSecret();
        gateway.getSpec().kafka.tls.secretName = "lathe-kafka-user";
        gateway.getSpec().kafka.scram = new KafkaSpec.ScramSecret();
        gateway.getSpec().kafka.scram.secretName = "lathe-scram";
        gateway.getSpec().kafka.scram.username = "lathe";

        GatewayModel model = GatewayModel.from(gateway, DEFAULTS);
        PodSpec pod = statefulSet(model).getSpec().getTemplate().getSpec();

        assertThat(model.config().yaml())
                .contains("security.protocol: SASL_SSL")
                .contains("ssl.truststore.location: /etc/fogbridge/kafka-tls/ca.crt")
                .contains("${dir:/etc/fogbridge/kafka-tls:tls.key}")
                .contains("${dir:/etc/fogbridge/kafka-scram:password}");
        assertThat(pod.getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret()).isNotNull().satisfies(s -> assertThat(s.getSecretName())
                        .isEqualTo("lathe-kafka-user")))
                .anySatisfy(v -> assertThat(v.getSecret()).isNotNull().satisfies(s -> assertThat(s.getSecretName())
                        .isEqualTo("lathe-scram")));
        assertThat(pod.getContainers().getFirst().getEnv())
                .anySatisfy(e -> assertThat(e.getValue()).contains("DirectoryConfigProvider"));
    }

    @Test
    void theNetworkPolicyAdmitsOnlyAllowedPeersOnDeviceAndOpsPortsAndLetsOutOnlyKafkaAndDns() throws Exception {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().kafka.bootstrap = "10.20.0.5:9093";

        NetworkPolicy policy = networkPolicy(GatewayModel.from(gateway, DEFAULTS));

        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        var ingress = policy.getSpec().getIngress().getFirst();
        assertThat(ports(ingress.getPorts())).containsExactly("TCP/1883", "TCP/8080");
        assertThat(ingress.getFrom().getFirst().getPodSelector().getMatchLabels())
                .containsEntry("fogbridge.io/role", "sensor");
        var egress = policy.getSpec().getEgress();
        assertThat(ports(egress.get(0).getPorts())).containsExactly("TCP/9093");
        assertThat(egress.get(0).getTo().getFirst().getIpBlock().getCidr()).isEqualTo("10.20.0.5/32");
        assertThat(ports(egress.get(1).getPorts())).containsExactly("UDP/53", "TCP/53");

        // Without allowedFrom only the operator's pods get in, and only to the ops port (it reads /metrics).
        gateway.getSpec().allowedFrom = List.of();
        assertThat(networkPolicy(GatewayModel.from(gateway, DEFAULTS)).getSpec().getIngress())
                .singleElement()
                .satisfies(rule -> {
                    assertThat(ports(rule.getPorts())).containsExactly("TCP/8080");
                    assertThat(rule.getFrom().getFirst().getPodSelector().getMatchLabels())
                            .containsExactly(java.util.Map.entry("app.kubernetes.io/name", "fogbridge-operator"));
                });
    }

    @Test
    void aSpecTheLoaderRefusesIsReportedWithTheLoadersMessage() {
        Gateway gateway = Gateways.lathe("plant-1", "lathe");
        gateway.getSpec().routes.add(Gateways.route("factory/+site/#", "fog.telemetry.{plant}"));

        assertThatThrownBy(() -> GatewayModel.from(gateway, DEFAULTS))
                .isInstanceOf(InvalidGatewaySpec.class)
                .hasMessageContaining("Gateway plant-1/lathe")
                .hasMessageContaining("routes");
    }

    private static StatefulSet statefulSet(GatewayModel model) {
        return (StatefulSet) model.desiredObjects().stream()
                .filter(StatefulSet.class::isInstance)
                .findFirst()
                .orElseThrow();
    }

    private static NetworkPolicy networkPolicy(GatewayModel model) {
        return (NetworkPolicy) model.desiredObjects().stream()
                .filter(NetworkPolicy.class::isInstance)
                .findFirst()
                .orElseThrow();
    }

    private static List<String> ports(List<NetworkPolicyPort> ports) {
        return ports.stream()
                .map(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .toList();
    }
}
