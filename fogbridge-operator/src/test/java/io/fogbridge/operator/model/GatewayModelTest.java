package io.fogbridge.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fogbridge.operator.Gateways;
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
                        assertThat(e.getName() + "=" + e.getValue()).isEqualTo("FOGBRIDGE_LEASE_PODS=lathe-0,lathe-1"));
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
