package io.fogbridge.adapters.http;

import io.fogbridge.adapters.AdapterMetrics;
import io.fogbridge.adapters.DeviceResource;
import io.fogbridge.adapters.DeviceUplink;
import io.fogbridge.adapters.MalformedRequestException;
import io.fogbridge.adapters.RequestSender;
import io.fogbridge.adapters.Ttd;
import io.fogbridge.adapters.UplinkReply;
import io.fogbridge.api.Command;
import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.QoS;
import io.fogbridge.api.device.AuthResult;
import io.fogbridge.api.device.DeviceDirectory;
import io.fogbridge.api.log.Untrusted;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one device request: method and path, body with its size limit, credentials, the uplink, and the optional
 * {@code ttd} wait for a command. Runs on a virtual thread per request, so it simply blocks on the futures it waits
 * for. Anything unexpected is answered 500 for this request only.
 *
 * <p>Long polls: at most {@code maxTtdWaiting} requests wait at once (more are refused with 503 before their body is
 * forwarded); a wait ends at once when the client hangs up, and a command counts as delivered only when its response
 * was written and flushed to the still open connection, else it is pending again. Requests are counted by status
 * only once their answer was written: a client that left before hearing it is counted as unanswered.
 */
final class DeviceHttpHandler {

    private static final Logger log = LoggerFactory.getLogger(DeviceHttpHandler.class);

    static final String QOS_HEADER = "QoS-Level";
    static final String COMMAND_HEADER = "Fog-Command";
    static final String REQUEST_ID_HEADER = "Fog-Command-Request-Id";

    private final HttpAdapterOptions options;
    private final DeviceUplink uplink;
    private final PasswordCheck passwords;
    private final DeviceDirectory certificates;
    private final Clock clock;
    private final CommandInbox inbox;
    private final AdapterMetrics metrics;
    private final AtomicInteger waiters = new AtomicInteger();

    DeviceHttpHandler(
            HttpAdapterOptions options,
            DeviceUplink uplink,
            PasswordCheck passwords,
            DeviceDirectory certificates,
            Clock clock,
            CommandInbox inboxOrNull,
            AdapterMetrics metrics) {
        this.options = options;
        this.uplink = uplink;
        this.passwords = passwords;
        this.certificates = certificates;
        this.clock = clock;
        this.inbox = inboxOrNull;
        this.metrics = metrics;
    }

    void handle(HttpCall exchange) {
        try {
            serve(exchange);
        } catch (RuntimeException e) {
            log.warn("HTTP request from {} failed", exchange.getRemoteAddress(), e);
            tryRespond(exchange, 500, "internal error");
        } finally {
            exchange.answered().complete(null); // never leave the connection's next request stuck behind this one
        }
    }

    private void serve(HttpCall exchange) {
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.responseHeaders().put("Allow", "POST");
            respond(exchange, 405, "use POST");
            return;
        }
        DeviceResource resource;
        Duration ttd;
        QoS qos;
        try {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            resource = DeviceResource.parse(segments(exchange.getRequestURI().getRawPath()), query);
            ttd = Ttd.parse(query.get("ttd"), options.maxTtd());
            qos = qos(exchange.header(QOS_HEADER));
        } catch (MalformedRequestException e) {
            respond(exchange, 400, e.getMessage());
            return;
        }
        RequestSender sender = authenticate(exchange);
        if (sender == null) {
            return; // answered
        }
        if (exchange.bodyTooLarge()) {
            respond(exchange, 413, "body exceeds the limit of " + options.maxPayloadBytes() + " bytes");
            return;
        }
        boolean polls = ttd != null && inbox != null && resource.kind() != DeviceResource.Kind.COMMAND_RESPONSE;
        if (polls && !reserveWaiter()) {
            exchange.responseHeaders().put("Retry-After", Long.toString(ttd.toSeconds()));
            respond(
                    exchange,
                    503,
                    "too many requests waiting for commands (adapters.http.maxTtdWaiting = " + options.maxTtdWaiting()
                            + "); send again later");
            return;
        }
        try {
            UplinkReply reply = send(exchange, sender, resource, qos);
            if (!reply.accepted() || !polls) {
                respond(exchange, reply.status(), reply.accepted() ? null : reply.reason());
                return;
            }
            Optional<Command> command = awaitCommand(exchange, reply, ttd);
            if (command.isEmpty()) {
                respond(exchange, 202, null);
                return;
            }
            deliver(exchange, command.get());
        } finally {
            if (polls) {
                waiters.decrementAndGet();
            }
        }
    }

    private boolean reserveWaiter() {
        if (waiters.incrementAndGet() > options.maxTtdWaiting()) {
            waiters.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Its own method so that the body is not held while the request waits for a command. */
    private UplinkReply send(HttpCall exchange, RequestSender sender, DeviceResource resource, QoS qos) {
        return uplink.send(sender, resource, exchange.takeBody(), exchange.header("Content-Type"), qos)
                .join();
    }

    private Optional<Command> awaitCommand(HttpCall exchange, UplinkReply reply, Duration ttd) {
        CompletableFuture<Optional<Command>> wait = inbox.awaitCommand(reply.tenant(), reply.device(), ttd);
        metrics.waitStarted();
        // The client hung up: withdraw at once. The inbox never hands a command to a cancelled wait.
        try (HttpCall.CloseWatch hangUp = exchange.watchClose(() -> wait.cancel(false))) {
            // The inbox completes with empty after ttd itself; the extra second only guards against a lost wakeup.
            return wait.get(ttd.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (CancellationException e) {
            return Optional.empty(); // withdrawn because the client left
        } catch (TimeoutException | InterruptedException e) {
            wait.cancel(false);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // A command that raced the cancel was handed to us after all: it must not be lost.
            return wait.isDone() && !wait.isCancelled() ? wait.join() : Optional.empty();
        } catch (ExecutionException e) {
            log.warn("command inbox failed; answering without a command", e.getCause());
            return Optional.empty();
        } finally {
            metrics.waitEnded();
        }
    }

    /**
     * Delivered only when the response was flushed to the connection the device still holds open; a client that is
     * gone (or goes while we write) gets nothing and the command is pending again, for its next request.
     */
    private void deliver(HttpCall exchange, Command command) {
        var headers = exchange.responseHeaders();
        headers.put(COMMAND_HEADER, command.name());
        if (!command.oneWay()) {
            headers.put(REQUEST_ID_HEADER, command.requestId());
        }
        headers.put("Content-Type", command.contentType() != null ? command.contentType() : "application/octet-stream");
        boolean written;
        try {
            written = exchange.respondAfterPendingReads(200, command.payload()).join();
        } catch (RuntimeException e) {
            written = false;
        }
        if (written) {
            metrics.answered(200);
            metrics.commandDelivered();
            inbox.delivered(command);
        } else {
            log.info(
                    "command {} could not be written to {}: {}",
                    command.id(),
                    exchange.getRemoteAddress(),
                    "the client closed the connection");
            metrics.unanswered();
            inbox.notDelivered(command);
        }
    }

    /** The sender, or null when the request was answered 401/403 here. */
    private RequestSender authenticate(HttpCall exchange) {
        String clientId = "http:" + exchange.getRemoteAddress();
        List<X509Certificate> chain = exchange.clientChain();
        if (!chain.isEmpty()) {
            return senderOrRefuse(exchange, certificates.authenticate(chain, clock.instant()), clientId);
        }
        String authorization = exchange.header("Authorization");
        if (authorization != null) {
            String[] credentials = basicCredentials(authorization);
            if (credentials == null) {
                return refuseUnauthenticated(exchange, "malformed Authorization header: expected Basic");
            }
            return senderOrRefuse(exchange, passwords.check(credentials[0], credentials[1]), clientId);
        }
        if (options.anonymousAllowed()) {
            return new RequestSender.Anonymous(clientId);
        }
        return refuseUnauthenticated(exchange, "credentials required");
    }

    private RequestSender senderOrRefuse(HttpCall exchange, AuthResult result, String clientId) {
        return switch (result) {
            case AuthResult.Authenticated authenticated ->
                new RequestSender.Authenticated(authenticated.device(), clientId);
            case AuthResult.Pending pending -> {
                // Onboarding holds the device at the edge; a request has no session to hold, so it is answered now.
                log.warn(
                        "HTTP request from {} refused: {} is pending approval",
                        Untrusted.of(clientId),
                        pending.device().name());
                metrics.authFailed();
                respond(exchange, 403, "pending approval");
                yield null;
            }
            case AuthResult.Refused refused -> {
                log.warn("HTTP request from {} refused: {}", Untrusted.of(clientId), Untrusted.of(refused.detail()));
                switch (refused.reason()) {
                    case BAD_CREDENTIALS, MALFORMED_USERNAME -> refuseUnauthenticated(exchange, "bad credentials");
                    case DISABLED, CREDENTIAL_NOT_VALID_NOW -> {
                        metrics.authFailed();
                        respond(exchange, 403, "not authorized");
                    }
                }
                yield null;
            }
        };
    }

    private RequestSender refuseUnauthenticated(HttpCall exchange, String reason) {
        metrics.authFailed();
        exchange.responseHeaders().put("WWW-Authenticate", "Basic realm=\"fogbridge\"");
        respond(exchange, 401, reason);
        return null;
    }

    private static QoS qos(String header) {
        if (header == null || header.equals("0")) {
            return QoS.AT_MOST_ONCE;
        }
        if (header.equals("1")) {
            return QoS.AT_LEAST_ONCE;
        }
        throw new MalformedRequestException(QOS_HEADER + " must be 0 or 1, got '" + header + "'");
    }

    private static String[] basicCredentials(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.putIfAbsent(name, value);
        }
        return query;
    }

    /** Answers; counted by status only when the client was still there to read it. */
    private void respond(HttpCall exchange, int status, String text) {
        byte[] body = new byte[0];
        if (text != null) {
            body = (text + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.responseHeaders().put("Content-Type", "text/plain; charset=utf-8");
        }
        if (exchange.respond(status, body).join()) {
            metrics.answered(status);
        } else {
            metrics.unanswered();
        }
    }

    private void tryRespond(HttpCall exchange, int status, String text) {
        try {
            respond(exchange, status, text);
        } catch (RuntimeException e) {
            // already answered, or the connection is gone: nothing more to tell this client
        }
    }
}
