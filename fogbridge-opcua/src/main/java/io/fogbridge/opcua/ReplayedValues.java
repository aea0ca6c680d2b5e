package io.fogbridge.opcua;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;

/**
 * Values the client hands over a second time. Two ways lead there, both seen in CI:
 *
 * <ul>
 *   <li>After a network cut the server sends again what it had sent but never saw acknowledged (its retransmission
 *       queue, republished or resent once the session is active on the new connection), and the client delivers them
 *       like new ones: a counter then goes 85, 78, 79 … 85, 86.
 *   <li>Milo hands publish responses from its transport's thread pool to one processing queue, so two responses that
 *       arrive together can be processed out of order. Seeing sequence number 11 before 10, it republishes 10 and
 *       delivers it, then 11, then the late 10 itself once more, with no check of the number: 74 … 81, 74 … 81, 82.
 *       After a reconnect, when the server answers every pending publish request at once, this is the usual case.
 * </ul>
 *
 * Each value a server samples carries its server timestamp (its source timestamp when the server gives none), and one
 * item's samples are taken in time order. So a value of an item stamped no later than the last one delivered for it is
 * a value seen before when either
 *
 * <ul>
 *   <li>it is the very same sample as one of the item's last {@value #RECENT} delivered (same stamp, value, status and
 *       source timestamp): checked always, as an out-of-order response can come at any time; or
 *   <li>it comes after a loss ({@link #lost()}) and before the item's first newer value: the retransmission queue can
 *       hold more than {@value #RECENT} values of an item.
 * </ul>
 *
 * A server clock stepping back in normal operation therefore costs no value: its samples are earlier but new. A new
 * subscription starts afresh ({@link #reset()}): its first values are new samples. Values without any timestamp are
 * always delivered.
 *
 * <p>Milo's delivery thread (one per subscription, serial) calls {@link #fresh}; the connect loop calls {@link #lost}
 * and {@link #reset}.
 */
final class ReplayedValues {

    /** Samples remembered per item: more than a few publish responses' worth of one item's changes. */
    static final int RECENT = 64;

    private final Map<String, Recent> recent = new ConcurrentHashMap<>();
    private final Set<String> checking = ConcurrentHashMap.newKeySet();

    /** The connection went: every item's next values are checked against what it delivered last. */
    void lost() {
        checking.addAll(recent.keySet());
    }

    /** A new subscription: nothing from the old one can come again. */
    void reset() {
        checking.clear();
        recent.clear();
    }

    /** Whether {@code value} of {@code item} is to be delivered; remembers it when it is. */
    boolean fresh(String item, DataValue value) {
        long stamp = stamp(value);
        if (stamp == Long.MIN_VALUE) {
            return true;
        }
        int print = fingerprint(value);
        Recent seen = recent.computeIfAbsent(item, i -> new Recent());
        if (seen.size > 0 && stamp <= seen.last) {
            if (seen.holds(stamp, print)) {
                return false;
            }
            if (!checking.isEmpty() && checking.contains(item)) {
                return false;
            }
        } else if (!checking.isEmpty()) {
            checking.remove(item);
        }
        seen.add(stamp, print);
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

    /** What tells two samples with one stamp apart: a server stamping in milliseconds may give two changes one stamp. */
    private static int fingerprint(DataValue value) {
        DateTime source = value.getSourceTime();
        return Objects.hash(
                value.getValue(),
                value.getStatusCode() == null ? 0L : value.getStatusCode().value(),
                source == null ? 0L : source.getUtcTime());
    }

    /** One item's last delivered stamp and its last {@value #RECENT} samples, a ring. */
    private static final class Recent {
        private final long[] stamps = new long[RECENT];
        private final int[] prints = new int[RECENT];
        private long last;
        private int next;
        private int size;

        void add(long stamp, int print) {
            stamps[next] = stamp;
            prints[next] = print;
            next = (next + 1) % RECENT;
            size = Math.min(size + 1, RECENT);
            last = stamp;
        }

        boolean holds(long stamp, int print) {
            for (int i = 0; i < size; i++) {
                if (stamps[i] == stamp && prints[i] == print) {
                    return true;
                }
            }
            return false;
        }
    }
}
