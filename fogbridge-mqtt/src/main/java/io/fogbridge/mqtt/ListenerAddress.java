package io.fogbridge.mqtt;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A listener of the embedded broker: TCP address, optional TLS, and whether anonymous clients may connect on it.
 * Port 0 asks for a free port; the broker reports the one it bound through {@link EmbeddedMqttBroker#boundListeners()}.
 *
 * @param tls       null = plain TCP
 * @param anonymous whether clients without credentials are accepted here; null = only if the listener is bound to a
 *                  loopback address (secure by default: nothing off the machine connects without credentials)
 */
public record ListenerAddress(String host, int port, ListenerTls tls, Boolean anonymous) {

    public ListenerAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("mqtt.listeners: host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("mqtt.listeners: port " + port + " is outside 0..65535");
        }
    }

    /** Plain TCP, anonymous clients by the loopback default. */
    public ListenerAddress(String host, int port) {
        this(host, port, null, null);
    }

    public ListenerAddress withPort(int newPort) {
        return new ListenerAddress(host, newPort, tls, anonymous);
    }

    /** Whether anonymous clients are accepted: as configured, else only on loopback. */
    public boolean anonymousAllowed() {
        return anonymous != null ? anonymous : isLoopback();
    }

    public boolean isLoopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return (tls == null ? "" : "tls://") + host + ":" + port;
    }
}
