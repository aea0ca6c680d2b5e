package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fogbridge.operator.crd.AllowedPeer;
import io.fogbridge.operator.crd.Gateway;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The gateway as the single point that crosses the firewall: ingress only on the device and ops ports and only from
 * {@code allowedFrom} (nothing, when it is empty); egress only to the Kafka bootstrap ports and DNS. A bootstrap host
 * given as an IP address narrows egress to that address; a host name cannot be said in a NetworkPolicy, so its port
 * is allowed to any address. The brokers Kafka's metadata names later must listen on the bootstrap ports. With a
 * backup ({@link Backup}) the pods also reach the API server (ports 443 and 6443) to hold the active Lease. The
 * converters dial their field devices ({@link FieldEndpoints}: Modbus and OPC UA servers, of the Gateway and of its
 * Devices), each allowed on its own port, to its address when it is an IP address.
 */
final class GatewayNetworkPolicy {

    private static final Pattern IPV4 = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");
    /** A scan's CIDR block ({@code discovery[].target}). */
    private static final Pattern IPV4_BLOCK = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$");

    private static final String NAME_LABEL = "app.kubernetes.io/name";
    /** The chart labels the operator's pods {@code app.kubernetes.io/name: fogbridge-operator}. */
    private static final String OPERATOR_NAME = "fogbridge-operator";

    private final Gateway gateway;
    private final Map<String, String> selector;
    private final FieldEndpoints field;

    GatewayNetworkPolicy(Gateway gateway, Map<String, String> selector, FieldEndpoints field) {
        this.gateway = gateway;
        this.selector = selector;
        this.field = field;
    }

    NetworkPolicy generate() {
        return new NetworkPolicyBuilder()
                .withNewMetadata()
                .withName(gateway.getMetadata().getName())
                .withNamespace(gateway.getMetadata().getNamespace())
                .addToLabels(selector)
                .addToLabels(GatewayModel.MANAGED_BY_LABEL, GatewayModel.MANAGED_BY)
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(selector)
                .endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .withIngress(ingress())
                .withEgress(egress())
                .endSpec()
                .build();
    }

    private List<NetworkPolicyIngressRule> ingress() {
        List<AllowedPeer> allowed = gateway.getSpec().allowedFrom;
        // The operator reads the gateway's figures from /metrics: its pods (by the chart's label, in any namespace,
        // since the Gateway does not know where the operator runs) may reach the ops port and nothing else.
        NetworkPolicyIngressRule operator = new NetworkPolicyIngressRuleBuilder()
                .addNewFrom()
                .withNamespaceSelector(new LabelSelector(null, Map.of()))
                .withPodSelector(new LabelSelector(null, Map.of(NAME_LABEL, OPERATOR_NAME)))
                .endFrom()
                .withPorts(port(GatewayPorts.OPS, "TCP"))
                .build();
        if (allowed == null || allowed.isEmpty()) {
            return List.of(operator);
        }
        List<NetworkPolicyPort> ports = new ArrayList<>();
        for (GatewayPorts.Port port : GatewayPorts.devicePorts(gateway.getSpec())) {
            ports.add(port(port.number(), port.protocol()));
        }
        ports.add(port(GatewayPorts.OPS, "TCP"));
        List<NetworkPolicyPeer> peers =
                allowed.stream().map(GatewayNetworkPolicy::peer).toList();
        return List.of(
                new NetworkPolicyIngressRuleBuilder()
                        .withFrom(peers)
                        .withPorts(ports)
                        .build(),
                operator);
    }

    private static NetworkPolicyPeer peer(AllowedPeer allowed) {
        NetworkPolicyPeerBuilder peer = new NetworkPolicyPeerBuilder();
        if (allowed.cidr != null) {
            peer.withNewIpBlock().withCidr(allowed.cidr).endIpBlock();
        }
        if (allowed.podSelector != null) {
            peer.withPodSelector(new LabelSelector(null, allowed.podSelector));
        }
        if (allowed.namespaceSelector != null) {
            peer.withNamespaceSelector(new LabelSelector(null, allowed.namespaceSelector));
        }
        return peer.build();
    }

    private List<NetworkPolicyEgressRule> egress() {
        Set<Integer> kafkaPorts = new LinkedHashSet<>();
        List<NetworkPolicyPeer> addresses = new ArrayList<>();
        boolean anyHostName = false;
        for (String server : gateway.getSpec().kafka.bootstrap.split(",")) {
            int colon = server.lastIndexOf(':');
            String host = server.substring(0, colon);
            kafkaPorts.add(Integer.parseInt(server.substring(colon + 1)));
            if (IPV4.matcher(host).matches()) {
                addresses.add(new NetworkPolicyPeerBuilder()
                        .withNewIpBlock()
                        .withCidr(host + "/32")
                        .endIpBlock()
                        .build());
            } else {
                anyHostName = true;
            }
        }
        NetworkPolicyEgressRuleBuilder kafka = new NetworkPolicyEgressRuleBuilder()
                .withPorts(kafkaPorts.stream().map(p -> port(p, "TCP")).toList());
        if (!anyHostName) {
            kafka.withTo(addresses);
        }
        NetworkPolicyEgressRule dns = new NetworkPolicyEgressRuleBuilder()
                .withPorts(port(53, "UDP"), port(53, "TCP"))
                .build();
        List<NetworkPolicyEgressRule> rules = new ArrayList<>(List.of(kafka.build(), dns));
        rules.addAll(fieldDevices());
        if (!Backup.of(gateway).enabled() && !TwinAccess.direct(gateway) && !DirectoryAccess.kubernetes(gateway)) {
            return rules;
        }
        // The lease container (and a direct twin, and the Kubernetes device directory) talks to the API server. Its
        // address is the cluster's, not the
        // Gateway's: the
        // service address a pod dials is translated before the policy sees it, so only the ports can be said here.
        NetworkPolicyEgressRule apiServer = new NetworkPolicyEgressRuleBuilder()
                .withPorts(port(443, "TCP"), port(6443, "TCP"))
                .build();
        rules.add(apiServer);
        return rules;
    }

    /** One rule per field device: its port, to its address when that is an IP address, else to any address. */
    private List<NetworkPolicyEgressRule> fieldDevices() {
        Set<Integer> byNameOnly = new LinkedHashSet<>();
        List<NetworkPolicyEgressRule> rules = new ArrayList<>();
        for (FieldEndpoints.Endpoint endpoint : field.endpoints()) {
            if (IPV4.matcher(endpoint.host()).matches()
                    || IPV4_BLOCK.matcher(endpoint.host()).matches()) {
                rules.add(new NetworkPolicyEgressRuleBuilder()
                        .addNewTo()
                        .withNewIpBlock()
                        .withCidr(endpoint.host().contains("/") ? endpoint.host() : endpoint.host() + "/32")
                        .endIpBlock()
                        .endTo()
                        .withPorts(port(endpoint.port(), "TCP"))
                        .build());
            } else {
                byNameOnly.add(endpoint.port());
            }
        }
        for (int port : byNameOnly) {
            rules.add(new NetworkPolicyEgressRuleBuilder()
                    .withPorts(port(port, "TCP"))
                    .build());
        }
        return rules;
    }

    private static NetworkPolicyPort port(int number, String protocol) {
        NetworkPolicyPort port = new NetworkPolicyPort();
        port.setPort(new IntOrString(number));
        port.setProtocol(protocol);
        return port;
    }
}
