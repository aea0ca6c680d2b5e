package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.auth.PublishAuthorizer;
import com.hivemq.extension.sdk.api.auth.SubscriptionAuthorizer;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.PublishAuthorizerOutput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerInput;
import com.hivemq.extension.sdk.api.auth.parameter.SubscriptionAuthorizerOutput;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import io.fogbridge.api.log.Untrusted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link TopicAcl} to subscriptions (SUBACK 0x87, 3.1.1: 0x80 for that filter; the client stays
 * connected) and to publishes. An anonymous client's filter that names an invalid tenant or device id
 * ({@link AnonymousIds}) gets SUBACK 0x8F. Publishes are also checked by {@link UplinkPublishInterceptor} before anything reaches
 * the spool, whatever order HiveMQ runs interceptors and authorizers in; checking here too covers will messages.
 * Thread-safe.
 */
final class TopicAuthorizer implements SubscriptionAuthorizer, PublishAuthorizer {

    private static final Logger log = LoggerFactory.getLogger(TopicAuthorizer.class);

    private final TopicAcl acl;
    private final MqttMetrics metrics;
    private final MqttCommandTransport commands;

    TopicAuthorizer(TopicAcl acl, MqttMetrics metrics, MqttCommandTransport commands) {
        this.acl = acl;
        this.metrics = metrics;
        this.commands = commands;
    }

    @Override
    public void authorizeSubscribe(SubscriptionAuthorizerInput input, SubscriptionAuthorizerOutput output) {
        String filter = input.getSubscription().getTopicFilter();
        ConnectionPrincipal principal = ConnectionPrincipal.of(input);
        String denial = acl.subscribeDenial(principal, filter);
        String invalid = denial == null && principal == null ? AnonymousIds.filterProblem(filter) : null;
        if (invalid != null) {
            log.warn(
                    "anonymous client {} refused on filter {}: {}",
                    Untrusted.of(clientIdOf(input)),
                    Untrusted.of(filter),
                    invalid);
            metrics.rejected(MqttMetrics.INVALID_ID);
            output.failAuthorization(SubackReasonCode.TOPIC_FILTER_INVALID, invalid);
            return;
        }
        if (denial == null) {
            output.authorizeSuccessfully();
            // Authorized here means subscribed a moment later; a command sent in between finds no subscriber,
            // reports NotConnected and is sent again on the next retry.
            commands.subscribed(input.getClientInformation().getClientId(), principal, filter);
            return;
        }
        log.warn("client {}: {}", Untrusted.of(clientIdOf(input)), Untrusted.of(denial));
        metrics.rejected(MqttMetrics.NOT_AUTHORIZED);
        output.failAuthorization(SubackReasonCode.NOT_AUTHORIZED, "not authorized");
    }

    @Override
    public void authorizePublish(PublishAuthorizerInput input, PublishAuthorizerOutput output) {
        String denial = acl.publishDenial(
                ConnectionPrincipal.of(input), input.getPublishPacket().getTopic());
        if (denial == null) {
            output.authorizeSuccessfully();
        } else {
            output.failAuthorization(AckReasonCode.NOT_AUTHORIZED, "not authorized");
        }
    }

    private static String clientIdOf(SubscriptionAuthorizerInput input) {
        return input.getClientInformation().getClientId();
    }
}
