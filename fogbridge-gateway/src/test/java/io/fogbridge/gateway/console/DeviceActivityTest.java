package io.fogbridge.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

    @Test
    void countsTheMessagesTheReductionSuppressedPerSenderAndTracksNoNewSenderForThem() {
        send("{\"t\":1}");
        InboundMessage suppressed = new InboundMessage(
                "t/acme/lathe-1",
                "{\"t\":1}".getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", "lathe-1", "lathe-1"),
                null,
                now.get());
        activity.suppressed(suppressed);
        activity.suppressed(suppressed);
        activity.suppressed(new InboundMessage(
                "t/acme/never-noted",
                new byte[0],
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", "never-noted", "never-noted"),
                null,
                now.get()));

        assertThat(activity.snapshot()).singleElement().satisfies(seen -> {
            assertThat(seen.device()).isEqualTo("lathe-1");
            assertThat(seen.suppressed()).isEqualTo(2);
        });
    }

    @Test
    void connectionsOpenAndCloseTheLinkCountingOverlapsOfATakeover() {
        DeviceRef lathe = new DeviceRef("acme", "lathe-1", "lathe-1");
        activity.opened(lathe, 1_000);
        assertThat(activity.snapshot().getFirst().link()).isEqualTo(DeviceActivity.Link.CONNECTED);
        activity.opened(lathe, 2_000); // the same client id connects again: the old connection is closed after
        activity.closed(lathe, 2_001);
        var seen = activity.snapshot().getFirst();
        assertThat(seen.link()).isEqualTo(DeviceActivity.Link.CONNECTED);
        assertThat(seen.linkSinceMillis()).isEqualTo(1_000);
        activity.closed(lathe, 3_000);
        seen = activity.snapshot().getFirst();
        assertThat(seen.link()).isEqualTo(DeviceActivity.Link.DISCONNECTED);
        assertThat(seen.linkSinceMillis()).isEqualTo(3_000);
        activity.closed(lathe, 4_000); // a stray close never makes the count negative
        activity.opened(lathe, 5_000);
        assertThat(activity.snapshot().getFirst().link()).isEqualTo(DeviceActivity.Link.CONNECTED);
    }

    @Test
    void aConverterStatusEventIsTheLinkAndItsReasonTheLastError() {
        DeviceRef plc = new DeviceRef("acme", "plc-1", "plc-1");
        status(plc, "{\"state\":\"connected\",\"ts\":1,\"source\":\"modbus://10.0.0.5:502/1\"}");
        var seen = activity.snapshot().getFirst();
        assertThat(seen.link()).isEqualTo(DeviceActivity.Link.CONNECTED);
        assertThat(seen.protocol()).isEqualTo("modbus");
        status(
                plc,
                "{\"state\":\"lost\",\"ts\":2,\"source\":\"modbus://10.0.0.5:502/1\","
                        + "\"reason\":\"connection refused \\\"here\\\"\"}");
        seen = activity.snapshot().getFirst();
        assertThat(seen.link()).isEqualTo(DeviceActivity.Link.DISCONNECTED);
        assertThat(seen.linkReason()).isEqualTo("connection refused \"here\"");
        assertThat(seen.lastHeaders()).containsEntry("source", "modbus://10.0.0.5:502/1");
        assertThat(seen.recent()).hasSize(2);
        assertThat(seen.lastTopic()).isEqualTo("event/acme/plc-1/status");
    }

    @Test
    void keepsTheLastFewMessagesNewestFirst() {
        for (int i = 0; i < DeviceActivity.RECENT + 3; i++) {
            send("m" + i);
        }
        var recent = activity.snapshot().getFirst().recent();
        assertThat(recent).hasSize(DeviceActivity.RECENT);
        assertThat(new String(recent.getFirst().payload(), StandardCharsets.UTF_8))
                .isEqualTo("m" + (DeviceActivity.RECENT + 2));
        assertThat(new String(recent.getLast().payload(), StandardCharsets.UTF_8))
                .isEqualTo("m3");
        assertThat(activity.snapshot().getFirst().link()).isEqualTo(DeviceActivity.Link.UNKNOWN);
    }

    @Test
    void aRingSlotReusedForAShorterPayloadShowsOnlyThatPayloadAndRepeatedTopicsShareOneInstance() {
        for (int i = 0; i < DeviceActivity.RECENT; i++) {
            send("a longer payload, number " + i);
        }
        send("short"); // takes the slot of the first, whose array is longer
        var recent = activity.snapshot().getFirst().recent();
        assertThat(new String(recent.getFirst().payload(), StandardCharsets.UTF_8))
                .isEqualTo("short");
        assertThat(new String(recent.get(1).payload(), StandardCharsets.UTF_8))
                .isEqualTo("a longer payload, number " + (DeviceActivity.RECENT - 1));
        // each message brought its own topic string (send() builds one per call); the ring keeps one of them
        assertThat(recent).allSatisfy(r -> assertThat(r.topic())
                .isSameAs(recent.getFirst().topic()));

        recent.getFirst().payload()[0] = 'X'; // a snapshot is a copy: the page cannot change what is kept
        assertThat(new String(activity.snapshot().getFirst().lastPayload(), StandardCharsets.UTF_8))
                .isEqualTo("short");
    }

    @Test
    void whileNobodyWatchesAMessageIsKeptAtMostOnceASecond() {
        activity.watchedBy(() -> false);
        send("first");
        send("second"); // same millisecond: counted, not kept
        now.addAndGet(999);
        send("third");
        var seen = activity.snapshot().getFirst();
        assertThat(seen.messagesLastMinute()).isEqualTo(3);
        assertThat(seen.recent()).hasSize(1);
        now.addAndGet(1);
        send("fourth");
        assertThat(new String(activity.snapshot().getFirst().lastPayload(), StandardCharsets.UTF_8))
                .isEqualTo("fourth");
        activity.watchedBy(() -> true);
        send("fifth");
        assertThat(activity.snapshot().getFirst().recent()).hasSize(3);
    }

    @Test
    void whatTheRecentListsKeepIsBoundedForAWholeFleet() {
        byte[] payload = "x".repeat(DeviceActivity.PAYLOAD_KEPT).getBytes(StandardCharsets.UTF_8);
        int devices = 3_000; // × 8 messages × 4 KiB = 98 MB without the bound
        for (int m = 0; m < DeviceActivity.RECENT; m++) {
            for (int d = 0; d < devices; d++) {
                activity.accept(new InboundMessage(
                        "telemetry/acme/dev-" + d,
                        payload,
                        QoS.AT_MOST_ONCE,
                        new DeviceRef("acme", "dev-" + d, "dev-" + d),
                        null,
                        now.get()));
            }
        }
        var seen = activity.snapshot();
        assertThat(seen).hasSize(devices);
        long kept = seen.stream()
                .flatMap(s -> s.recent().stream())
                .mapToLong(r -> r.payload().length + 2L * r.topic().length())
                .sum();
        assertThat(kept).isLessThanOrEqualTo(DeviceActivity.KEPT_BYTES);
        assertThat(seen).allSatisfy(s -> assertThat(s.messagesLastMinute()).isEqualTo(DeviceActivity.RECENT));
        // the first devices' messages were kept while there was room; the later ones are counted, not listed
        assertThat(seen.stream().filter(s -> s.recent().isEmpty())).isNotEmpty();

        // a device's newest message takes the room its oldest leaves
        activity.accept(new InboundMessage(
                "telemetry/acme/dev-0",
                payload,
                QoS.AT_MOST_ONCE,
                new DeviceRef("acme", "dev-0", "dev-0"),
                null,
                now.get()));
        var dev0 = activity.snapshot().stream()
                .filter(s -> "dev-0".equals(s.device()))
                .findFirst()
                .orElseThrow();
        assertThat(dev0.lastPayload()).hasSize(DeviceActivity.PAYLOAD_KEPT);
    }

    private void status(DeviceRef sender, String json) {
        activity.accept(new InboundMessage(
                "event/acme/" + sender.device() + "/status",
                json.getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                sender,
                "application/json",
                now.get(),
                false,
                Map.of("source", "modbus://10.0.0.5:502/1")));
    }

    private void send(String payload) {
        activity.accept(new InboundMessage(
                new String("t/acme/lathe-1"), // a new instance per message, as a parser makes it
                payload.getBytes(StandardCharsets.UTF_8),
                QoS.AT_LEAST_ONCE,
                new DeviceRef("acme", "lathe-1", "lathe-1"),
                null,
                now.get()));
    }
}
