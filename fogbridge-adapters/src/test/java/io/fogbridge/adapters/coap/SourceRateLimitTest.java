package io.fogbridge.adapters.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SourceRateLimitTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private static InetSocketAddress from(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    private int admitted(SourceRateLimit limit, InetSocketAddress source, int tries) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (limit.admit(source)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aSourceGetsItsBurstThenItsRate() throws Exception {
        SourceRateLimit limit = new SourceRateLimit(10, 20, 100, 1_000, now::get);
        InetSocketAddress a = from("10.0.0.1", 5000);
        assertThat(admitted(limit, a, 50)).isEqualTo(20);
        now.addAndGet(1_000_000_000L); // one second: 10 more tokens
        assertThat(admitted(limit, a, 50)).isEqualTo(10);
        assertThat(limit.droppedBySource()).isEqualTo(70);
    }

    @Test
    void anotherPortOfTheSameAddressSharesItsBucket() throws Exception {
        SourceRateLimit limit = new SourceRateLimit(10, 20, 100, 1_000, now::get);
        assertThat(admitted(limit, from("10.0.0.1", 5000), 20)).isEqualTo(20);
        assertThat(admitted(limit, from("10.0.0.1", 5001), 5)).isZero();
        assertThat(admitted(limit, from("10.0.0.2", 5000), 5)).isEqualTo(5);
    }

    @Test
    void onLoopbackEachPortIsASource() throws Exception {
        SourceRateLimit limit = new SourceRateLimit(10, 20, 100, 1_000, now::get);
        assertThat(admitted(limit, from("127.0.0.1", 5000), 30)).isEqualTo(20);
        assertThat(admitted(limit, from("127.0.0.1", 5001), 5)).isEqualTo(5);
    }

    @Test
    void whenTheTableIsFullOfBusySourcesNewOnesShareOneBucket() throws Exception {
        SourceRateLimit limit = new SourceRateLimit(10, 20, 2, 1_000_000, now::get);
        admitted(limit, from("10.0.0.1", 1), 1);
        admitted(limit, from("10.0.0.2", 1), 1);
        // 100 new addresses (spoofed, say) get one bucket of 20 in all, not 20 each
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            admitted += admitted(limit, from("10.1.0." + i, 1), 5);
        }
        assertThat(admitted).isEqualTo(20);
        assertThat(limit.sources()).isEqualTo(2);
        // the known sources keep their own budget
        assertThat(admitted(limit, from("10.0.0.1", 1), 30)).isEqualTo(19);
    }

    @Test
    void aQuietSourceMakesRoomForANewOne() throws Exception {
        SourceRateLimit limit = new SourceRateLimit(10, 20, 1, 1_000_000, now::get);
        admitted(limit, from("10.0.0.1", 1), 5);
        now.addAndGet(2_000_000_000L); // its bucket is full again: forgetting it changes nothing
        assertThat(admitted(limit, from("10.0.0.2", 1), 30)).isEqualTo(20);
        assertThat(limit.sources()).isEqualTo(1);
    }

    @Test
    void allSourcesTogetherStayUnderTheTotal() throws Exception {
        SourceRateLimit limit = new SourceRateLimit(100, 100, 1_000, 150, now::get);
        int admitted = 0;
        for (int i = 0; i < 10; i++) {
            admitted += admitted(limit, from("10.0.0." + i, 1), 100);
        }
        assertThat(admitted).isEqualTo(150);
        assertThat(limit.droppedByTotal()).isEqualTo(850);
    }
}
