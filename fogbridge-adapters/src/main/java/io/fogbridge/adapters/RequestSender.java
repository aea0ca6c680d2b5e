package io.fogbridge.adapters;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.device.RegisteredDevice;

/**
 * Who sent an HTTP or CoAP request, as the adapter established it before the request reached {@link DeviceUplink}.
 * Immutable.
 */
public sealed interface RequestSender {

    /** The connection's name for logs and the {@link DeviceRef#clientId()}: protocol and remote address. */
    String clientId();

    DeviceRef ref();

    /** A registered, enabled device that proved its identity (password, certificate or PSK). */
    record Authenticated(RegisteredDevice device, String clientId) implements RequestSender {
        @Override
        public DeviceRef ref() {
            return new DeviceRef(device.tenant(), device.id(), clientId);
        }
    }

    /** No credentials, on an endpoint that allows that (loopback by default): a local service. */
    record Anonymous(String clientId) implements RequestSender {
        @Override
        public DeviceRef ref() {
            return DeviceRef.anonymous(clientId);
        }
    }
}
