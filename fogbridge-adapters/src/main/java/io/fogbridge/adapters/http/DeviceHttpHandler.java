package io.fogbridge.adapters.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one device request: method and path, body with its size limit, credentials, the uplink, and the optional
 * {@code ttd} wait for a command. Runs on a virtual thread per request, so it simply blocks on the futures it waits
 * for. Anything unexpected is answered 500 for this request only.
 */
final class DeviceHttpHandler implements HttpHandler {

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

    @Override
    public void handle(HttpExchange exchange) {
        try (exchange) {
            serve(exchange);
        } catch (IOException e) {
            log.debug("HTTP exchange with {} broke: {}", exchange.getRemoteAddress(), e.toString());
        } catch (RuntimeException e) {
            log.warn("HTTP request from {} failed", exchange.getRemoteAddress(), e);
            tryRespond(exchange, 500, "internal error");
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
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
            qos = qos(exchange.getRequestHeaders().getFirst(QOS_HEADER));
        } catch (MalformedRequestException e) {
            respond(exchange, 400, e.getMessage());
            return;
        }
        RequestSender sender = authenticate(exchange);
        if (sender == null) {
            return; // answered
        }
        byte[] body = readBody(exchange);
        if (body == null) {
            return; // answered 413
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        UplinkReply reply =
                uplink.send(sender, resource, body, contentType, qos).join();
        if (!reply.accepted()
                || ttd == null
                || inbox == null
                || resource.kind() == DeviceResource.Kind.COMMAND_RESPONSE) {
            respond(exchange, reply.status(), reply.accepted() ? null : reply.reason());
            return;
        }
        Optional<Command> command = awaitCommand(reply, ttd);
        if (command.isEmpty()) {
            respond(exchange, 202, null);
            return;
        }
        deliver(exchange, command.get());
    }

    private Optional<Command> awaitCommand(UplinkReply reply, Duration ttd) {
        CompletableFuture<Optional<Command>> wait = inbox.awaitCommand(reply.tenant(), reply.device(), ttd);
        metrics.waitStarted();
        try {
            // The inbox completes with empty after ttd itself; the extra second only guards against a lost wakeup.
            return wait.get(ttd.toMillis() + 1000, TimeUnit.MILLISECONDS);
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

    private void deliver(HttpExchange exchange, Command command) {
        var headers = exchange.getResponseHeaders();
        headers.set(COMMAND_HEADER, command.name());
        if (!command.oneWay()) {
            headers.set(REQUEST_ID_HEADER, command.requestId());
        }
        headers.set("Content-Type", command.contentType() != null ? command.contentType() : "application/octet-stream");
        try {
            exchange.sendResponseHeaders(200, command.payload().length == 0 ? -1 : command.payload().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(command.payload());
            }
            metrics.answered(200);
            metrics.commandDelivered();
            inbox.delivered(command);
        } catch (IOException | RuntimeException e) {
            log.info(
                    "command {} could not be written to {}: {}",
                    command.id(),
                    exchange.getRemoteAddress(),
                    e.toString());
            inbox.notDelivered(command);
        }
    }

    /** The sender, or null when the request was answered 401/403 here. */
    private RequestSender authenticate(HttpExchange exchange) throws IOException {
        String clientId = "http:" + exchange.getRemoteAddress();
        List<X509Certificate> chain = clientChain(exchange);
        if (!chain.isEmpty()) {
            return senderOrRefuse(exchange, certificates.authenticate(chain, clock.instant()), clientId);
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
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

    private RequestSender senderOrRefuse(HttpExchange exchange, AuthResult result, String clientId) throws IOException {
        return switch (result) {
            case AuthResult.Authenticated authenticated ->
                new RequestSender.Authenticated(authenticated.device(), clientId);
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

    private RequestSender refuseUnauthenticated(HttpExchange exchange, String reason) throws IOException {
        metrics.authFailed();
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fogbridge\"");
        respond(exchange, 401, reason);
        return null;
    }

    /** The body, or null after answering 413 when it is larger than allowed. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        long max = options.maxPayloadBytes();
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && parseLongOr(declared, -1) > max) {
            respond(exchange, 413, "body of " + declared + " bytes exceeds the limit of " + max);
            return null;
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (body.length > max) { // chunked, without a Content-Length
                respond(exchange, 413, "body exceeds the limit of " + max + " bytes");
                return null;
            }
            return body;
        }
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

    private static List<X509Certificate> clientChain(HttpExchange exchange) {
        if (!(exchange instanceof HttpsExchange https) || https.getSSLSession() == null) {
            return List.of();
        }
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            return Arrays.stream(chain)
                    .filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast)
                    .toList();
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // no client certificate: basic auth or anonymous
        }
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

    private static long parseLongOr(String text, long fallback) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private void respond(HttpExchange exchange, int status, String text) throws IOException {
        metrics.answered(status);
        if (text == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void tryRespond(HttpExchange exchange, int status, String text) {
        try {
            respond(exchange, status, text);
        } catch (IOException | RuntimeException e) {
            // headers were already sent, or the connection is gone: nothing more to tell this client
        }
    }
}
