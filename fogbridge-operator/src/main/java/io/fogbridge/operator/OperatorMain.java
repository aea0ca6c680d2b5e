package io.fogbridge.operator;

import io.fogbridge.operator.model.OperatorDefaults;
import io.fogbridge.operator.reconcile.DeviceReconciler;
import io.fogbridge.operator.reconcile.GatewayReconciler;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;

/**
 * Runs the operator in its pod: reconciles Gateways in every namespace its RBAC allows, until SIGTERM, while it holds
 * the leader Lease ({@link OperatorLeadership}). Defaults for Gateways come from the environment
 * ({@link OperatorDefaults#fromEnvironment}).
 */
public final class OperatorMain {

    private OperatorMain() {}

    public static void main(String[] args) {
        OperatorLeadership leadership;
        try (var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().build()) {
            leadership = OperatorLeadership.fromEnvironment(System.getenv(), client.getNamespace());
        }
        Operator operator = new Operator(o -> o.withLeaderElectionConfiguration(leadership.configuration()));
        operator.register(new GatewayReconciler(OperatorDefaults.fromEnvironment(System.getenv()), Clock.systemUTC()));
        operator.register(new DeviceReconciler(Clock.systemUTC()));
        operator.installShutdownHook(Duration.ofSeconds(10));
        operator.start();
    }
}
