package io.fogbridge.opcua;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;

/**
 * Values a resumed subscription hands over a second time. After a network cut the server may send again what it had
 * sent but never saw acknowledged (its retransmission queue, republished or resent once the session is active on the
 * new connection), and the client delivers them like new ones: a counter then goes 85, 78, 79 … 85, 86. Each value a
 * server samples carries its server timestamp (its source timestamp when the server gives none), and one item's
 * samples are taken in time order, so after a loss a value of an item stamped no later than the last one delivered
 * for it is one delivered already.
 *
 * <p>The check runs only after a loss ({@link #lost()}), and for each item only until its first newer value: a server
 * clock stepping back in normal operation never costs a value. A new subscription starts afresh ({@link #reset()}):
 * its first values are new samples. Values without any timestamp are always delivered.
 *
 * <p>Milo's delivery thread calls {@link #fresh}; the connect loop calls {@link #lost} and {@link #reset}.
 */
final class ReplayedValues {

    private final Map<String, Long> lastStamp = new ConcurrentHashMap<>();
    private final Set<String> checking = ConcurrentHashMap.newKeySet();

    /** The connection went: every item's next values are checked against what it delivered last. */
    void lost() {
        checking.addAll(lastStamp.keySet());
    }

    /** A new subscription: nothing from the old one can come again. */
    void reset() {
        checking.clear();
        lastStamp.clear();
    }

    /** Whether {@code value} of {@code item} is to be delivered; records it as the item's last when it is. */
    boolean fresh(String item, DataValue value) {
        long stamp = stamp(value);
        if (stamp == Long.MIN_VALUE) {
            return true;
        }
        if (!checking.isEmpty() && checking.contains(item)) {
            Long last = lastStamp.get(item);
            if (last != null && stamp <= last) {
                return false;
            }
            checking.remove(item);
        }
        lastStamp.put(item, stamp);
        return true;
    }

    /** The server timestamp in 100 ns ticks, else the source timestamp, else {@link Long#MIN_VALUE}. */
    private static long stamp(DataValue value) {
        DateTime server = value.getServerTime();
        if (server != null && !server.isNull()) {
            return server.getUtcTime();
        }
        DateTime source = value.getSourceTime();
        return source != null && !source.isNull() ? source.getUtcTime() : Long.MIN_VALUE;
    }
}
