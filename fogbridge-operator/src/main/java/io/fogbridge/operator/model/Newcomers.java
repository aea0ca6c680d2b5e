package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.Gateway;
import java.util.Map;

/**
 * Devices proposed by plug-and-play onboarding: the operator creates them from a gateway's newcomer reports, with the
 * label {@value #LABEL}. Such a Device is left out of its gateway's registry, its {@code Registered} condition False
 * with reason {@value #PENDING_APPROVAL}, until {@code spec.approved} is true; a Device written by hand needs no
 * approval (whoever may write Devices may register them anyway).
 */
public final class Newcomers {

    public static final String LABEL = Gateway.GROUP + "/newcomer";
    public static final String PENDING_APPROVAL = "PendingApproval";

    private Newcomers() {}

    /** Whether the Device was proposed by onboarding and nobody has approved it yet. */
    public static boolean awaitingApproval(Device device) {
        Map<String, String> labels = device.getMetadata().getLabels();
        return labels != null && "true".equals(labels.get(LABEL)) && !Boolean.TRUE.equals(device.getSpec().approved);
    }
}
