package io.fogbridge.gateway.console;

import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.QoS;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.SessionListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What each device did lately, for the console: an {@link Uplink} in front of the pipeline that notes, per sender,
 * when it last sent, how many messages and bytes in the last minute, its last headers and its last {@value #RECENT}
 * topics and payloads, then hands the message on unchanged. As a {@link SessionListener} it also hears the embedded
 * broker's connections open and close, and it reads the {@code .../status} events the Modbus and OPC UA converters
 * publish ({@code {"state":"connected"|"resubscribed"|"resumed"|"lost","reason":…}}): that is a device's connection state.
 * Senders over HTTP or CoAP have no session; the console judges them by when they last sent.
 *
 * <p>It sits on the data path, so it costs one map lookup and one short lock per message. Keeping a message for the
 * recent list copies at most {@value #PAYLOAD_KEPT} bytes of the payload (cut at a UTF-8 character boundary: 10,000
 * senders of 256 KiB payloads must not pin gigabytes for a page that shows a few hundred characters) into the ring
 * slot's own array, which is allocated once and grows only for a longer payload; the page's snapshot makes the
 * {@link Recent} records. The copy is the expensive part (BENCHMARKS.md, "Console"), so it is done for every message
 * only while a console page is {@link #watchedBy watched}, and otherwise at most once per {@value #UNWATCHED_SAMPLE_MILLIS} ms per
 * sender: a fast sender costs one copy a second while nobody looks, and a page opened later still shows what each
 * device sent (at most that much older than its very last message). The protocol is worked out when a page asks,
 * not per message. At most {@value #MAX_SENDERS} senders are tracked: anonymous clients inventing ids cannot grow it
 * without bound; later ones are not shown. What the recent lists keep of payloads and topics, all senders together,
 * is bounded by {@link #KEPT_BYTES}: 10,000 devices with 4 KiB payloads would otherwise pin 320 MB. Beyond it a message
 * is counted but not listed, until a sender's newer message replaces an older one of its own. It also counts, per
 * sender, the messages the reduction suppressed ({@link #suppressed}). Thread-safe.
 */
public final class DeviceActivity implements Uplink, SessionListener {

    static final int MAX_SENDERS = 10_000;
    static final int PAYLOAD_KEPT = 4096;
    static final int RECENT = 8;
    static final long UNWATCHED_SAMPLE_MILLIS = 1000;
    /** What the recent lists of all senders keep of payloads and topics at most: 4 MiB. */
    static final long KEPT_BYTES = 4L << 20;

    private static final String COMMAND_PREFIX = "command/";
    /** Not a tenant id (those never hold a newline): the group of anonymous clients. */
    private static final String ANONYMOUS = "\nanonymous";

    /** Whether the protocol tells the gateway about the device's connection, and what it said. */
    public enum Link {
        /** No session to speak of (HTTP, CoAP, a device on an external broker): judge by the last message. */
        UNKNOWN,
        CONNECTED,
        DISCONNECTED
    }

    /** One message as the device page lists it. */
    public record Recent(long atMillis, String topic, byte[] payload) {}

    /**
     * A snapshot of one sender. {@code tenant} and {@code device} are null for an anonymous client.
     *
     * @param linkSinceMillis when the link last changed (connected since / disconnected since); 0 when unknown
     * @param linkReason      why the link went down, as the converter said; null otherwise
     * @param suppressed      messages of it the reduction suppressed since the gateway started (or since it was
     *                        first tracked)
     * @param labels          a Modbus device's or OPC UA endpoint's {@code labels} from the config, as its records
     *                        carry them (their headers but {@code source}); empty for other senders: the registry
     *                        keeps no labels
     * @param recent          the last messages, newest first
     */
    public record Seen(
            String tenant,
            String device,
            String clientId,
            String protocol,
            Link link,
            long linkSinceMillis,
            String linkReason,
            long lastSeenMillis,
            long messagesLastMinute,
            long bytesLastMinute,
            long suppressed,
            Map<String, String> lastHeaders,
            Map<String, String> labels,
            List<Recent> recent) {

        public String lastTopic() {
            return recent.isEmpty() ? null : recent.getFirst().topic();
        }

        public byte[] lastPayload() {
            return recent.isEmpty() ? null : recent.getFirst().payload();
        }
    }

    private final Uplink next;
    private final LongSupplier clockMillis;
    /**
     * Tenant → device → sender; anonymous clients under {@link #ANONYMOUS} by client id. Two lookups instead of one
     * key built by concatenation: the data path allocates nothing to find its sender.
     */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Sender>> senders = new ConcurrentHashMap<>();

    private final AtomicInteger tracked = new AtomicInteger();
    /** Bytes the recent lists keep, all senders together (see {@link Sender#keep}). */
    private final AtomicLong kept = new AtomicLong();

    private volatile Consumer<InboundMessage> commandResponses = message -> {};
    private volatile BooleanSupplier watched = () -> true;

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

    @Override
    public void opened(DeviceRef who, long atMillis) {
        Sender sender = sender(who);
        if (sender != null) {
            sender.session(+1, atMillis);
        }
    }

    @Override
    public void closed(DeviceRef who, long atMillis) {
        Sender sender = sender(who);
        if (sender != null) {
            sender.session(-1, atMillis);
        }
    }

    /**
     * Counts a message of this sender that the reduction suppressed ({@link
     * io.fogbridge.pipeline.Pipeline#watchSuppressed}). Its sender was noted when the message came in, so this only
     * looks it up: two map lookups and a short lock, no allocation; an untracked sender (beyond {@link #MAX_SENDERS})
     * is not counted.
     */
    public void suppressed(InboundMessage message) {
        DeviceRef ref = message.sender();
        ConcurrentHashMap<String, Sender> devices = senders.get(ref.authenticated() ? ref.tenant() : ANONYMOUS);
        Sender sender = devices == null ? null : devices.get(ref.authenticated() ? ref.device() : ref.clientId());
        if (sender != null) {
            sender.suppressed();
        }
    }

    /** Every tracked sender, in no particular order. */
    public List<Seen> snapshot() {
        long now = clockMillis.getAsLong();
        List<Seen> seen = new ArrayList<>(tracked.get());
        senders.values().forEach(devices -> devices.values().forEach(sender -> seen.add(sender.seen(now))));
        return seen;
    }

    /**
     * Whether someone looks at the console now (a page asked within the last minute or so); while not, messages are
     * kept for the recent list only once a second per sender. Default: always watched.
     */
    public void watchedBy(BooleanSupplier watched) {
        this.watched = watched;
    }

    /** Hands every {@code command/…} message (device responses) to {@code watcher} too; the console's commands page. */
    public void watchCommandResponses(Consumer<InboundMessage> watcher) {
        this.commandResponses = watcher;
    }

    private void note(InboundMessage message) {
        if (message.topic().startsWith(COMMAND_PREFIX)) {
            commandResponses.accept(message);
        }
        Sender sender = sender(message.sender());
        if (sender != null) {
            sender.note(clockMillis.getAsLong(), message, watched.getAsBoolean());
        }
    }

    private Sender sender(DeviceRef ref) {
        boolean known = ref.authenticated();
        String group = known ? ref.tenant() : ANONYMOUS;
        String name = known ? ref.device() : ref.clientId();
        ConcurrentHashMap<String, Sender> devices = senders.get(group);
        Sender sender = devices == null ? null : devices.get(name);
        if (sender != null) {
            return sender;
        }
        if (tracked.get() >= MAX_SENDERS) {
            return null;
        }
        return senders.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).computeIfAbsent(name, n -> {
            tracked.incrementAndGet();
            return new Sender(ref, kept, clockMillis.getAsLong() / 1000);
        });
    }

    /** {@code modbus://…} → modbus, {@code opc.tcp://…} → opcua, {@code http:…}/{@code coap:…} client ids, else mqtt. */
    static String protocol(String source, String clientId) {
        if (source != null) {
            int scheme = source.indexOf("://");
            String name = scheme > 0 ? source.substring(0, scheme) : source;
            return name.startsWith("opc.") ? "opcua" : name;
        }
        if (clientId != null && (clientId.startsWith("http:") || clientId.startsWith("coap:"))) {
            return clientId.substring(0, 4);
        }
        return "mqtt";
    }

    /** One sender's last minute, in one-second buckets, and its last messages in a ring. */
    private static final class Sender {
        private final DeviceRef ref;
        private final AtomicLong kept;
        // Seconds since this sender was first tracked, not since the epoch, and messages as ints: half the bytes
        // of three long arrays per sender; with 1,000 devices the rings are a noticeable part of the heap. A bucket
        // never written reads as that first second with nothing in it.
        private final long firstSecond;
        private final int[] bucketSecond = new int[60];
        private final int[] bucketMessages = new int[60];
        private final long[] bucketBytes = new long[60];
        private final Slot[] recent = new Slot[RECENT];
        private int next;
        private long lastSeen;
        private long lastKept = Long.MIN_VALUE / 2;
        private String clientId;
        private Map<String, String> lastHeaders = Map.of();
        private String lastContentType;
        private QoS lastQos;
        private int openSessions;
        private Link link = Link.UNKNOWN;
        private long linkSince;
        private String linkReason;
        private long suppressed;

        Sender(DeviceRef ref, AtomicLong kept, long firstSecond) {
            this.ref = ref;
            this.kept = kept;
            this.firstSecond = firstSecond;
            this.clientId = ref.clientId();
            for (int k = 0; k < RECENT; k++) {
                recent[k] = new Slot();
            }
        }

        synchronized void note(long now, InboundMessage message, boolean watched) {
            byte[] payload = message.payload();
            long second = now / 1000;
            int i = (int) Math.floorMod(second, 60L);
            int stamp = (int) (second - firstSecond);
            if (bucketSecond[i] != stamp) {
                bucketSecond[i] = stamp;
                bucketMessages[i] = 0;
                bucketBytes[i] = 0;
            }
            bucketMessages[i]++;
            bucketBytes[i] += payload.length;
            lastSeen = now;
            clientId = message.sender().clientId();
            lastHeaders = message.headers();
            lastContentType = message.contentType();
            lastQos = message.qos();
            boolean status =
                    message.topic().endsWith("/status") && message.headers().containsKey(Headers.SOURCE);
            if (watched || status || now - lastKept >= UNWATCHED_SAMPLE_MILLIS) {
                if (keep(now, message.topic(), payload)) {
                    lastKept = now;
                }
            }
            if (status) {
                converterStatus(now, payload);
            }
        }

        /**
         * Puts the message into the ring slot {@link #next} while the shared budget allows (its prefix, in place of
         * the slot's oldest message); false when it does not fit. The slot's array is reused, and a topic equal to the
         * one the ring holds already is kept as that instance: at one message a second per device, a new array and
         * topic per message outlived the young generation (eight seconds in the ring) and were most of what the heap
         * promoted, so the old generation grew to {@code -Xmx} (BENCHMARKS.md, "Session 16").
         */
        private boolean keep(long now, String topic, byte[] payload) {
            Slot slot = recent[next];
            String newest = recent[Math.floorMod(next - 1, RECENT)].topic;
            String shared = topic.equals(slot.topic) ? slot.topic : topic.equals(newest) ? newest : topic;
            int length = prefixLength(payload);
            int capacity = Math.max(slot.bytes.length, length);
            long freed = slot.used() ? cost(slot.topic, slot.bytes.length) : 0;
            long cost = cost(shared, capacity);
            if (kept.addAndGet(cost - freed) > KEPT_BYTES && cost > freed) {
                kept.addAndGet(freed - cost);
                return false;
            }
            if (slot.bytes.length < length) {
                slot.bytes = new byte[length];
            }
            System.arraycopy(payload, 0, slot.bytes, 0, length);
            slot.length = length;
            slot.topic = shared;
            slot.atMillis = now;
            next = (next + 1) % RECENT;
            return true;
        }

        /** Heap a kept message takes, about: its payload, its topic's characters, the record. */
        private static long cost(String topic, int payloadBytes) {
            return payloadBytes + 2L * topic.length() + 64;
        }

        /** A converter's link event; parsed only on that topic, so telemetry pays one {@code endsWith}. */
        private void converterStatus(long now, byte[] payload) {
            String json = new String(payload, StandardCharsets.UTF_8);
            Link said = json.contains("\"state\":\"lost\"")
                    ? Link.DISCONNECTED
                    : json.contains("\"state\":\"connected\"")
                                    || json.contains("\"state\":\"resubscribed\"")
                                    || json.contains("\"state\":\"resumed\"")
                            ? Link.CONNECTED
                            : null;
            if (said == null) {
                return;
            }
            link = said;
            linkSince = now;
            linkReason = said == Link.DISCONNECTED ? reason(json) : null;
        }

        /** The {@code reason} string of a status event; the converters write it with no escapes but {@code \"}. */
        private static String reason(String json) {
            int start = json.indexOf("\"reason\":\"");
            if (start < 0) {
                return null;
            }
            start += "\"reason\":\"".length();
            int end = start;
            while (end < json.length() && !(json.charAt(end) == '"' && json.charAt(end - 1) != '\\')) {
                end++;
            }
            return json.substring(start, end).replace("\\\"", "\"");
        }

        synchronized void suppressed() {
            suppressed++;
        }

        synchronized void session(int change, long at) {
            boolean wasOpen = openSessions > 0;
            openSessions = Math.max(0, openSessions + change);
            boolean open = openSessions > 0;
            if (open != wasOpen || link == Link.UNKNOWN) {
                link = open ? Link.CONNECTED : Link.DISCONNECTED;
                linkSince = at;
                linkReason = null;
            }
        }

        /** How much of the payload is kept: at most {@value #PAYLOAD_KEPT} bytes, never ending inside a character. */
        private static int prefixLength(byte[] payload) {
            if (payload.length <= PAYLOAD_KEPT) {
                return payload.length;
            }
            int cut = PAYLOAD_KEPT;
            while (cut > 0 && (payload[cut] & 0xC0) == 0x80) { // never end inside a multi-byte character
                cut--;
            }
            return cut;
        }

        /** The last message's headers as the record will carry them, content type and QoS first. */
        private Map<String, String> headers() {
            Map<String, String> all = new LinkedHashMap<>();
            if (lastContentType != null) {
                all.put(Headers.CONTENT_TYPE, lastContentType);
            }
            if (lastQos != null) {
                all.put(Headers.QOS, Integer.toString(lastQos.mqttLevel()));
            }
            all.putAll(lastHeaders);
            return all;
        }

        /** A converter's records carry its {@code source} and its configured labels as headers, and nothing else. */
        private Map<String, String> labels(String protocol) {
            if (!protocol.equals("modbus") && !protocol.equals("opcua")) {
                return Map.of();
            }
            Map<String, String> labels = new LinkedHashMap<>(lastHeaders);
            labels.remove(Headers.SOURCE);
            return Map.copyOf(labels);
        }

        synchronized Seen seen(long now) {
            int second = (int) (now / 1000 - firstSecond); // wraps as note()'s stamps do: the differences stay right
            long messages = 0;
            long bytes = 0;
            for (int i = 0; i < 60; i++) {
                if (second - bucketSecond[i] < 60) {
                    messages += bucketMessages[i];
                    bytes += bucketBytes[i];
                }
            }
            List<Recent> newestFirst = new ArrayList<>(RECENT);
            for (int k = 1; k <= RECENT; k++) {
                Slot slot = recent[Math.floorMod(next - k, RECENT)];
                if (slot.used()) {
                    newestFirst.add(new Recent(slot.atMillis, slot.topic, Arrays.copyOf(slot.bytes, slot.length)));
                }
            }
            String protocol = protocol(lastHeaders.get(Headers.SOURCE), clientId);
            return new Seen(
                    ref.tenant(),
                    ref.device(),
                    clientId,
                    protocol,
                    link,
                    linkSince,
                    linkReason,
                    lastSeen,
                    messages,
                    bytes,
                    suppressed,
                    headers(),
                    labels(protocol),
                    List.copyOf(newestFirst));
        }
    }

    /** A place in a sender's ring: its array only grows (to {@value #PAYLOAD_KEPT} at most) and is overwritten. */
    private static final class Slot {
        private static final byte[] NONE = new byte[0];

        long atMillis;
        String topic;
        byte[] bytes = NONE;
        int length;

        boolean used() {
            return topic != null;
        }
    }
}
