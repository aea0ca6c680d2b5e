package io.fogbridge.adapters;

import io.fogbridge.api.DeviceId;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.log.Untrusted;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the HTTP and CoAP adapters that does not depend on the protocol: decides whether the sender may write
 * to the resource's device, builds the device topic and hands the message to the {@link Uplink}, and turns the
 * {@link Outcome} into an {@link UplinkReply}.
 *
 * <p><b>Guarantee.</b> At-least-once requests complete {@code 202} only when the uplink said {@link Outcome.Accepted}
 * (the record is in the spool as durably as {@code spool.fsync} says) or {@link Outcome.Local}. If the uplink has not
 * answered within {@code ackTimeout} the reply is 503: the device retries, and a record that lands later is a
 * duplicate that {@code fog-seq} lets consumers drop. At-most-once requests complete as soon as the uplink took them.
 *
 * <p><b>Authorization.</b> An authenticated device writes to its own topics, and to those of the devices in its
 * {@code via} (same tenant) when the path names them; anything else is 403. An anonymous sender must name the
 * device in the path (it has no identity to fill in): 401 otherwise.
 *
 * <p>Thread-safe; never blocks.
 */
public final class DeviceUplink {

    private static final Logger log = LoggerFactory.getLogger(DeviceUplink.class);

    private final Uplink uplink;
    private final long maxPayloadBytes;
    private final Duration ackTimeout;
    private final Clock clock;

    public DeviceUplink(Uplink uplink, long maxPayloadBytes, Duration ackTimeout, Clock clock) {
        this.uplink = uplink;
        this.maxPayloadBytes = maxPayloadBytes;
        this.ackTimeout = ackTimeout;
        this.clock = clock;
    }

    /**
     * @param requestedQos the guarantee the protocol request asked for; events and command responses are always at
     *                     least once
     * @return never fails exceptionally
     */
    public CompletableFuture<UplinkReply> send(
            RequestSender sender, DeviceResource resource, byte[] payload, String contentType, QoS requestedQos) {
        long arrival = clock.millis();
        String tenant;
        String device;
        if (sender instanceof RequestSender.Authenticated authenticated) {
            tenant = resource.namesDevice()
                    ? resource.tenant()
                    : authenticated.device().tenant();
            device = resource.namesDevice()
                    ? resource.device()
                    : authenticated.device().id();
            if (!tenant.equals(authenticated.device().tenant())
                    || !authenticated.device().mayActFor(device)) {
                String who = authenticated.device().id() + "@"
                        + authenticated.device().tenant();
                log.warn(
                        "{} ({}) may not act for {}@{}; refused",
                        Untrusted.of(who),
                        Untrusted.of(sender.clientId()),
                        Untrusted.of(device),
                        Untrusted.of(tenant));
                return done(UplinkReply.refused(403, who + " may not act for " + device + "@" + tenant));
            }
        } else if (resource.namesDevice()) {
            tenant = resource.tenant();
            device = resource.device();
            // An anonymous sender's ids become topic levels, Kafka keys and log text unchecked by any registry:
            // they follow the rule registered ids follow (length, visible ASCII), as on the MQTT side.
            if (!DeviceId.isValidId(tenant) || !DeviceId.isValidId(device)) {
                log.warn(
                        "anonymous request from {} names an invalid id {}@{}; refused",
                        Untrusted.of(sender.clientId()),
                        Untrusted.of(device),
                        Untrusted.of(tenant));
                return done(UplinkReply.refused(400, "invalid tenant or device id: " + DeviceId.ID_RULE));
            }
        } else {
            return done(UplinkReply.refused(
                    401, "credentials required (or name the device: /" + resource.topic("{tenant}", "{device}") + ")"));
        }
        if (payload.length > maxPayloadBytes) {
            return done(UplinkReply.refused(
                    413, "payload of " + payload.length + " bytes exceeds the limit of " + maxPayloadBytes));
        }
        QoS qos = resource.kind() == DeviceResource.Kind.TELEMETRY ? requestedQos : QoS.AT_LEAST_ONCE;
        InboundMessage message =
                new InboundMessage(resource.topic(tenant, device), payload, qos, sender.ref(), contentType, arrival);
        CompletableFuture<Outcome> outcome;
        try {
            outcome = uplink.accept(message);
        } catch (RuntimeException e) { // the uplink broke its contract; answer this sender, keep serving others
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome.toCompletableFuture()
                .orTimeout(ackTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((result, failure) -> reply(result, failure, tenant, device));
    }

    private UplinkReply reply(Outcome outcome, Throwable failure, String tenant, String device) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return UplinkReply.refused(503, "not confirmed durable within " + ackTimeout.toMillis() + " ms");
        }
        if (cause != null || outcome == null) { // a missing outcome must never read as "durable"
            log.warn("uplink failed on a device request; answering 500", cause);
            return UplinkReply.refused(500, "internal error");
        }
        return switch (outcome) {
            case Outcome.Accepted accepted -> UplinkReply.accepted(tenant, device);
            case Outcome.Local local -> UplinkReply.accepted(tenant, device);
            case Outcome.Rejected rejected -> UplinkReply.refused(rejected.status(), rejected.reason());
        };
    }

    private static CompletableFuture<UplinkReply> done(UplinkReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
