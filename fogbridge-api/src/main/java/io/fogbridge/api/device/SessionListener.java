package io.fogbridge.api.device;

import io.fogbridge.api.DeviceRef;

/**
 * Told when a device's connection to a transport that keeps sessions opens and closes (the embedded MQTT broker: a
 * successful CONNECT, then the connection's end however it came). Request-based protocols (HTTP, CoAP) have no
 * session and never call it; polled converters (Modbus, OPC UA) report their link in {@code .../status} events
 * instead.
 *
 * <p>One {@link #opened} is followed by at most one {@link #closed} for the same connection; two connections of one
 * device may overlap (a client-id takeover opens the new one before the old one is closed), so a listener counts
 * open connections rather than keeping a flag. Events of different connections may arrive out of order.
 *
 * <p><b>Threads.</b> Called on the transport's I/O or extension threads: implementations are thread-safe, return at
 * once and never block or throw.
 */
public interface SessionListener {

    /** Listens to nothing. */
    SessionListener NONE = new SessionListener() {
        @Override
        public void opened(DeviceRef who, long atMillis) {}

        @Override
        public void closed(DeviceRef who, long atMillis) {}
    };

    /** @param who the authenticated device, or an anonymous client by its client id */
    void opened(DeviceRef who, long atMillis);

    void closed(DeviceRef who, long atMillis);
}
