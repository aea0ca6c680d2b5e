package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the embedded broker cannot see of a device connection that reaches it through the {@link DeviceRelay}
 * (decision 0001, plan step 2): the device's own address, the device listener it came in on and the client certificate
 * chain the relay's TLS verified. HiveMQ sees only the relay's internal connection, so each internal connection binds
 * its own loopback source address ({@code 127.x.y.z}; Linux routes all of 127/8 to {@code lo}) and the relay registers
 * the facts under that address before it relays the CONNECT. The authenticator, the connection quota and the
 * revocation watch read them back by the address HiveMQ reports: an exact match, whatever the client id (empty ids
 * and takeovers included), with nothing added to the MQTT stream.
 *
 * <p>The same registration carries who the connection authenticated as ({@link Identity}, recorded when HiveMQ leaves
 * its publishes to the relay) and the appends started for its QoS 1 and 2 PUBLISHes that went on to the broker, by
 * packet id, for the relay to hold the broker's acknowledgement until each is durable.
 *
 * <p>A connection that is not registered (no relay in front, or a client that reached the internal port directly) is
 * described by what HiveMQ itself knows. Addresses are handed out round robin over 127.1.0.1–127.254.255.254 and
 * never to two open connections at once, so an address comes back only after millions of connections: HiveMQ's late
 * lifecycle events of a closed connection cannot meet a new connection's facts. Thread-safe.
 */
final class RelayedConnections {

    /** The first address handed out is 127.1.0.1: 127.0.0.0/16 stays with local clients (127.0.0.1). */
    private static final int FIRST = 1 << 16;

    private static final int LAST = (254 << 16) | (255 << 8) | 254;

    /**
     * One relayed device connection.
     *
     * @param source   the loopback address its internal connection binds
     * @param device   the device's address and port
     * @param listener the name of the device listener it came in on ({@link BrokerWorkDir#listenerName})
     * @param chain    the client certificate chain the relay's TLS verified; empty without one
     */
    record Facts(InetAddress source, InetAddress device, String listener, List<X509Certificate> chain) {}

    /**
     * Who a relayed connection authenticated as, recorded when HiveMQ initialises the client (after authentication,
     * before its CONNACK is written), for the relay's own PUBLISH path.
     *
     * @param device    the sender of its publishes
     * @param principal the registered device it authenticated as; null for an anonymous client
     * @param pending   held pending approval: what it publishes is dropped
     */
    record Identity(DeviceRef device, ConnectionPrincipal principal, boolean pending) {}

    /** A registered connection: its facts and the appends started for its PUBLISHes, by packet id. */
    static final class Registration implements AutoCloseable {
        private final RelayedConnections owner;
        private final Facts facts;
        private final Map<Integer, CompletableFuture<Outcome>> appends = new ConcurrentHashMap<>();
        private volatile Identity identity;

        private Registration(RelayedConnections owner, Facts facts) {
            this.owner = owner;
            this.facts = facts;
        }

        Facts facts() {
            return facts;
        }

        /** HiveMQ leaves this connection's publishes to the relay: see {@link Identity}. */
        void identify(Identity identity) {
            this.identity = identity;
        }

        /** Who the connection authenticated as, once HiveMQ left its publishes to the relay; null until then. */
        Identity identity() {
            return identity;
        }

        /** Called by the relay, before it passes the PUBLISH {@code packetId} on to HiveMQ. */
        void appendStarted(int packetId, CompletableFuture<Outcome> append) {
            appends.put(packetId, append);
        }

        /** The append started for PUBLISH {@code packetId}, taken away; null if none was started. */
        CompletableFuture<Outcome> takeAppend(int packetId) {
            return appends.remove(packetId);
        }

        /** The connection is gone: its address may be handed out again. */
        @Override
        public void close() {
            appends.clear();
            owner.bySource.remove(facts.source().getHostAddress(), this);
        }
    }

    private final Map<String, Registration> bySource = new ConcurrentHashMap<>();

    /** Whether this system lets a socket bind 127.1.0.1, the first source address (Linux: yes; macOS, Windows: no). */
    static boolean sourcesBindable() {
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress(address(FIRST + 1), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private int next = FIRST; // guarded by this

    /** Registers a new device connection under a loopback address no open connection uses. */
    Registration register(InetAddress device, String listener, List<X509Certificate> chain) {
        for (int tries = 0; tries < 1_000; tries++) {
            InetAddress source = nextAddress();
            Registration registration = new Registration(this, new Facts(source, device, listener, List.copyOf(chain)));
            if (bySource.putIfAbsent(source.getHostAddress(), registration) == null) {
                return registration;
            }
        }
        throw new IllegalStateException("no free loopback address for a relayed MQTT connection");
    }

    /** The registration of a connection HiveMQ reports, or null if it did not come through the relay. */
    Registration of(ConnectionInformation connection) {
        if (bySource.isEmpty()) {
            return null;
        }
        return connection
                .getInetAddress()
                .map(address -> bySource.get(address.getHostAddress()))
                .orElse(null);
    }

    /** The device's address: the relay's record, or HiveMQ's. */
    InetAddress deviceAddress(ConnectionInformation connection) {
        Registration relayed = of(connection);
        return relayed != null
                ? relayed.facts.device()
                : connection.getInetAddress().orElse(null);
    }

    /** The name of the listener the device came in on: the relay's record, or HiveMQ's listener. */
    String listener(ConnectionInformation connection) {
        Registration relayed = of(connection);
        return relayed != null
                ? relayed.facts.listener()
                : connection.getListener().map(l -> l.getName()).orElse("?");
    }

    /** The client certificate chain the device presented: the relay's TLS, or HiveMQ's; empty without one. */
    List<X509Certificate> clientChain(ConnectionInformation connection) {
        Registration relayed = of(connection);
        return relayed != null ? relayed.facts.chain() : RegistryAuthenticator.clientChain(connection);
    }

    /** Open relayed connections. */
    int size() {
        return bySource.size();
    }

    private synchronized InetAddress nextAddress() {
        int n = next;
        next = n >= LAST ? FIRST : n + 1;
        if ((n & 0xff) == 0 || (n & 0xff) == 255) { // skip .0 and .255: valid on lo, but they look like mistakes
            return nextAddress();
        }
        return address(n);
    }

    private static InetAddress address(int n) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) (n >> 16), (byte) (n >> 8), (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
