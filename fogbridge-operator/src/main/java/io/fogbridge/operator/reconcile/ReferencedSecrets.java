package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceCredentials;
import io.fogbridge.operator.crd.Gateway;
import io.fogbridge.operator.model.DeviceCheck;
import io.fogbridge.operator.model.GatewayModel;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The Secrets a Gateway renders from: its tenants' CAs ({@code spec.tenants[].trustedCa}) and its Devices' credentials
 * (bcrypt hashes, PSKs). They are read from an informer's cache, not with a GET per Secret and reconcile (every 30 s
 * for the figures), and a change of one wakes at once the Gateways that use it: a renewed tenant CA reaches the
 * rendered registry Secret within seconds, not at the next round.
 *
 * <p>The informer sees every Secret the operator may read (it has no label to go by: the Secrets are the user's), so
 * the cache keeps the data only of the kinds a Gateway can name: the data of service account tokens, image pull
 * Secrets, bootstrap tokens, Helm's release records (the largest) and the operator's own rendered Secrets is dropped
 * (their metadata stays), and changes to them wake nobody.
 */
final class ReferencedSecrets {

    private ReferencedSecrets() {}

    static InformerEventSource<Secret, Gateway> informer(
            EventSourceContext<Gateway> context, InformerEventSource<Device, Gateway> devices) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Secret.class, Gateway.class)
                        .withSecondaryToPrimaryMapper(secret -> usersOf(secret, context, devices))
                        .withOnUpdateFilter((next, previous) -> !Objects.equals(next.getData(), previous.getData())
                                || !Objects.equals(next.getType(), previous.getType()))
                        .withItemStore(new DataOfNamedKinds())
                        .build(),
                context);
    }

    /** The Secrets of the Gateway's namespace, as the informer last saw them. */
    static DeviceCheck.SecretLookup of(Gateway gateway, Context<Gateway> context) {
        @SuppressWarnings("unchecked")
        var informer = (InformerEventSource<Secret, Gateway>)
                context.eventSourceRetriever().getEventSourceFor(Secret.class);
        String namespace = gateway.getMetadata().getNamespace();
        return name -> informer.get(new ResourceID(name, namespace)).orElse(null);
    }

    /** The Gateways that name the Secret for a tenant's CA, and those serving a Device whose credentials name it. */
    private static Set<ResourceID> usersOf(
            Secret secret, EventSourceContext<Gateway> context, InformerEventSource<Device, Gateway> devices) {
        if (!DataOfNamedKinds.kept(secret)) {
            return Set.of();
        }
        String namespace = secret.getMetadata().getNamespace();
        String name = secret.getMetadata().getName();
        Set<ResourceID> users = new HashSet<>();
        context.getPrimaryCache()
                .list(
                        namespace,
                        g -> g.getSpec() != null
                                && g.getSpec().tenants != null
                                && g.getSpec().tenants.stream()
                                        .map(t -> t.trustedCa)
                                        .filter(Objects::nonNull)
                                        .map(ref -> ref.name)
                                        .anyMatch(name::equals))
                .forEach(g -> users.add(ResourceID.fromResource(g)));
        devices.list(namespace, d -> names(d, name)).forEach(d -> users.addAll(GatewayDevices.gatewaysOf(d, context)));
        return users;
    }

    private static boolean names(Device device, String secret) {
        DeviceCredentials credentials = device.getSpec() == null ? null : device.getSpec().credentials;
        return credentials != null
                && (credentials.bcryptHash != null && secret.equals(credentials.bcryptHash.name)
                        || credentials.psk != null && secret.equals(credentials.psk.name));
    }

    /** Keeps the data of the Secrets a Gateway or a Device can name; see the class comment for the others. */
    static final class DataOfNamedKinds extends BasicItemStore<Secret> {

        private static final Set<String> UNNAMED_TYPES = Set.of(
                "kubernetes.io/service-account-token",
                "kubernetes.io/dockercfg",
                "kubernetes.io/dockerconfigjson",
                "bootstrap.kubernetes.io/token",
                "helm.sh/release.v1");

        DataOfNamedKinds() {
            super(Cache::metaNamespaceKeyFunc);
        }

        static boolean kept(Secret secret) {
            var labels = secret.getMetadata().getLabels();
            boolean rendered =
                    labels != null && GatewayModel.MANAGED_BY.equals(labels.get(GatewayModel.MANAGED_BY_LABEL));
            // Set.of refuses to look up null: a Secret without a type is Opaque.
            return !rendered && (secret.getType() == null || !UNNAMED_TYPES.contains(secret.getType()));
        }

        @Override
        public Secret put(String key, Secret secret) {
            if (!kept(secret)) {
                // This informer's own copy (each informer deserializes its own): trimmed in place.
                secret.setData(null);
                secret.setStringData(null);
            }
            return super.put(key, secret);
        }
    }
}
