package io.fogbridge.operator.model;

import io.fogbridge.operator.crd.Device;
import io.fogbridge.operator.crd.Gateway;
import java.util.Collection;
import java.util.List;

/**
 * Which Gateway serves a Device: the one {@code spec.gateway} names, or the one Gateway of the namespace whose site is
 * {@code spec.site}. When there is none (or, for a site, more than one) {@code gateway} is null and {@code reason} and
 * {@code message} say why, for the Device's {@code Registered} condition. Pure.
 */
public record DeviceAssignment(String gateway, String reason, String message) {

    public static DeviceAssignment of(Device device, Collection<Gateway> gatewaysOfNamespace) {
        var spec = device.getSpec();
        if ((spec.gateway == null) == (spec.site == null)) {
            return refused("InvalidSpec", "set exactly one of spec.gateway and spec.site");
        }
        if (spec.gateway != null) {
            boolean exists = gatewaysOfNamespace.stream()
                    .anyMatch(g -> g.getMetadata().getName().equals(spec.gateway));
            return exists
                    ? new DeviceAssignment(spec.gateway, null, null)
                    : refused("UnknownGateway", "no Gateway '" + spec.gateway + "' in this namespace");
        }
        List<String> ofSite = gatewaysOfNamespace.stream()
                .filter(g -> g.getSpec() != null && spec.site.equals(g.getSpec().site))
                .map(g -> g.getMetadata().getName())
                .sorted()
                .toList();
        if (ofSite.size() == 1) {
            return new DeviceAssignment(ofSite.getFirst(), null, null);
        }
        return ofSite.isEmpty()
                ? refused("UnknownGateway", "no Gateway of site '" + spec.site + "' in this namespace")
                : refused(
                        "AmbiguousSite",
                        "Gateways " + ofSite + " all serve site '" + spec.site + "': name one in spec.gateway");
    }

    /** Whether {@code device} is assigned to {@code gateway}. */
    public static boolean serves(Gateway gateway, Device device, Collection<Gateway> gatewaysOfNamespace) {
        return gateway.getMetadata()
                .getName()
                .equals(of(device, gatewaysOfNamespace).gateway());
    }

    public boolean assigned() {
        return gateway != null;
    }

    private static DeviceAssignment refused(String reason, String message) {
        return new DeviceAssignment(null, reason, message);
    }
}
