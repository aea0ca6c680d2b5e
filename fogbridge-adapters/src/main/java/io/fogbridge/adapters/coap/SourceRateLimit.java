package io.fogbridge.adapters.coap;

import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A token bucket per source, filled at {@code perSecond} up to {@code burst}, for at most {@code maxSources} sources
 * at once, and one bucket for all sources together ({@code totalPerSecond}, burst of one second).
 *
 * <p><b>Source.</b> The IP address, not the port: a sender must not get a fresh budget by opening another socket.
 * Except on loopback, where every local process shares 127.0.0.1: there address and port tell local senders apart
 * (what runs on the gateway's own host is trusted not to rotate ports to get around the limit).
 *
 * <p><b>Bounded.</b> When the table is full, a new source takes the place of the least recently seen one only if that
 * one's bucket is full again (it has been quiet long enough that forgetting it changes nothing). Otherwise the new
 * source shares one overflow bucket with every other source that found no place: a flood from countless (spoofed)
 * addresses gets one source's budget in all, and cannot push the known sources out of the table. Memory: about 100
 * bytes per source, never more than {@code maxSources} of them.
 *
 * <p>Thread-safe (one lock; a check is a map look-up and some arithmetic). Time comes from {@code nanoClock}, so tests
 * control it.
 */
final class SourceRateLimit {

    /** A source's refill rate. */
    private final double tokensPerNano;

    private final double burst;
    private final int maxSources;
    private final LongSupplier nanoClock;
    /** Access order: the first entry is the least recently seen source. Keys: InetAddress, or InetSocketAddress. */
    private final LinkedHashMap<Object, Bucket> sources = new LinkedHashMap<>(64, 0.75f, true);

    private final Bucket overflow;
    private final Bucket total;
    private final LongAdder droppedBySource = new LongAdder();
    private final LongAdder droppedByTotal = new LongAdder();

    SourceRateLimit(int perSecond, int burst, int maxSources, int totalPerSecond, LongSupplier nanoClock) {
        if (perSecond < 1 || burst < 1 || maxSources < 1 || totalPerSecond < 1) {
            throw new IllegalArgumentException("rates, burst and sources must be at least 1");
        }
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.maxSources = maxSources;
        this.nanoClock = nanoClock;
        long now = nanoClock.getAsLong();
        this.overflow = new Bucket(burst, perSecond / 1e9, burst, now);
        this.total = new Bucket(totalPerSecond, totalPerSecond / 1e9, totalPerSecond, now);
    }

    /** Takes a token from {@code source}'s bucket and one from the total: true = let the datagram in, false = drop. */
    synchronized boolean admit(InetSocketAddress source) {
        long now = nanoClock.getAsLong();
        Object key = source.getAddress().isLoopbackAddress() ? source : source.getAddress();
        Bucket bucket = sources.get(key);
        if (bucket == null) {
            bucket = place(key, now);
        }
        if (!bucket.take(now)) {
            droppedBySource.increment();
            return false;
        }
        if (!total.take(now)) {
            droppedByTotal.increment();
            return false;
        }
        return true;
    }

    private Bucket place(Object key, long now) {
        if (sources.size() >= maxSources) {
            Iterator<Map.Entry<Object, Bucket>> eldest = sources.entrySet().iterator();
            if (!eldest.next().getValue().fullAt(now)) {
                return overflow;
            }
            eldest.remove();
        }
        Bucket bucket = new Bucket(burst, tokensPerNano, burst, now);
        sources.put(key, bucket);
        return bucket;
    }

    /** Datagrams dropped since start because their source was over its rate. */
    long droppedBySource() {
        return droppedBySource.sum();
    }

    /** Datagrams dropped since start because all sources together were over the total rate. */
    long droppedByTotal() {
        return droppedByTotal.sum();
    }

    /** Sources in the table now. */
    synchronized int sources() {
        return sources.size();
    }

    /** Not thread-safe by itself: used under the limiter's lock. */
    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long refilledAt;

        Bucket(double capacity, double perNano, double tokens, long now) {
            this.capacity = capacity;
            this.perNano = perNano;
            this.tokens = tokens;
            this.refilledAt = now;
        }

        boolean take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        boolean fullAt(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
            refilledAt = now;
        }
    }
}
