package io.fogbridge.adapters.coap;

import io.fogbridge.adapters.AdapterMetrics;
import io.fogbridge.adapters.DeviceResource;
import io.fogbridge.adapters.DeviceUplink;
import io.fogbridge.adapters.MalformedRequestException;
import io.fogbridge.adapters.RequestSender;
import io.fogbridge.adapters.Ttd;
import io.fogbridge.adapters.UplinkReply;
import io.fogbridge.api.Command;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.DeviceId;
import io.fogbridge.api.QoS;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.api.device.RegisteredDevice;
import io.fogbridge.api.log.Untrusted;
import java.security.Principal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One top-level CoAP resource ({@code telemetry}, {@code event} or {@code command}) that takes every path below it
 * too ({@link #getChild} answers itself), so {@code /telemetry/acme/dev-1} and {@code /command/res/42} land here and
 * {@link DeviceResource#parse} reads the whole Uri-Path.
 *
 * <p><b>When the device hears "done".</b> A confirmable request is answered with a <i>piggy-backed</i> response (the
 * ACK carries 2.04 or the error) that is sent only when the uplink's future completed, that is after the durable
 * append. The handler never calls {@code exchange.accept()} before that: an early empty ACK would tell the device
 * "received" before the record is durable. Californium does not acknowledge a request by itself; if the append takes
 * longer than the client's ACK timeout (2-3 s by default) the client retransmits, Californium's deduplicator
 * recognises the retransmission while the exchange has no response yet and drops it, and the one response answers
 * both. The ack timeout of the adapter (default 10 s) is below the CoAP exchange lifetime, so the device always gets
 * an answer. Non-confirmable telemetry is at most once and answered as soon as the uplink took it; non-confirmable
 * events still wait for the append.
 *
 * <p><b>ttd.</b> After a successful append a request with {@code ?ttd=} looks for a pending command. One that is
 * already there goes back piggy-backed at once. Otherwise the request is acknowledged now with an empty ACK (the
 * append is durable, so that is honest, and it stops the client's retransmissions) and the command, or a plain 2.04
 * when ttd passes, follows as a separate confirmable response. A command counts as delivered when the device
 * acknowledges that response; a timeout or reset puts it back to pending. Waiting requests are bounded ({@link
 * TtdWaiters}: {@code adapters.coap.maxTtdWaiting} in all, refused 5.03 with Max-Age before the payload is forwarded;
 * one per device, a newer one ends the older one's wait with a plain 2.04), and hold no payload while they wait.
 *
 * <p>Responses carrying a command: 2.04 with the payload, Content-Format from the command's content type,
 * {@code Location-Query: command=<name>} and, when the cloud wants an answer, {@code Location-Path:
 * command/res/<request-id>} (where to POST the response).
 *
 * <p>Runs on Californium's protocol threads and never blocks them.
 */
final class DeviceCoapResource extends CoapResource {

    private static final Logger log = LoggerFactory.getLogger(DeviceCoapResource.class);

    private final DeviceUplink uplink;
    private final DeviceDirectory directory;
    private final CommandInbox inbox;
    private final Duration maxTtd;
    private final boolean anonymousAllowed;
    private final AdapterMetrics metrics;
    private final TtdWaiters waiters;

    DeviceCoapResource(
            String name,
            DeviceUplink uplink,
            DeviceDirectory directory,
            CommandInbox inboxOrNull,
            Duration maxTtd,
            boolean anonymousAllowed,
            AdapterMetrics metrics,
            TtdWaiters waiters) {
        super(name);
        this.uplink = uplink;
        this.directory = directory;
        this.inbox = inboxOrNull;
        this.maxTtd = maxTtd;
        this.anonymousAllowed = anonymousAllowed;
        this.metrics = metrics;
        this.waiters = waiters;
    }

    @Override
    public Resource getChild(String name) {
        return this;
    }

    @Override
    public void handlePUT(CoapExchange exchange) {
        handlePOST(exchange);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        Request request = exchange.advanced().getRequest();
        DeviceResource resource;
        Duration ttd;
        try {
            Map<String, String> query = query(request);
            resource = DeviceResource.parse(request.getOptions().getUriPath(), query);
            ttd = Ttd.parse(query.get("ttd"), maxTtd);
        } catch (MalformedRequestException e) {
            respond(exchange, ResponseCode.BAD_REQUEST, e.getMessage());
            return;
        }
        RequestSender sender = sender(exchange);
        if (sender == null) {
            return; // answered 4.01 / 4.03
        }
        boolean polls = ttd != null && inbox != null && resource.kind() != DeviceResource.Kind.COMMAND_RESPONSE;
        DeviceId device = polls ? device(resource, sender) : null;
        TtdWaiters.Slot slot = device != null ? waiters.take(device) : null;
        if (device != null && slot == null) {
            refuseWait(exchange, ttd);
            return;
        }
        int format = request.getOptions().getContentFormat();
        String contentType = format == MediaTypeRegistry.UNDEFINED ? null : MediaTypeRegistry.toString(format);
        QoS qos = request.getType() == Type.CON ? QoS.AT_LEAST_ONCE : QoS.AT_MOST_ONCE;
        uplink.send(sender, resource, request.getPayload(), contentType, qos).whenComplete((reply, failure) -> {
            try {
                answer(exchange, reply, slot, ttd);
            } catch (RuntimeException e) {
                if (slot != null) {
                    slot.release();
                }
                log.warn("answering a CoAP request from {} failed", Untrusted.of(sender.clientId()), e);
                respond(exchange, ResponseCode.INTERNAL_SERVER_ERROR, "internal error");
            }
        });
    }

    /** The device the request is for, as the uplink will see it; null when it names none and has no identity. */
    private static DeviceId device(DeviceResource resource, RequestSender sender) {
        if (resource.namesDevice()) {
            return new DeviceId(resource.tenant(), resource.device());
        }
        if (sender instanceof RequestSender.Authenticated authenticated) {
            return new DeviceId(
                    authenticated.device().tenant(), authenticated.device().id());
        }
        return null;
    }

    /** 5.03 before the payload is forwarded: the device sends it again after Max-Age. */
    private void refuseWait(CoapExchange exchange, Duration ttd) {
        Response response = new Response(ResponseCode.SERVICE_UNAVAILABLE);
        response.getOptions().setMaxAge(Math.max(1, ttd.toSeconds()));
        response.setPayload("too many requests waiting for commands (adapters.coap.maxTtdWaiting = " + waiters.max()
                + "); send again later");
        metrics.answered(503);
        exchange.respond(response);
    }

    /** @param slot the request's place among the waiters; null when it does not wait for a command */
    private void answer(CoapExchange exchange, UplinkReply reply, TtdWaiters.Slot slot, Duration ttd) {
        // The uplink has the payload (durable, or refused): the exchange, remembered for retransmissions until the
        // exchange lifetime ends and held for a whole ttd wait, need not keep it. Californium's own offloading drops
        // only the last block's, not the body a block-wise upload assembled.
        exchange.advanced().getRequest().offload(Message.OffloadMode.PAYLOAD);
        if (!reply.accepted() || slot == null) {
            if (slot != null) {
                slot.release();
            }
            if (reply.accepted()) {
                respond(exchange, ResponseCode.CHANGED, null);
            } else {
                respond(exchange, code(reply.status()), reply.reason());
            }
            return;
        }
        CompletableFuture<Optional<Command>> wait = inbox.awaitCommand(reply.tenant(), reply.device(), ttd);
        if (wait.isDone()) {
            slot.release();
        } else {
            exchange.accept(); // durable already: the empty ACK is honest, and it stops retransmissions while we wait
            metrics.waitStarted();
            wait.whenComplete((command, failure) -> metrics.waitEnded());
            slot.waitFor(wait);
        }
        wait.whenComplete((command, failure) -> {
            if (failure != null || command.isEmpty()) {
                if (failure != null && !(failure instanceof CancellationException)) {
                    log.warn("command inbox failed; answering without a command", failure);
                }
                respond(exchange, ResponseCode.CHANGED, null); // cancelled: a newer request of the device waits
            } else {
                deliver(exchange, command.get());
            }
        });
    }

    private void deliver(CoapExchange exchange, Command command) {
        Response response = new Response(ResponseCode.CHANGED);
        response.setPayload(command.payload());
        if (command.contentType() != null) {
            int format = MediaTypeRegistry.parse(command.contentType());
            if (format != MediaTypeRegistry.UNDEFINED) {
                response.getOptions().setContentFormat(format);
            }
        }
        response.getOptions().addLocationQuery("command=" + command.name());
        if (!command.oneWay()) {
            response.getOptions()
                    .addLocationPath("command")
                    .addLocationPath("res")
                    .addLocationPath(command.requestId());
        }
        AtomicBoolean reported = new AtomicBoolean();
        response.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onSent(boolean retransmission) {
                if (response.getType() != Type.CON) { // piggy-backed or NON: nothing more will tell us
                    delivered(true);
                }
            }

            @Override
            public void onAcknowledgement() {
                delivered(true);
            }

            @Override
            public void onTimeout() {
                delivered(false);
            }

            @Override
            public void onReject() {
                delivered(false);
            }

            @Override
            public void onSendError(Throwable error) {
                delivered(false);
            }

            @Override
            public void onCancel() {
                delivered(false);
            }

            private void delivered(boolean ok) {
                if (!reported.compareAndSet(false, true)) {
                    return;
                }
                if (ok) {
                    metrics.commandDelivered();
                    inbox.delivered(command);
                } else {
                    log.info("command {} did not reach the device; pending again", command.id());
                    inbox.notDelivered(command);
                }
            }
        });
        metrics.answered(200);
        exchange.respond(response);
    }

    /** The sender, or null after answering 4.01/4.03. */
    private RequestSender sender(CoapExchange exchange) {
        Exchange advanced = exchange.advanced();
        String clientId = "coap:" + exchange.getSourceSocketAddress();
        Principal peer = advanced.getRequest().getSourceContext().getPeerIdentity();
        if (peer instanceof PreSharedKeyIdentity psk) {
            String identity = psk.getIdentity();
            RegisteredDevice device = enabledDevice(identity);
            if (device == null) {
                log.warn(
                        "CoAP request from {} refused: PSK identity {} is no enabled device",
                        Untrusted.of(clientId),
                        Untrusted.of(identity));
                metrics.authFailed();
                respond(exchange, ResponseCode.FORBIDDEN, "not authorized");
                return null;
            }
            return new RequestSender.Authenticated(device, clientId);
        }
        if (peer == null && anonymousAllowed) {
            return new RequestSender.Anonymous(clientId);
        }
        metrics.authFailed();
        respond(exchange, ResponseCode.UNAUTHORIZED, "use DTLS with a pre-shared key (identity device@tenant)");
        return null;
    }

    private RegisteredDevice enabledDevice(String identity) {
        DeviceId login = DeviceId.parseLogin(identity).orElse(null);
        if (login == null) {
            return null;
        }
        return directory
                .device(login.tenant(), login.device())
                .filter(RegisteredDevice::enabled)
                .orElse(null);
    }

    private static Map<String, String> query(Request request) {
        Map<String, String> query = new HashMap<>();
        for (String parameter : request.getOptions().getUriQuery()) {
            int eq = parameter.indexOf('=');
            query.putIfAbsent(
                    eq < 0 ? parameter : parameter.substring(0, eq), eq < 0 ? "" : parameter.substring(eq + 1));
        }
        return query;
    }

    private void respond(CoapExchange exchange, ResponseCode code, String text) {
        metrics.answered(status(code));
        if (text == null) {
            exchange.respond(code);
        } else {
            exchange.respond(code, text);
        }
    }

    static ResponseCode code(int status) {
        return switch (status) {
            case 202, 200 -> ResponseCode.CHANGED;
            case 400 -> ResponseCode.BAD_REQUEST;
            case 401 -> ResponseCode.UNAUTHORIZED;
            case 403 -> ResponseCode.FORBIDDEN;
            case 404 -> ResponseCode.NOT_FOUND;
            case 413 -> ResponseCode.REQUEST_ENTITY_TOO_LARGE;
            case 503, 429, 507 -> ResponseCode.SERVICE_UNAVAILABLE;
            default -> ResponseCode.INTERNAL_SERVER_ERROR;
        };
    }

    /** The HTTP-like status for metrics, so both adapters count alike. */
    private static int status(ResponseCode code) {
        return switch (code) {
            case CHANGED, CREATED -> 202;
            case BAD_REQUEST -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case REQUEST_ENTITY_TOO_LARGE -> 413;
            case SERVICE_UNAVAILABLE -> 503;
            default -> 500;
        };
    }
}
