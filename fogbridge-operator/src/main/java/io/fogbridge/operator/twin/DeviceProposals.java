package io.fogbridge.operator.twin;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fogbridge.gateway.twin.NewcomerRecords;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.DeviceSpec;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.crd.TenantSpec;
import io.fogbridge.operator.model.Newcomers;
import io.fogbridge.registry.OnboardingQueue.Newcomer;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a gateway's newcomer reports ({@link NewcomerRecords}) into Device resources awaiting approval: one Device per
 * newcomer, named by its id (or, for an id that is no Kubernetes name, by {@link Newcomers#resourceName}, the id kept
 * in {@code spec.deviceId}), in its Gateway's namespace, served by that Gateway, with the certificate subject as its
 * credential and the label {@value Newcomers#LABEL}. It is created once; a Device of that name that exists already
 * (proposed earlier, approved, or written by hand) is left as it is.
 *
 * <p>The report is a claim of the gateway, so the operator checks it against its own view: the Gateway must exist and
 * list the tenant with {@code onboarding} in its spec, and {@code spec.approved} is set only when that tenant's policy
 * is {@code auto} and the subject matches its pattern here, whatever the gateway said. A gateway that was taken over
 * can therefore propose Devices, never approve them. Thread-safe (stateless but for the client).
 */
public final class DeviceProposals implements Consumer<NewcomerRecords.Report> {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceProposals.class);

    private final KubernetesClient client;

    public DeviceProposals(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public void accept(NewcomerRecords.Report report) {
        Newcomer newcomer = report.newcomer();
        int dot = report.gateway().indexOf('.');
        if (dot <= 0) {
            LOG.warn(
                    "newcomer {} from gateway '{}': not a Gateway's <namespace>.<name>; ignored",
                    newcomer.name(),
                    report.gateway());
            return;
        }
        String namespace = report.gateway().substring(0, dot);
        String gatewayName = report.gateway().substring(dot + 1);
        try {
            Gateway gateway = client.resources(Gateway.class)
                    .inNamespace(namespace)
                    .withName(gatewayName)
                    .get();
            TenantSpec tenant = gateway == null || gateway.getSpec().tenants == null
                    ? null
                    : gateway.getSpec().tenants.stream()
                            .filter(t -> t.name.equals(newcomer.tenant()) && t.onboarding != null)
                            .findFirst()
                            .orElse(null);
            if (tenant == null) {
                LOG.warn(
                        "newcomer {} from Gateway {}/{}: that Gateway does not onboard tenant {}; ignored",
                        newcomer.name(),
                        namespace,
                        gatewayName,
                        newcomer.tenant());
                return;
            }
            var devices = client.resources(Device.class).inNamespace(namespace);
            if (devices.withName(Newcomers.resourceName(newcomer.tenant(), newcomer.id()))
                            .get()
                    != null) {
                return;
            }
            devices.resource(proposal(newcomer, namespace, gatewayName, tenant)).create();
            LOG.info(
                    "newcomer {} ({}) proposed as Device {}/{}{}",
                    newcomer.name(),
                    newcomer.subject(),
                    namespace,
                    Newcomers.resourceName(newcomer.tenant(), newcomer.id()),
                    admittedByPolicy(tenant, newcomer.subject()) ? ", approved by policy auto" : "");
        } catch (KubernetesClientException e) {
            // 409: proposed by a report of the other pod of a backup pair meanwhile. Else the next report tries again.
            LOG.debug("newcomer {} not proposed: {}", newcomer.name(), e.getMessage());
        }
    }

    static Device proposal(Newcomer newcomer, String namespace, String gateway, TenantSpec tenant) {
        Device device = new Device();
        device.setMetadata(new ObjectMetaBuilder()
                .withName(Newcomers.resourceName(newcomer.tenant(), newcomer.id()))
                .withNamespace(namespace)
                .withLabels(Map.of(Newcomers.LABEL, "true"))
                .withAnnotations(Map.of(
                        Gateway.GROUP + "/certificate-issuer", newcomer.issuer(),
                        Gateway.GROUP + "/first-seen", newcomer.firstSeen().toString()))
                .build());
        DeviceSpec spec = new DeviceSpec();
        spec.tenant = newcomer.tenant();
        if (!Newcomers.resourceName(newcomer.tenant(), newcomer.id()).equals(newcomer.id())) {
            // A CN that is no Kubernetes name (upper case, '_'): the Device is named for Kubernetes, the id kept.
            spec.deviceId = newcomer.id();
        }
        spec.gateway = gateway;
        spec.protocol = DeviceSpec.Protocol.MQTT;
        spec.credentials = new DeviceCredentials();
        spec.credentials.certificateSubject = newcomer.subject();
        if (admittedByPolicy(tenant, newcomer.subject())) {
            spec.approved = true;
        }
        device.setSpec(spec);
        return device;
    }

    private static boolean admittedByPolicy(TenantSpec tenant, String subject) {
        return tenant.onboarding.policy == TenantSpec.Policy.AUTO
                && tenant.onboarding.subjectPattern != null
                && Pattern.compile(tenant.onboarding.subjectPattern)
                        .matcher(subject)
                        .matches();
    }
}
