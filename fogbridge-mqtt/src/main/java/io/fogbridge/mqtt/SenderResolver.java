package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import io.fogbridge.api.DeviceRef;

/**
 * Says who sent a publish on the embedded broker. {@link #AUTHENTICATED} (the default) reads the device that
 * {@link RegistryAuthenticator} stored in the connection's attribute store; anonymous clients are
 * {@link DeviceRef#anonymous} with their client id. {@link #ANONYMOUS} ignores authentication (tests).
 *
 * <p>Called on HiveMQ's interceptor threads for every publish: must be fast, non-blocking and thread-safe.
 */
@FunctionalInterface
interface SenderResolver {

    SenderResolver ANONYMOUS =
            input -> DeviceRef.anonymous(input.getClientInformation().getClientId());

    SenderResolver AUTHENTICATED = ConnectionPrincipal::senderOf;

    DeviceRef senderOf(ClientBasedInput connection);
}
