package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.interceptor.suback.SubackOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.suback.parameter.SubackOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.suback.parameter.SubackOutboundOutput;
import com.hivemq.extension.sdk.api.interceptor.subscribe.SubscribeInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.subscribe.parameter.SubscribeInboundInput;
import com.hivemq.extension.sdk.api.interceptor.subscribe.parameter.SubscribeInboundOutput;
import com.hivemq.extension.sdk.api.packets.subscribe.ModifiableSubscription;
import com.hivemq.extension.sdk.api.packets.subscribe.SubackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ClientBasedInput;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import io.fogbridge.api.log.Untrusted;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link TopicAcl} to subscriptions: a refused filter gets SUBACK 0x87 (3.1.1: 0x80 for that filter; the
 * client stays connected); an anonymous client's filter that names an invalid tenant or device id
 * ({@link AnonymousIds}) gets 0x8F. Publishes are checked by {@link UplinkPublishInterceptor}, wills at CONNECT by
 * {@link RegistryAuthenticator}.
 *
 * <p><b>Why interceptors, not a HiveMQ authorizer.</b> Once any authorizer provider is registered, HiveMQ CE hands every
 * PUBLISH that passed the publish interceptor to its extension executor a second time, for publish authorization,
 * even when the provider only returns a subscription authorizer (issue #16). Without a provider, the only way to keep
 * a subscription from being stored is the connection's default permissions, which HiveMQ evaluates itself. So the
 * decision is ours and the enforcement is HiveMQ's: {@link #onInboundSubscribe} decides each filter and rewrites a
 * refused one to {@link #REFUSED_FILTER}, which the one permission every connection gets ({@link #refusedPermission})
 * denies; {@link #onOutboundSuback} then puts our reason codes and reason string back on the SUBACK, matched by packet
 * id through the connection's attribute store. A malformed filter is left as sent, so HiveMQ disconnects the client
 * for it as it always did.
 *
 * <p>Thread-safe; runs on HiveMQ's extension executor, once per SUBSCRIBE and once per SUBACK.
 */
final class TopicAuthorizer implements SubscribeInboundInterceptor, SubackOutboundInterceptor {

    /** Where a refused subscription goes: never stored, since every connection's default permissions deny it. */
    static final String REFUSED_FILTER = "$fogbridge/refused";

    private static final Logger log = LoggerFactory.getLogger(TopicAuthorizer.class);
    private static final String VERDICTS = "fogbridge.suback.";

    private final TopicAcl acl;
    private final MqttMetrics metrics;
    private final MqttCommandTransport commands;

    TopicAuthorizer(TopicAcl acl, MqttMetrics metrics, MqttCommandTransport commands) {
        this.acl = acl;
        this.metrics = metrics;
        this.commands = commands;
    }

    /** The default permission that makes HiveMQ refuse {@link #REFUSED_FILTER}; needs HiveMQ's builders (running). */
    static TopicPermission refusedPermission() {
        return Builders.topicPermission()
                .topicFilter(REFUSED_FILTER)
                .type(TopicPermission.PermissionType.DENY)
                .activity(TopicPermission.MqttActivity.SUBSCRIBE)
                .qos(TopicPermission.Qos.ALL)
                .sharedSubscription(TopicPermission.SharedSubscription.ALL)
                .build();
    }

    @Override
    public void onInboundSubscribe(SubscribeInboundInput input, SubscribeInboundOutput output) {
        ConnectionPrincipal principal = ConnectionPrincipal.of(input);
        String clientId = input.getClientInformation().getClientId();
        List<ModifiableSubscription> subscriptions = output.getSubscribePacket().getSubscriptions();
        List<SubackVerdicts.Verdict> verdicts = new ArrayList<>(subscriptions.size());
        for (ModifiableSubscription subscription : subscriptions) {
            SubackVerdicts.Verdict verdict = decide(principal, clientId, subscription.getTopicFilter());
            if (verdict != null && SubackVerdicts.wellFormed(subscription.getTopicFilter())) {
                subscription.setTopicFilter(REFUSED_FILTER);
            }
            verdicts.add(verdict);
        }
        String encoded = SubackVerdicts.encode(verdicts);
        if (encoded != null) {
            store(input).putAsString(VERDICTS + output.getSubscribePacket().getPacketId(), encoded);
        }
    }

    @Override
    public void onOutboundSuback(SubackOutboundInput input, SubackOutboundOutput output) {
        ConnectionAttributeStore store = store(input);
        String key = VERDICTS + output.getSubackPacket().getPacketIdentifier();
        String encoded = store.getAsString(key).orElse(null);
        if (encoded == null) {
            return;
        }
        store.remove(key);
        SubackVerdicts verdicts = SubackVerdicts.decode(encoded);
        output.getSubackPacket()
                .setReasonCodes(verdicts.apply(output.getSubackPacket().getReasonCodes()));
        output.getSubackPacket().setReasonString(verdicts.reasonString());
    }

    /** Null when {@code filter} may be subscribed to (and the command transport is told), else the refusal. */
    private SubackVerdicts.Verdict decide(ConnectionPrincipal principal, String clientId, String filter) {
        String denial = acl.subscribeDenial(principal, filter);
        if (denial == null && filter.equals(REFUSED_FILTER)) {
            denial = "the topic filter " + REFUSED_FILTER + " is reserved";
        }
        String invalid = denial == null && principal == null ? AnonymousIds.filterProblem(filter) : null;
        if (invalid != null) {
            log.warn(
                    "anonymous client {} refused on filter {}: {}",
                    Untrusted.of(clientId),
                    Untrusted.of(filter),
                    invalid);
            metrics.rejected(MqttMetrics.INVALID_ID);
            return new SubackVerdicts.Verdict(SubackReasonCode.TOPIC_FILTER_INVALID, invalid);
        }
        if (denial == null) {
            // Decided here means subscribed a moment later; a command sent in between finds no subscriber,
            // reports NotConnected and is sent again on the next retry.
            commands.subscribed(clientId, principal, filter);
            return null;
        }
        log.warn("client {}: {}", Untrusted.of(clientId), Untrusted.of(denial));
        metrics.rejected(MqttMetrics.NOT_AUTHORIZED);
        return new SubackVerdicts.Verdict(SubackReasonCode.NOT_AUTHORIZED, "not authorized");
    }

    private static ConnectionAttributeStore store(ClientBasedInput input) {
        return input.getConnectionInformation().getConnectionAttributeStore();
    }
}
