package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationFailedInput;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ClientInitiatedDisconnectInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionLostInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ServerInitiatedDisconnectInput;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.general.DisconnectedReasonCode;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.fogbridge.api.device.SessionListener;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * Our embedded HiveMQ extension: authenticates every client ({@link RegistryAuthenticator}), tells the
 * {@link RevocationWatch} which devices are connected, puts the {@link UplinkPublishInterceptor} and the subscription
 * checks ({@link TopicAuthorizer}) on every client and counts oversize refusals. It registers no authorizer provider:
 * HiveMQ would then dispatch every PUBLISH to the extension executor a second time (issue #16). {@link #started()}
 * lets the broker check that the extension really runs: a broker without it would acknowledge publishes that were
 * never spooled, so it must not be reported ready.
 */
final class UplinkExtension implements ExtensionMain {

    private final UplinkPublishInterceptor interceptor;
    private final RegistryAuthenticator authenticator;
    private final TopicAuthorizer authorizer;
    private final MqttMetrics metrics;
    private final MqttCommandTransport commands;
    private final RevocationWatch revocations;
    private final WillRelay wills;
    private final ConnectionQuota quota;
    private final SessionListener sessions;
    private final Clock clock;
    private final CountDownLatch started = new CountDownLatch(1);

    UplinkExtension(
            UplinkPublishInterceptor interceptor,
            RegistryAuthenticator authenticator,
            TopicAuthorizer authorizer,
            MqttMetrics metrics,
            MqttCommandTransport commands,
            RevocationWatch revocations,
            WillRelay wills,
            ConnectionQuota quota,
            SessionListener sessions,
            Clock clock) {
        this.wills = wills;
        this.quota = quota;
        this.sessions = sessions;
        this.clock = clock;
        this.commands = commands;
        this.revocations = revocations;
        this.interceptor = interceptor;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.metrics = metrics;
    }

    @Override
    public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
        // Registered before anything else: a client must never connect while no authenticator is in place.
        Services.securityRegistry().setAuthenticatorProvider(provider -> authenticator);
        TopicPermission refused = TopicAuthorizer.refusedPermission();
        Services.initializerRegistry().setClientInitializer((client, context) -> {
            // The rewrite of refused filters and the permission that denies them come together, or not at all.
            context.addSubscribeInboundInterceptor(authorizer);
            context.addSubackOutboundInterceptor(authorizer);
            context.getDefaultPermissions().add(refused);
            // Adding a permission turns HiveMQ's default to DENY; publishes and wills are ours to decide.
            context.getDefaultPermissions().setDefaultBehaviour(DefaultAuthorizationBehaviour.ALLOW);
            if (!interceptor.takeOverFromBroker(client)) { // through the relay, the relay hands publishes on itself
                context.addPublishInboundInterceptor(interceptor);
            }
            context.addPublishOutboundInterceptor(commands.outbound);
            context.addPubackInboundInterceptor(commands.pubackInbound);
        });
        Services.eventRegistry()
                .setClientLifecycleEventListener(provider ->
                        new ConnectionEvents(metrics, commands, revocations, wills, quota, sessions, clock));
        started.countDown();
    }

    @Override
    public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}

    boolean started() {
        return started.getCount() == 0;
    }

    /**
     * Counts 0x95 disconnects, whether HiveMQ's decoder refused the packet or our interceptor did, and tells the
     * command transport and the revocation watch who came and went, and the {@link WillRelay} when a will fires:
     * on a lost connection, a disconnect by the broker, or a client DISCONNECT with reason 0x04. The {@link
     * SessionListener} hears of every authenticated connection's start and end, the broker's disconnects included (a
     * takeover or a revocation ends the old connection that way).
     */
    private record ConnectionEvents(
            MqttMetrics metrics,
            MqttCommandTransport commands,
            RevocationWatch revocations,
            WillRelay wills,
            ConnectionQuota quota,
            SessionListener sessions,
            Clock clock)
            implements ClientLifecycleEventListener {

        @Override
        public void onServerInitiatedDisconnect(ServerInitiatedDisconnectInput input) {
            quota.release(input.getConnectionInformation());
            wills.fire(input);
            if (input.getReasonCode().orElse(null) == DisconnectedReasonCode.PACKET_TOO_LARGE) {
                metrics.rejected(MqttMetrics.TOO_LARGE);
            }
            closed(input);
        }

        @Override
        public void onConnectionLost(ConnectionLostInput input) {
            quota.release(input.getConnectionInformation());
            wills.fire(input);
            onDisconnect(input);
            closed(input);
        }

        @Override
        public void onClientInitiatedDisconnect(ClientInitiatedDisconnectInput input) {
            quota.release(input.getConnectionInformation());
            if (input.getReasonCode().orElse(null) == DisconnectedReasonCode.DISCONNECT_WITH_WILL_MESSAGE) {
                wills.fire(input);
            } else {
                wills.discard(input);
            }
            onDisconnect(input);
            closed(input);
        }

        @Override
        public void onAuthenticationFailedDisconnect(AuthenticationFailedInput input) {
            quota.release(input.getConnectionInformation());
            wills.discard(input);
            onDisconnect(input);
        }

        @Override
        public void onMqttConnectionStart(ConnectionStartInput input) {
            wills.connectionStarted(input);
        }

        @Override
        public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
            wills.clientConnected(input.getClientInformation().getClientId());
            commands.connected(input.getClientInformation().getClientId(), ConnectionPrincipal.of(input));
            revocations.connected(input);
            sessions.opened(ConnectionPrincipal.senderOf(input), clock.millis());
        }

        @Override
        public void onDisconnect(DisconnectEventInput input) {
            commands.disconnected(input.getClientInformation().getClientId());
            revocations.disconnected(input);
        }

        private void closed(ClientBasedInput input) {
            sessions.closed(ConnectionPrincipal.senderOf(input), clock.millis());
        }
    }
}
