package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import io.fogbridge.api.DeviceRef;

/**
 * Says who sent a publish on the embedded broker. This is the extension point for device authentication: an
 * authenticator registered with HiveMQ's security registry will store the tenant and device it verified in the
 * connection's attribute store, and a resolver reading them back replaces {@link #ANONYMOUS}. Until then every
 * sender is {@link DeviceRef#anonymous} with its client id.
 *
 * <p>Called on HiveMQ's interceptor threads for every publish: must be fast, non-blocking and thread-safe.
 */
@FunctionalInterface
interface SenderResolver {

    SenderResolver ANONYMOUS =
            input -> DeviceRef.anonymous(input.getClientInformation().getClientId());

    DeviceRef senderOf(ClientBasedInput connection);
}
