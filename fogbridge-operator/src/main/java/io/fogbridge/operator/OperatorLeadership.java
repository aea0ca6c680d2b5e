package io.fogbridge.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Duration;
import java.util.Map;

/**
 * One active operator among its replicas: a Lease ({@value #LEASE_NAME} in the operator's namespace) names the leader;
 * the others wait with their informers idle and take over when the lease is not renewed within its duration.
 *
 * <p>A replica that loses the lease exits in production (the kubelet restarts it as a follower), so two replicas never
 * reconcile at once; tests stop the JVM from exiting and stop the operator instead.
 */
public record OperatorLeadership(String namespace, String identity, Duration leaseDuration, boolean exitOnLoss) {

    public static final String LEASE_NAME = "fogbridge-operator";

    /**
     * From the downward API variables the chart sets: {@code POD_NAMESPACE} and {@code POD_NAME}; the client's
     * namespace and host name otherwise. 15 s lease, as Kubernetes' own controllers.
     */
    public static OperatorLeadership fromEnvironment(Map<String, String> env, String defaultNamespace) {
        return new OperatorLeadership(
                env.getOrDefault("POD_NAMESPACE", defaultNamespace),
                env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", "fogbridge-operator")),
                Duration.ofSeconds(15),
                true);
    }

    public LeaderElectionConfiguration configuration() {
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE_NAME)
                .withLeaseNamespace(namespace)
                .withIdentity(identity)
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(leaseDuration.dividedBy(8))
                .withExitOnStopLeading(exitOnLoss)
                .build();
    }
}
