package io.fogbridge.adapters.coap;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.eclipse.californium.core.network.deduplication.Deduplicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Californium's memory of recently received messages (by message id and peer), so that a retransmission is answered
 * with the response already given instead of being handled twice, holding at most {@code capacity} exchanges.
 *
 * <p>Californium's own deduplicators bound their entries only by time (the exchange lifetime, 247 s): every message
 * that arrives within that time stays, whatever the rate, so a flood of fresh message ids fills any heap. Here the
 * oldest entry is forgotten once {@code capacity} is reached (counted in {@link #evicted}); entries also leave after
 * {@code lifetimeNanos}, checked every {@code sweepMillis}. Forgetting early costs at most a duplicate: a
 * retransmission of a forgotten request is handled again, which at-least-once allows. Memory: {@code capacity}
 * exchanges, each holding one request and its response, both bounded by the datagram size ({@code
 * UDP.DATAGRAM_SIZE}): an answered request's payload is dropped (Californium's offloading, and {@link
 * DeviceCoapResource} for the body a block-wise upload assembled, which the last block's exchange carries).
 *
 * <p>Lifecycle as Californium drives it: {@link #setExecutor}, {@link #start}, {@link #stop}. Thread-safe (one lock;
 * protocol threads look up, the sweep removes).
 */
final class BoundedDeduplicator implements Deduplicator {

    private static final Logger log = LoggerFactory.getLogger(BoundedDeduplicator.class);

    private record Entry(Exchange exchange, long at) {}

    private final int capacity;
    private final long lifetimeNanos;
    private final long sweepMillis;
    private final boolean replaceOtherOrigin;
    private final LongSupplier nanoClock;
    /** Insertion order, so the first entry is the oldest. */
    private final LinkedHashMap<KeyMID, Entry> entries = new LinkedHashMap<>();

    private final LongAdder evicted = new LongAdder();
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> sweeping;

    /**
     * @param replaceOtherOrigin Californium's {@code DEDUPLICATOR_AUTO_REPLACE}: a message with a known id but from the
     *     other side (a request where a response was remembered) replaces the entry instead of counting as duplicate
     */
    BoundedDeduplicator(
            int capacity, long lifetimeNanos, long sweepMillis, boolean replaceOtherOrigin, LongSupplier nanoClock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.lifetimeNanos = lifetimeNanos;
        this.sweepMillis = sweepMillis;
        this.replaceOtherOrigin = replaceOtherOrigin;
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized void setExecutor(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    @Override
    public synchronized void start() {
        if (sweeping == null && executor != null) {
            sweeping = executor.scheduleWithFixedDelay(
                    this::sweepQuietly, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (sweeping != null) {
            sweeping.cancel(false);
            sweeping = null;
        }
        entries.clear();
    }

    @Override
    public synchronized Exchange findPrevious(KeyMID key, Exchange exchange) {
        Entry previous = entries.get(key);
        if (previous != null && !(replaceOtherOrigin && previous.exchange().getOrigin() != exchange.getOrigin())) {
            return previous.exchange();
        }
        remember(key, exchange);
        return null;
    }

    @Override
    public synchronized boolean replacePrevious(KeyMID key, Exchange previous, Exchange exchange) {
        Entry current = entries.get(key);
        if (current != null && current.exchange() != previous) {
            return false;
        }
        remember(key, exchange);
        return true;
    }

    @Override
    public synchronized Exchange find(KeyMID key) {
        Entry entry = entries.get(key);
        return entry == null ? null : entry.exchange();
    }

    @Override
    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    @Override
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized void clear() {
        entries.clear();
    }

    /** Entries forgotten before their lifetime because the deduplicator was full. */
    long evicted() {
        return evicted.sum();
    }

    /**
     * The largest request payload a remembered exchange still holds: at most one block, since answered requests are
     * offloaded (a block-wise upload's first block is kept by Californium, the assembled body is not).
     */
    synchronized int largestRequestPayload() {
        return entries.values().stream()
                .mapToInt(e -> e.exchange().getRequest().getPayloadSize())
                .max()
                .orElse(0);
    }

    /** Removes every entry older than the lifetime. */
    synchronized void sweep() {
        long oldestKept = nanoClock.getAsLong() - lifetimeNanos;
        Iterator<Map.Entry<KeyMID, Entry>> oldest = entries.entrySet().iterator();
        while (oldest.hasNext() && oldest.next().getValue().at() - oldestKept < 0) {
            oldest.remove();
        }
    }

    private void remember(KeyMID key, Exchange exchange) {
        entries.remove(key); // re-inserted at the young end
        entries.put(key, new Entry(exchange, nanoClock.getAsLong()));
        if (entries.size() > capacity) {
            Iterator<KeyMID> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
            evicted.increment();
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            // A failed sweep must not cancel the schedule; the capacity still bounds the entries meanwhile.
            log.warn("sweeping the CoAP deduplicator failed", e);
        }
    }
}
