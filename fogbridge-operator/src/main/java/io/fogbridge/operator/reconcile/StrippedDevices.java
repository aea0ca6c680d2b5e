package io.fogbridge.operator.reconcile;

import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.DeviceStatus;

/**
 * The Gateway reconciler's cache of Devices, which keeps of each what a Gateway renders: metadata and spec, and of the
 * status only {@code assignedGateway} (a move re-renders the Gateway it left). The twin's part (conditions, reported
 * values) is the larger part of a Device that reports, and a second copy of it, beside the Device reconciler's own
 * cache, is what 10,000 Devices did not fit into the operator's heap with. The object handed in is trimmed in place:
 * it is this informer's own copy (each informer deserializes its own). What is kept is {@link CompactDevices compact}.
 */
final class StrippedDevices extends CompactDevices {

    StrippedDevices() {
        super(SharedStrings.OPERATOR);
    }

    @Override
    public Device put(String key, Device device) {
        DeviceStatus status = device.getStatus();
        if (status != null) {
            DeviceStatus kept = new DeviceStatus();
            kept.assignedGateway = status.assignedGateway;
            kept.observedGeneration = status.observedGeneration;
            device.setStatus(kept);
        }
        return super.put(key, device);
    }
}
