package io.fogbridge.mqtt;

import com.hivemq.extension.sdk.api.client.parameter.ConnectionAttributeStore;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many MQTT connections the embedded broker holds, in all and per source address, and whether one more may come
 * in. A connection takes its place when its CONNECT is looked at ({@link #tryAcquire}, before authentication, so a
 * flood of CONNECTs with bad credentials is bounded too) and gives it back when it ends ({@link #release}); the place
 * is remembered in the connection's attribute store, so a session takeover (same client id, new connection) or a
 * release called twice never miscounts. At the bound the CONNECT is refused with 0x97 (quota exceeded; an MQTT 3.1.1
 * client hears 3, server unavailable) and counted; connections already in are not touched.
 *
 * <p>Thread-safe.
 */
final class ConnectionQuota {

    private static final String ATTRIBUTE = "fogbridge.quota";

    private final int maxConnections;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();

    /**
     * @param maxConnections connections in all
     * @param maxPerAddress  connections from one source address; 0 for no such bound
     */
    ConnectionQuota(int maxConnections, int maxPerAddress) {
        if (maxConnections < 1 || maxPerAddress < 0) {
            throw new IllegalArgumentException("bad connection bounds: " + maxConnections + ", " + maxPerAddress);
        }
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a place for this connection; null if it got one, otherwise why not (for the CONNACK and the log). */
    String tryAcquire(ConnectionInformation connection) {
        return tryAcquire(connection, connection.getInetAddress().orElse(null));
    }

    /** As {@link #tryAcquire(ConnectionInformation)}, counting the connection against {@code address} (null: none). */
    String tryAcquire(ConnectionInformation connection, InetAddress address) {
        ConnectionAttributeStore store = connection.getConnectionAttributeStore();
        if (store.get(ATTRIBUTE).isPresent()) {
            return null; // an enhanced-auth round trip or a second look at the same connection
        }
        if (total.incrementAndGet() > maxConnections) {
            total.decrementAndGet();
            return "the gateway holds its maximum of " + maxConnections + " MQTT connections (mqtt.maxConnections)";
        }
        String held = maxPerAddress == 0 || address == null ? "" : address.getHostAddress();
        if (!held.isEmpty()) {
            boolean[] full = {false};
            perAddress.compute(held, (a, n) -> {
                int now = n == null ? 0 : n;
                full[0] = now >= maxPerAddress;
                return full[0] ? n : now + 1;
            });
            if (full[0]) {
                total.decrementAndGet();
                return "this address holds its maximum of " + maxPerAddress
                        + " MQTT connections (mqtt.maxConnectionsPerAddress)";
            }
        }
        store.put(ATTRIBUTE, ByteBuffer.wrap(held.getBytes(StandardCharsets.UTF_8)));
        return null;
    }

    /** Gives back the place of a connection that ended; nothing if it had none. */
    void release(ConnectionInformation connection) {
        ConnectionAttributeStore store = connection.getConnectionAttributeStore();
        ByteBuffer held = store.remove(ATTRIBUTE).orElse(null);
        if (held == null) {
            return;
        }
        total.decrementAndGet();
        String address = StandardCharsets.UTF_8.decode(held).toString();
        if (!address.isEmpty()) {
            perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Connections holding a place now. */
    int connections() {
        return total.get();
    }
}
