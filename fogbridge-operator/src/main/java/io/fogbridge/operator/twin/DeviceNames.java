package io.fogbridge.operator.twin;

/**
 * Which Device a twin update's device is. Usually its {@code metadata.name}, which gateways send (their
 * {@code twin.yaml} maps the wire id to the resource); but a device whose id is no Kubernetes name (a certificate CN
 * with upper case or {@code _}, onboarded by {@link DeviceProposals}) is a Device named by a hash carrying the id in
 * {@code spec.deviceId}, and an update that names it by that id is still found.
 *
 * <p>Implementations answer from memory (an informer's index), never from a request, and are thread-safe: the twin
 * sink asks from its writer threads for every update.
 */
@FunctionalInterface
public interface DeviceNames {

    /** Every id is its Device's name: for a sink without an operator (tests, a gateway's own writer). */
    DeviceNames BY_NAME = (namespace, deviceId) -> deviceId;

    /**
     * The name of the Device in {@code namespace} whose device id is {@code deviceId}: the one whose
     * {@code spec.deviceId} it is, else {@code deviceId} itself (a Device by that name, or none, which the write then
     * finds out).
     */
    String nameOf(String namespace, String deviceId);
}
