package io.fogbridge.mqtt;

import io.fogbridge.api.device.SessionListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@link EmbeddedMqttBroker}. Immutable; build with {@link #builder(Path)}.
 *
 * @param listeners       plain TCP listeners; port 0 = pick a free port (see {@link EmbeddedMqttBroker#boundListeners()})
 * @param maxPayloadBytes largest PUBLISH payload accepted ({@code devices.maxPayload}); a larger one gets the sender
 *                        disconnected with reason 0x95 (packet too large)
 * @param workDir         directory the broker owns: its generated {@code conf/}, {@code data/} and empty
 *                        {@code extensions/} folders live here. Regenerated on every start.
 * @param ackTimeout      how long a QoS 1 PUBACK may wait for the uplink (the spool's durable append); after that the
 *                        device gets reason 0x83 (implementation specific error) and should retransmit
 * @param allowAnonymous  false: clients without credentials are refused on every listener; true: each listener decides
 *                        ({@link ListenerAddress#anonymousAllowed()}: loopback listeners only, unless configured)
 * @param security        the device registry and roles clients authenticate and are authorized against
 * @param startTimeout    how long {@link EmbeddedMqttBroker#start} waits for the broker to listen
 * @param maxConnections  connections held at most ({@code mqtt.maxConnections}); a CONNECT beyond is refused 0x97
 * @param maxConnectionsPerAddress the same per source address ({@code mqtt.maxConnectionsPerAddress}); 0: unbounded
 * @param sessions        told when a client's connection opens (after authentication) and closes
 * @param pipelinedAcks   {@code devices.pipelinedAcks}: devices connect to the {@link DeviceRelay}, which holds each
 *                        PUBACK until its append is durable, many per connection at once (decision 0001); false: the
 *                        broker listens itself and parks each PUBLISH until it is durable, one per connection
 */
public record EmbeddedBrokerOptions(
        List<ListenerAddress> listeners,
        int maxPayloadBytes,
        Path workDir,
        Duration ackTimeout,
        boolean allowAnonymous,
        Duration startTimeout,
        MqttSecurity security,
        int maxConnections,
        int maxConnectionsPerAddress,
        SessionListener sessions,
        boolean pipelinedAcks) {

    /** {@code mqtt.maxConnections} default. */
    public static final int DEFAULT_MAX_CONNECTIONS = 5_000;

    /** {@code devices.maxPayload} default: 256 KiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;

    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Largest {@code devices.maxPayload} the broker can serve: its packet size limit less room for the PUBLISH
     * header. The gateway's config check holds the key to it, so a file it accepts starts.
     */
    public static final int MAX_PAYLOAD_BYTES = BrokerWorkDir.MAX_PACKET_SIZE_LIMIT - BrokerWorkDir.HEADER_ROOM;

    /** Shortest {@code devices.ackTimeout}: HiveMQ's extension SDK takes async timeouts of whole seconds, at least one. */
    public static final Duration MIN_ACK_TIMEOUT = Duration.ofSeconds(1);

    public EmbeddedBrokerOptions {
        listeners = List.copyOf(Objects.requireNonNull(listeners, "listeners"));
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("mqtt.listeners: at least one listener is needed");
        }
        if (maxPayloadBytes < 1 || maxPayloadBytes > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("devices.maxPayload (formerly mqtt.maxPayload): " + maxPayloadBytes
                    + " bytes is outside 1.." + MAX_PAYLOAD_BYTES);
        }
        if (ackTimeout.compareTo(MIN_ACK_TIMEOUT) < 0) {
            throw new IllegalArgumentException(
                    "devices.ackTimeout (formerly mqtt.ackTimeout): " + ackTimeout + " is shorter than 1 s");
        }
        Objects.requireNonNull(security, "security");
        sessions = sessions == null ? SessionListener.NONE : sessions;
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /** Not thread-safe; one builder per options object. */
    public static final class Builder {
        private List<ListenerAddress> listeners = List.of(new ListenerAddress("0.0.0.0", 1883));
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
        private final Path workDir;
        private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
        private boolean allowAnonymous = true;
        private Duration startTimeout = Duration.ofSeconds(60);
        private MqttSecurity security = MqttSecurity.anonymousOnly();
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress;
        private SessionListener sessions = SessionListener.NONE;
        private boolean pipelinedAcks;

        private Builder(Path workDir) {
            this.workDir = workDir;
        }

        public Builder listeners(List<ListenerAddress> listeners) {
            this.listeners = listeners;
            return this;
        }

        public Builder listener(String host, int port) {
            return listeners(List.of(new ListenerAddress(host, port)));
        }

        public Builder maxPayloadBytes(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        public Builder ackTimeout(Duration ackTimeout) {
            this.ackTimeout = ackTimeout;
            return this;
        }

        public Builder allowAnonymous(boolean allowAnonymous) {
            this.allowAnonymous = allowAnonymous;
            return this;
        }

        /** Devices and roles; default: no devices, anonymous clients on loopback listeners only. */
        public Builder security(MqttSecurity security) {
            this.security = security;
            return this;
        }

        /** Who hears of connections opening and closing (the console's device states); default: nobody. */
        public Builder sessions(SessionListener sessions) {
            this.sessions = sessions;
            return this;
        }

        /** Devices connect through the PUBACK-holding {@link DeviceRelay} (decision 0001); default false. */
        public Builder pipelinedAcks(boolean pipelinedAcks) {
            this.pipelinedAcks = pipelinedAcks;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Connections the broker holds at most, in all and from one source address (0: no per-address bound); a
         * CONNECT beyond them is refused with 0x97 ({@link ConnectionQuota}).
         */
        public Builder maxConnections(int maxConnections, int maxConnectionsPerAddress) {
            this.maxConnections = maxConnections;
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        public EmbeddedBrokerOptions build() {
            return new EmbeddedBrokerOptions(
                    listeners,
                    maxPayloadBytes,
                    workDir,
                    ackTimeout,
                    allowAnonymous,
                    startTimeout,
                    security,
                    maxConnections,
                    maxConnectionsPerAddress,
                    sessions,
                    pipelinedAcks);
        }
    }
}
