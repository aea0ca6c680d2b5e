package io.fogbridge.mqtt;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the {@link ExternalMqttBridge} ({@code mqtt.external.*}). Immutable; build with {@link #builder}.
 *
 * @param uri             the broker, {@code tcp://host:port} (port defaults to 1883) or, with TLS,
 *                        {@code ssl://host:port} (port defaults to 8883); {@code mqtt://} and {@code mqtts://} are
 *                        the same
 * @param tls             TLS settings; null with a plain URI. A TLS URI without them gets
 *                        {@link ExternalBrokerTls#DEFAULT}; TLS settings with a plain URI are refused
 * @param clientId        fixed client id: it names the persistent session, so it must not change between restarts
 * @param filters         plain MQTT topic filters to take (the gateway passes its routes' filters)
 * @param sharedGroup     when set, subscribe {@code $share/<group>/<filter>} so several gateways split the load;
 *                        null for a plain subscription
 * @param username        optional; null for anonymous
 * @param password        optional; only used with a username
 * @param maxPayloadBytes larger messages are acknowledged to the broker, counted and dropped (they can never fit)
 * @param sessionExpiry   how long the broker keeps our session (and queues for us) while we are away
 * @param reconnectMaxDelay longest wait between reconnect attempts; they start at {@link #RECONNECT_INITIAL_DELAY}
 * @param retryMaxDelay   longest wait between attempts to hand a message the uplink refused as retriable (spool full)
 * @param startTimeout    how long {@link ExternalMqttBridge#start} waits at most to be connected and subscribed; it
 *                        returns earlier when the first attempt failed, and the bridge keeps retrying either way
 * @param ackTimeout      how long a message may wait for the uplink's answer (the spool's durable append); after that
 *                        it is left unacknowledged and handed over again (the gateway passes {@code devices.ackTimeout})
 */
public record ExternalBrokerOptions(
        URI uri,
        ExternalBrokerTls tls,
        String clientId,
        List<String> filters,
        String sharedGroup,
        String username,
        String password,
        int maxPayloadBytes,
        Duration sessionExpiry,
        Duration reconnectMaxDelay,
        Duration retryMaxDelay,
        Duration startTimeout,
        Duration ackTimeout) {

    public static final Duration RECONNECT_INITIAL_DELAY = Duration.ofMillis(500);

    private static final Set<String> PLAIN_SCHEMES = Set.of("tcp", "mqtt");
    private static final Set<String> TLS_SCHEMES = Set.of("ssl", "mqtts");

    public ExternalBrokerOptions {
        Objects.requireNonNull(uri, "uri");
        if (!PLAIN_SCHEMES.contains(uri.getScheme()) && !TLS_SCHEMES.contains(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "mqtt.external.uri: '" + uri + "' must be tcp://host:port or ssl://host:port");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("mqtt.external.uri: '" + uri + "' has no host");
        }
        if (TLS_SCHEMES.contains(uri.getScheme())) {
            tls = tls == null ? ExternalBrokerTls.DEFAULT : tls;
        } else if (tls != null) {
            throw new IllegalArgumentException("mqtt.external: TLS settings need an ssl:// uri, not '" + uri + "'");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("mqtt.external.clientId: must not be blank");
        }
        filters = List.copyOf(Objects.requireNonNull(filters, "filters"));
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("mqtt.external: no topic filter to subscribe (no route?)");
        }
        if (sharedGroup != null && (sharedGroup.isBlank() || sharedGroup.matches(".*[/+#].*"))) {
            throw new IllegalArgumentException(
                    "mqtt.external.sharedGroup: '" + sharedGroup + "' must be non-blank, without / + #");
        }
        if (maxPayloadBytes < 1) {
            throw new IllegalArgumentException("devices.maxPayload: must be positive");
        }
        Objects.requireNonNull(sessionExpiry, "sessionExpiry");
        Objects.requireNonNull(reconnectMaxDelay, "reconnectMaxDelay");
        Objects.requireNonNull(retryMaxDelay, "retryMaxDelay");
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("devices.ackTimeout: " + ackTimeout + " must be positive");
        }
    }

    public int port() {
        return uri.getPort() >= 0 ? uri.getPort() : tls == null ? 1883 : 8883;
    }

    /** The filters as subscribed: with the shared-subscription prefix when a group is set. */
    public List<String> subscriptions() {
        return sharedGroup == null
                ? filters
                : filters.stream().map(f -> "$share/" + sharedGroup + "/" + f).toList();
    }

    /** Starts options for a gateway; the client id defaults to {@code fogbridge-<gatewayId>}. */
    public static Builder builder(URI uri, String gatewayId) {
        return new Builder(uri, "fogbridge-" + gatewayId);
    }

    @Override
    public String toString() { // keeps the password out of logs
        return "ExternalBrokerOptions[uri=" + uri + ", tls=" + tls + ", clientId=" + clientId + ", filters=" + filters
                + ", sharedGroup=" + sharedGroup + ", username=" + username + "]";
    }

    /** Not thread-safe. */
    public static final class Builder {
        private final URI uri;
        private ExternalBrokerTls tls;
        private String clientId;
        private List<String> filters = List.of();
        private String sharedGroup;
        private String username;
        private String password;
        private int maxPayloadBytes = EmbeddedBrokerOptions.DEFAULT_MAX_PAYLOAD_BYTES;
        private Duration sessionExpiry = Duration.ofDays(7);
        private Duration reconnectMaxDelay = Duration.ofSeconds(30);
        private Duration retryMaxDelay = Duration.ofSeconds(10);
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration ackTimeout = EmbeddedBrokerOptions.DEFAULT_ACK_TIMEOUT;

        private Builder(URI uri, String clientId) {
            this.uri = uri;
            this.clientId = clientId;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** TLS settings for an {@code ssl://} URI; not needed for the defaults (JVM trust store, hostname checked). */
        public Builder tls(ExternalBrokerTls tls) {
            this.tls = tls;
            return this;
        }

        public Builder filters(List<String> filters) {
            this.filters = filters;
            return this;
        }

        public Builder sharedGroup(String sharedGroup) {
            this.sharedGroup = sharedGroup;
            return this;
        }

        public Builder credentials(String username, String password) {
            this.username = username;
            this.password = password;
            return this;
        }

        public Builder maxPayloadBytes(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        public Builder sessionExpiry(Duration sessionExpiry) {
            this.sessionExpiry = sessionExpiry;
            return this;
        }

        public Builder reconnectMaxDelay(Duration reconnectMaxDelay) {
            this.reconnectMaxDelay = reconnectMaxDelay;
            return this;
        }

        public Builder retryMaxDelay(Duration retryMaxDelay) {
            this.retryMaxDelay = retryMaxDelay;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        public Builder ackTimeout(Duration ackTimeout) {
            this.ackTimeout = ackTimeout;
            return this;
        }

        public ExternalBrokerOptions build() {
            return new ExternalBrokerOptions(
                    uri,
                    tls,
                    clientId,
                    filters,
                    sharedGroup,
                    username,
                    password,
                    maxPayloadBytes,
                    sessionExpiry,
                    reconnectMaxDelay,
                    retryMaxDelay,
                    startTimeout,
                    ackTimeout);
        }
    }
}
