package io.fogbridge.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.twin.DesiredRefusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notes a refused {@code desired} command in the Device's {@code status.desiredCommand.refusal}, if that command is
 * still the Device's last one (a response to an older attempt or generation changes nothing); the reconcile that
 * write causes turns it into {@code InSync=False, reason=Refused}.
 */
public final class DesiredRefusalWriter implements DesiredRefusals {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredRefusalWriter.class);

    private final KubernetesClient client;

    public DesiredRefusalWriter(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public void refused(String tenant, String device, String correlationId, int status, String body) {
        for (Device candidate :
                client.resources(Device.class).inAnyNamespace().list().getItems()) {
            if (candidate.getSpec() == null
                    || !tenant.equals(candidate.getSpec().tenant)
                    || !device.equals(candidate.deviceId())
                    || candidate.getStatus() == null
                    || candidate.getStatus().desiredCommand == null
                    || !correlationId.equals(candidate.getStatus().desiredCommand.correlationId)) {
                continue;
            }
            String refusal = status + " " + body;
            try {
                client.resource(candidate).editStatus(d -> {
                    d.getStatus().desiredCommand.refusal = refusal;
                    return d;
                });
                LOG.info("desired command {} refused: {}", correlationId, refusal);
            } catch (KubernetesClientException e) {
                LOG.warn("refusal of {} not noted: {}", correlationId, e.getMessage());
            }
        }
    }
}
