package io.fogbridge.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * The container beside each gateway of a Gateway with a {@link Backup}: the operator's image running
 * {@code ActivePodLeaseMain}, which competes for the Gateway's Lease and labels the pod that holds it
 * {@value Backup#ACTIVE_LABEL}. A sidecar rather than code in the gateway: the gateway binary stays free of a
 * Kubernetes client, and the gateway image runs unchanged outside Kubernetes.
 */
final class LeaseContainer {

    /** Jib's entry point names the operator's main class; the lease holder is another main in the same image. */
    static final String MAIN_CLASS = "io.fogbridge.operator.lease.ActivePodLeaseMain";

    private final Backup backup;
    private final String image;

    LeaseContainer(Backup backup, String image) {
        this.backup = backup;
        this.image = image;
    }

    Container generate() {
        List<EnvVar> env = new ArrayList<>(podIdentity());
        env.add(new EnvVar("FOGBRIDGE_LEASE_NAME", backup.leaseName(), null));
        env.add(new EnvVar("FOGBRIDGE_LEASE_PODS", String.join(",", backup.podNames()), null));
        // The pod's own gateway, over the pod's loopback: only a pod whose gateway serves holds the Lease.
        env.add(new EnvVar("FOGBRIDGE_GATEWAY_HEALTH_URL", "http://127.0.0.1:" + GatewayPorts.OPS + "/healthz", null));
        env.add(new EnvVar("JAVA_TOOL_OPTIONS", "-Xmx32m -XX:+UseSerialGC -Xss256k", null));
        return new ContainerBuilder()
                .withName("lease")
                .withImage(image)
                .withCommand("/opt/jre/bin/java", "-cp", "@/app/jib-classpath-file", MAIN_CLASS)
                .withEnv(env)
                .withNewResources()
                .addToRequests("cpu", new Quantity("10m"))
                .addToRequests("memory", new Quantity("64Mi"))
                .addToLimits("memory", new Quantity("96Mi"))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .withVolumeMounts(new VolumeMountBuilder()
                        .withName("tmp")
                        .withMountPath(PodPaths.inPod().tmpDir().toString())
                        .build())
                .build();
    }

    /** {@code POD_NAME} and {@code POD_NAMESPACE} from the downward API. */
    static List<EnvVar> podIdentity() {
        return List.of(fieldRef("POD_NAME", "metadata.name"), fieldRef("POD_NAMESPACE", "metadata.namespace"));
    }

    private static EnvVar fieldRef(String name, String path) {
        return new EnvVarBuilder()
                .withName(name)
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath(path)
                .endFieldRef()
                .endValueFrom()
                .build();
    }
}
