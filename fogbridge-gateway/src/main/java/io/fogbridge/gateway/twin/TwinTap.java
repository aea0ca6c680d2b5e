package io.fogbridge.gateway.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fogbridge.api.DeviceRef;
import io.fogbridge.api.Headers;
import io.fogbridge.api.InboundMessage;
import io.fogbridge.api.Outcome;
import io.fogbridge.api.Uplink;
import io.fogbridge.api.device.SessionListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hears what the twin needs on its way to the pipeline, and hands every message and session event on unchanged: for
 * a device with a twin ({@link TwinDevices}) it keeps the last payload per topic (at most {@value #TOPICS} topics)
 * and its link changes (MQTT sessions opening and closing; the converters' {@code .../status} events). The data path
 * pays two map lookups and a short lock per message of such a device, and nothing for others; payloads are parsed
 * once per reporting round, in {@link #drainInto}, not per message: a device sending 50 messages a second costs one
 * parse a round. Thread-safe.
 */
public final class TwinTap implements Uplink, SessionListener {

    static final int TOPICS = 16;
    private static final String COMMAND_PREFIX = "command/";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Uplink next;
    private final SessionListener sessions;
    private final ConcurrentHashMap<TwinDevices.Device, Pending> pending = new ConcurrentHashMap<>();
    private volatile TwinDevices devices = TwinDevices.NONE;

    /** @param next where messages go on to; {@code sessions} hears the session events too (usually both the same) */
    public TwinTap(Uplink next, SessionListener sessions) {
        this.next = next;
        this.sessions = sessions;
    }

    /** The devices that have a twin from now on; pending state of others is dropped. */
    public void devices(TwinDevices devices) {
        this.devices = devices;
        pending.keySet().removeIf(d -> !d.equals(devices.of(d.tenant(), d.id())));
    }

    public TwinDevices devices() {
        return devices;
    }

    @Override
    public CompletableFuture<Outcome> accept(InboundMessage message) {
        DeviceRef sender = message.sender();
        if (sender.authenticated() && !message.topic().startsWith(COMMAND_PREFIX)) {
            TwinDevices.Device device = devices.of(sender.tenant(), sender.device());
            if (device != null) {
                pending.computeIfAbsent(device, d -> new Pending()).note(message);
            }
        }
        return next.accept(message);
    }

    @Override
    public void opened(DeviceRef who, long atMillis) {
        session(who, +1);
        sessions.opened(who, atMillis);
    }

    @Override
    public void closed(DeviceRef who, long atMillis) {
        session(who, -1);
        sessions.closed(who, atMillis);
    }

    private void session(DeviceRef who, int change) {
        if (!who.authenticated()) {
            return;
        }
        TwinDevices.Device device = devices.of(who.tenant(), who.device());
        if (device != null) {
            pending.computeIfAbsent(device, d -> new Pending()).session(change);
        }
    }

    /** Hands what was heard since the last call to {@code reporter}: property values first, then link changes. */
    public void drainInto(TwinReporter reporter) {
        pending.forEach((device, state) -> {
            Map<String, Latest> latest;
            Boolean link;
            synchronized (state) {
                latest = state.latest;
                state.latest = new LinkedHashMap<>();
                link = state.linkChanged ? state.link : null;
                state.linkChanged = false;
            }
            latest.values().stream()
                    .sorted((a, b) -> Long.compare(a.arrivalMillis(), b.arrivalMillis()))
                    .forEach(message -> reporter.observe(
                            device.namespace(),
                            device.name(),
                            TwinProperties.extract(device.properties(), parse(message.payload())),
                            Instant.ofEpochMilli(message.arrivalMillis())));
            if (link != null) {
                reporter.connection(device.namespace(), device.name(), link);
            }
        });
    }

    private static JsonNode parse(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException notJson) {
            return null; // no properties from it; it still counts as seen
        }
    }

    private record Latest(byte[] payload, long arrivalMillis) {}

    /** One device's messages and link since the last round. Guarded by itself. */
    private static final class Pending {
        Map<String, Latest> latest = new LinkedHashMap<>();
        int sessions;
        boolean link;
        boolean linkChanged;

        synchronized void note(InboundMessage message) {
            if (message.topic().endsWith("/status") && message.headers().containsKey(Headers.SOURCE)) {
                converterStatus(message.payload());
                return;
            }
            if (latest.size() < TOPICS || latest.containsKey(message.topic())) {
                latest.put(message.topic(), new Latest(message.payload(), message.arrivalTime()));
            }
        }

        synchronized void session(int change) {
            sessions = Math.max(0, sessions + change);
            link = sessions > 0;
            linkChanged = true;
        }

        /** {@code {"state":"connected"|"resubscribed"|"lost",…}} from the Modbus and OPC UA converters. */
        private void converterStatus(byte[] payload) {
            String json = new String(payload, StandardCharsets.UTF_8);
            if (json.contains("\"state\":\"lost\"")) {
                link = false;
                linkChanged = true;
            } else if (json.contains("\"state\":\"connected\"") || json.contains("\"state\":\"resubscribed\"")) {
                link = true;
                linkChanged = true;
            }
        }
    }
}
