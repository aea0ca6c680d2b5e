package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.Device;

/**
 * A Device with the secrets its credentials point to, read and checked ({@link DeviceCheck}): what the rendering
 * needs, with no client calls left to make.
 *
 * @param bcryptHash the hash of its password, or null
 * @param psk        its DTLS pre-shared key, or null
 */
public record RenderedDevice(Device device, String bcryptHash, byte[] psk) {

    public String tenant() {
        return device.getSpec().tenant;
    }

    public String id() {
        return device.deviceId();
    }

    /** {@code tenant/id@generation}: what the registry Secret lists, so a Device can tell its generation is in. */
    public String renderedAs() {
        return tenant() + "/" + id() + "@" + device.getMetadata().getGeneration();
    }
}
