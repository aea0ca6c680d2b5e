package io.fogbridge.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much the embedded broker has read from its sockets and queued for the uplink interceptor but not yet handed to
 * it, and whether that is over the gateway's bound.
 *
 * <p><b>Why.</b> HiveMQ CE never stops reading a connection while its publishes wait for an extension: each PUBLISH
 * it decodes is queued, per client and without a bound, for the (two) extension threads. A client that publishes QoS
 * 0 faster than those threads can look at it (one {@code mosquitto_pub -l} client does 15,000 × 4 KB a second on
 * loopback) fills that queue and with it the heap: measured at {@code -Xmx128m}, 17,568 queued publishes held 85 MB
 * of live heap after three seconds. MQTT gives the server no flow control over QoS 0, so the only bound there is is
 * to stop taking from that client: {@link UplinkPublishInterceptor} drops and disconnects a QoS 0 sender (0x96,
 * message rate too high) while this backlog is over its bound.
 *
 * <p>The count is HiveMQ's own tally of queued extension tasks (all clients; publishes dominate it under a flood),
 * read through its injector: an internal of the embedded broker, so when a HiveMQ version no longer has it the
 * backlog reads 0, the bound is not enforced and one warning says so. Bytes are estimated as count × the size of the
 * publish at hand, which is exact for a flooder sending payloads of one size.
 *
 * <p>Thread-safe; {@link #attach} once after the broker started.
 */
final class BrokerBacklog {

    private static final Logger log = LoggerFactory.getLogger(BrokerBacklog.class);
    /** HiveMQ CE's qualifier of the AtomicLong counting tasks queued for extensions (all clients). */
    private static final String QUEUE_QUALIFIER = "com.hivemq.extensions.ioc.annotation.PluginTaskQueue";

    private final long maxQueued;
    private final long maxQueuedBytes;
    private volatile LongSupplier queued = () -> 0;

    /**
     * @param maxQueued      publishes (extension tasks) queued in the broker beyond which QoS 0 senders are cut off
     * @param maxQueuedBytes the same bound in bytes, estimated as count × the size of the publish at hand
     */
    BrokerBacklog(long maxQueued, long maxQueuedBytes) {
        if (maxQueued < 1 || maxQueuedBytes < 1) {
            throw new IllegalArgumentException("bounds must be positive: " + maxQueued + ", " + maxQueuedBytes);
        }
        this.maxQueued = maxQueued;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** The default bound for a heap of {@code maxHeapBytes}: an eighth of it, and 8,192 publishes. */
    static BrokerBacklog forHeap(long maxHeapBytes) {
        return new BrokerBacklog(8_192, Math.max(1L << 20, maxHeapBytes / 8));
    }

    /** For tests: the backlog is whatever {@code source} says. */
    void attach(LongSupplier source) {
        this.queued = source;
    }

    /** Finds HiveMQ's counter of queued extension tasks; without it the bound is off (logged once). */
    void attach(EmbeddedHiveMQ broker) {
        try {
            Object counter = BrokerInternals.instance(broker, AtomicLong.class.getName(), QUEUE_QUALIFIER);
            AtomicLong tasks = (AtomicLong) counter;
            queued = tasks::get;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn(
                    "cannot read the embedded broker's queue of publishes ({}): a client publishing QoS 0 faster"
                            + " than the gateway takes it is not cut off, and can fill the heap",
                    e.toString());
        }
    }

    /** Publishes queued in the broker for the interceptor now. */
    long queued() {
        return queued.getAsLong();
    }

    /** Whether the backlog is over the bound, judging its bytes by a publish of {@code payloadBytes}. */
    boolean overBound(int payloadBytes) {
        long n = queued.getAsLong();
        return n > maxQueued || n * Math.max(payloadBytes, 1L) > maxQueuedBytes;
    }

    /** Whether the backlog is back under half its bound, so cut-off clients may be cut off again when it refills. */
    boolean drained(int payloadBytes) {
        long n = queued.getAsLong();
        return n <= maxQueued / 2 && n * Math.max(payloadBytes, 1L) <= maxQueuedBytes / 2;
    }
}
