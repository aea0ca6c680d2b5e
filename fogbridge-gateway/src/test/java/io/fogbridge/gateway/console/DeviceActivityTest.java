package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeviceActivityTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final DeviceActivity activity =
            new DeviceActivity(message -> CompletableFuture.completedFuture(Outcome.LOCAL), now::get);

    @Test
    void countsTheLastMinuteAndKeepsABoundedPrefixOfTheLastPayload() {
        send("small");
        now.addAndGet(30_000);
        String big = "a" + "é".repeat(DeviceActivity.PAYLOAD_KEPT); // two bytes each: the cut falls inside one
        send(big);
        var seen = activity.snapshot().getFirst();
        assertThat(seen.messagesLastMinute()).isEqualTo(2);
        assertThat(seen.bytesLastMinute()).isEqualTo(5 + 1 + 2L * DeviceActivity.PAYLOAD_KEPT);
        assertThat(seen.lastPayload()).hasSizeLessThanOrEqualTo(DeviceActivity.PAYLOAD_KEPT);
        assertThat(Html.payload(seen.lastPayload(), 100_000))
                .isEqualTo("a" + "é".repeat(DeviceActivity.PAYLOAD_KEPT / 2 - 1));

        now.addAndGet(31_000); // the first message is over a minute old
        assertThat(activity.snapshot().getFirst().messagesLastMinute()).isEqualTo(1);
        now.addAndGet(60_000);
        assertThat(activity.snapshot().getFirst().messagesLastMinute()).isZero();
    }

    private void send(String payload) {
        activity.accept(new InboundMessage(
                "t/acme/lathe-1",
                payload.getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", "lathe-1", "lathe-1"),
                null,
                now.get()));
    }
}
