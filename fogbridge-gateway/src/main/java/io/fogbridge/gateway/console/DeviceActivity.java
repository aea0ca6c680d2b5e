package io.fogbridge.gateway.console;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.Uplink;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What each device did lately, for the console: an {@link Uplink} in front of the pipeline that notes, per sender,
 * when it last sent, over which protocol, how many messages and bytes in the last minute, and its last topic and
 * payload, then hands the message on unchanged.
 *
 * <p>It sits on the data path, so it costs one map lookup and one short lock per message, and copies at most
 * {@value #PAYLOAD_KEPT} bytes of the payload (cut at a UTF-8 character boundary): 10,000 senders of 256 KiB
 * payloads must not pin gigabytes for a page that shows 512 characters. At most {@value #MAX_SENDERS}
 * senders are tracked: anonymous clients inventing ids cannot grow it without bound; later ones are not shown.
 * Thread-safe.
 */
public final class DeviceActivity implements Uplink {

    static final int MAX_SENDERS = 10_000;
    static final int PAYLOAD_KEPT = 4096;

    /** A snapshot of one sender. {@code tenant} and {@code device} are null for an anonymous client. */
    public record Seen(
            String tenant,
            String device,
            String clientId,
            String protocol,
            long lastSeenMillis,
            long messagesLastMinute,
            long bytesLastMinute,
            String lastTopic,
            byte[] lastPayload) {}

    private final Uplink next;
    private final LongSupplier clockMillis;
    private final ConcurrentHashMap<String, Sender> senders = new ConcurrentHashMap<>();

    /** @param clockMillis wall-clock milliseconds (what "last seen" shows) */
    public DeviceActivity(Uplink next, LongSupplier clockMillis) {
        this.next = next;
        this.clockMillis = clockMillis;
    }

    @Override
    public CompletableFuture<Outcome> accept(InboundMessage message) {
        note(message);
        return next.accept(message);
    }

    /** Every tracked sender, in no particular order. */
    public List<Seen> snapshot() {
        long now = clockMillis.getAsLong();
        List<Seen> seen = new ArrayList<>(senders.size());
        senders.values().forEach(sender -> seen.add(sender.seen(now)));
        return seen;
    }

    private void note(InboundMessage message) {
        DeviceRef ref = message.sender();
        String key = ref.authenticated() ? ref.tenant() + "/" + ref.device() : "client:" + ref.clientId();
        Sender sender = senders.get(key);
        if (sender == null) {
            if (senders.size() >= MAX_SENDERS) {
                return;
            }
            sender = senders.computeIfAbsent(key, k -> new Sender(ref));
        }
        String protocol = message.headers().getOrDefault(Headers.SOURCE, "mqtt");
        sender.note(clockMillis.getAsLong(), protocol, message.topic(), message.payload());
    }

    /** One sender's last minute, in one-second buckets. */
    private static final class Sender {
        private final DeviceRef ref;
        private final long[] bucketSecond = new long[60];
        private final long[] bucketMessages = new long[60];
        private final long[] bucketBytes = new long[60];
        private long lastSeen;
        private String protocol;
        private String lastTopic;
        private byte[] lastPayload;

        Sender(DeviceRef ref) {
            this.ref = ref;
        }

        synchronized void note(long now, String protocol, String topic, byte[] payload) {
            long second = now / 1000;
            int i = (int) Math.floorMod(second, 60L);
            if (bucketSecond[i] != second) {
                bucketSecond[i] = second;
                bucketMessages[i] = 0;
                bucketBytes[i] = 0;
            }
            bucketMessages[i]++;
            bucketBytes[i] += payload.length;
            lastSeen = now;
            this.protocol = protocol;
            lastTopic = topic;
            lastPayload = prefix(payload);
        }

        private static byte[] prefix(byte[] payload) {
            if (payload.length <= PAYLOAD_KEPT) {
                return payload.clone();
            }
            int cut = PAYLOAD_KEPT;
            while (cut > 0 && (payload[cut] & 0xC0) == 0x80) { // never end inside a multi-byte character
                cut--;
            }
            return Arrays.copyOf(payload, cut);
        }

        synchronized Seen seen(long now) {
            long second = now / 1000;
            long messages = 0;
            long bytes = 0;
            for (int i = 0; i < 60; i++) {
                if (second - bucketSecond[i] < 60) {
                    messages += bucketMessages[i];
                    bytes += bucketBytes[i];
                }
            }
            return new Seen(
                    ref.tenant(),
                    ref.device(),
                    ref.clientId(),
                    protocol,
                    lastSeen,
                    messages,
                    bytes,
                    lastTopic,
                    lastPayload);
        }
    }
}
