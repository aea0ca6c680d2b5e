package io.fogbridge.gateway.console;

import io.fogbridge.api.Command;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.log.Untrusted;
import io.fogbridge.command.CommandRouter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands sent from the console, and what became of them. A command goes to the {@link CommandRouter} exactly as one
 * read from Kafka would (same store, same delivery, same expiry and failure responses); its correlation id starts with
 * {@value #CORRELATION_PREFIX}, so the device's response record in {@code fog.command_response.<tenant>} says in its
 * {@code correlation-id} header that the console sent it. Every send is logged at INFO with who sent it (the browser's
 * address and a short tag of its session, never the session id).
 *
 * <p>Keeps the last {@value #KEPT} commands: their state ({@code pending}, then {@code delivered} or {@code failed
 * <status>: <reason>} from the router) and the device's response (status and the first bytes of its payload), matched
 * by correlation id from the {@code command/…/res/<correlation id>/<status>} messages {@link DeviceActivity} hands
 * over. Thread-safe (one lock; the ops thread, the router thread and the uplink touch it).
 */
public final class ConsoleCommands {

    private static final Logger log = LoggerFactory.getLogger(ConsoleCommands.class);
    static final String CORRELATION_PREFIX = "console-";
    static final int KEPT = 50;
    static final Duration MAX_TTL = Duration.ofHours(24);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One command sent from the console, as the page lists it. */
    public record Sent(
            String id,
            String tenant,
            String device,
            String subject,
            String correlationId,
            long sentAt,
            long deadline,
            String state,
            String responseStatus,
            byte[] responsePayload) {

        Sent with(String state) {
            return new Sent(
                    id,
                    tenant,
                    device,
                    subject,
                    correlationId,
                    sentAt,
                    deadline,
                    state,
                    responseStatus,
                    responsePayload);
        }

        Sent answered(String status, byte[] payload) {
            return new Sent(id, tenant, device, subject, correlationId, sentAt, deadline, state, status, payload);
        }
    }

    private final CommandRouter router;
    private final LongSupplier clockMillis;
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();

    public ConsoleCommands(CommandRouter router, LongSupplier clockMillis) {
        this.router = router;
        this.clockMillis = clockMillis;
        router.onSettled(this::settled);
    }

    /**
     * Hands a command to the router.
     *
     * @param who how the audit log names the sender
     * @return completes when the router stored it (or answered it with a failure); exceptionally on a disk failure
     * @throws IllegalArgumentException a field is empty or the ttl is not 1 s to 24 h
     */
    CompletableFuture<Void> send(
            String tenant, String device, String subject, byte[] payload, Duration ttl, String who) {
        if (!level(tenant) || !level(device) || !level(subject)) {
            throw new IllegalArgumentException(
                    "tenant, device and subject are each 1-128 characters without '/', '+' or '#'");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be 1 s to 24 h");
        }
        long now = clockMillis.getAsLong();
        String correlationId = CORRELATION_PREFIX + HexFormat.of().formatHex(randomBytes());
        Command command = new Command(
                "console/" + correlationId,
                tenant,
                device,
                subject,
                correlationId,
                true,
                payload,
                looksLikeJson(payload) ? "application/json" : "text/plain; charset=utf-8",
                now,
                now + ttl.toMillis());
        synchronized (this) {
            if (sent.size() >= KEPT) {
                sent.removeLast();
            }
            sent.addFirst(new Sent(
                    command.id(),
                    tenant,
                    device,
                    subject,
                    correlationId,
                    now,
                    command.deadline(),
                    "pending",
                    null,
                    null));
        }
        log.info(
                "console: command {} '{}' to {}/{} ({} bytes, ttl {} s) sent by {}",
                correlationId,
                Untrusted.of(subject),
                Untrusted.of(tenant),
                Untrusted.of(device),
                payload.length,
                ttl.toSeconds(),
                Untrusted.of(who));
        return router.submit(command);
    }

    /** The commands sent lately, newest first. */
    synchronized List<Sent> recent() {
        return new ArrayList<>(sent);
    }

    /** A {@code command/…} message from a device: a response when the topic is {@code …/res/<id>/<status>}. */
    public void response(InboundMessage message) {
        String[] levels = message.topic().split("/", -1);
        if (levels.length != 6 || !levels[3].equals("res") || !levels[4].startsWith(CORRELATION_PREFIX)) {
            return;
        }
        byte[] kept =
                message.payload().length <= 1024 ? message.payload().clone() : Arrays.copyOf(message.payload(), 1024);
        replace(levels[4], s -> s.answered(levels[5], kept), true);
    }

    private void settled(String id, String outcome) {
        if (id.startsWith("console/" + CORRELATION_PREFIX)) {
            replace(id.substring("console/".length()), s -> s.with(outcome), false);
        }
    }

    private synchronized void replace(String correlationId, UnaryOperator<Sent> change, boolean once) {
        List<Sent> all = new ArrayList<>(sent);
        sent.clear();
        for (Sent s : all) {
            boolean match = s.correlationId().equals(correlationId) && !(once && s.responseStatus() != null);
            sent.addLast(match ? change.apply(s) : s);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** As the Kafka command parser: one MQTT topic level, since each becomes one in the command topic. */
    private static boolean level(String s) {
        return s != null
                && !s.isEmpty()
                && s.length() <= 128
                && s.chars().noneMatch(c -> c == '/' || c == '+' || c == '#' || c == 0);
    }

    private static boolean looksLikeJson(byte[] payload) {
        String start = new String(payload, 0, Math.min(payload.length, 16), StandardCharsets.UTF_8).strip();
        return start.startsWith("{") || start.startsWith("[");
    }
}
