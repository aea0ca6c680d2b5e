package io.fogbridge.adapters.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.network.KeyMID;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.junit.jupiter.api.Test;

class BoundedDeduplicatorTest {

    private static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.1", 5683);

    private final AtomicLong now = new AtomicLong();

    private static Exchange exchange(Exchange.Origin origin) {
        Request request = new Request(Code.POST);
        request.setSourceContext(new AddressEndpointContext(PEER));
        return new Exchange(request, PEER, origin, Runnable::run);
    }

    @Test
    void aRetransmissionFindsTheFirstExchange() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(8, 1_000, 10, true, now::get);
        Exchange first = exchange(Exchange.Origin.REMOTE);
        assertThat(dedup.findPrevious(new KeyMID(1, PEER), first)).isNull();
        assertThat(dedup.findPrevious(new KeyMID(1, PEER), exchange(Exchange.Origin.REMOTE)))
                .isSameAs(first);
        assertThat(dedup.find(new KeyMID(1, PEER))).isSameAs(first);
    }

    @Test
    void neverHoldsMoreThanItsCapacityAndCountsWhatItForgot() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(100, Long.MAX_VALUE / 2, 10, true, now::get);
        for (int mid = 0; mid < 10_000; mid++) {
            dedup.findPrevious(new KeyMID(mid & 0xFFFF, PEER), exchange(Exchange.Origin.REMOTE));
        }
        assertThat(dedup.size()).isEqualTo(100);
        assertThat(dedup.evicted()).isEqualTo(9_900);
        assertThat(dedup.find(new KeyMID(9_999, PEER))).isNotNull(); // the newest stay
        assertThat(dedup.find(new KeyMID(0, PEER))).isNull();
    }

    @Test
    void theSweepRemovesWhatOutlivedTheLifetime() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(100, 1_000, 10, true, now::get);
        dedup.findPrevious(new KeyMID(1, PEER), exchange(Exchange.Origin.REMOTE));
        now.set(600);
        dedup.findPrevious(new KeyMID(2, PEER), exchange(Exchange.Origin.REMOTE));
        now.set(1_200);
        dedup.sweep();
        assertThat(dedup.find(new KeyMID(1, PEER))).isNull();
        assertThat(dedup.find(new KeyMID(2, PEER))).isNotNull();
        assertThat(dedup.evicted()).isZero();
    }

    @Test
    void replacePreviousOnlyReplacesTheExchangeItWasGiven() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(8, 1_000, 10, true, now::get);
        KeyMID key = new KeyMID(7, PEER);
        Exchange first = exchange(Exchange.Origin.REMOTE);
        Exchange second = exchange(Exchange.Origin.REMOTE);
        dedup.findPrevious(key, first);
        assertThat(dedup.replacePrevious(key, second, exchange(Exchange.Origin.REMOTE)))
                .isFalse();
        assertThat(dedup.replacePrevious(key, first, second)).isTrue();
        assertThat(dedup.find(key)).isSameAs(second);
    }
}
