package io.fogbridge.adapters.coap;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * How the CoAP device adapter listens and what it accepts. Immutable.
 *
 * @param host            address of both endpoints
 * @param port            plain CoAP (UDP) port; -1 = no plain endpoint; 0 = any free port
 * @param dtlsPort        CoAP over DTLS port; -1 = no DTLS endpoint; 0 = any free port. Needs {@code psk}.
 * @param psk             the devices' pre-shared keys; null = no DTLS
 * @param maxPayloadBytes larger bodies are refused with 4.13 (also the block-wise transfer limit)
 * @param ackTimeout      how long a request may wait for the durable append before it is answered 5.03
 * @param maxTtd          the longest {@code ttd} honoured
 * @param anonymous       whether plain CoAP requests (no DTLS identity) are accepted; they must name the device in
 *                        the path. null = only when {@code host} is a loopback address
 * @param limits          rate limits and bounds on what senders make the adapter keep
 */
public record CoapAdapterOptions(
        String host,
        int port,
        int dtlsPort,
        PskKeys psk,
        long maxPayloadBytes,
        Duration ackTimeout,
        Duration maxTtd,
        Boolean anonymous,
        CoapLimits limits) {

    public CoapAdapterOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(maxTtd, "maxTtd");
        if (dtlsPort >= 0 && psk == null) {
            throw new IllegalArgumentException("a DTLS endpoint needs pre-shared keys");
        }
        if (port < 0 && dtlsPort < 0) {
            throw new IllegalArgumentException("neither a CoAP nor a DTLS port");
        }
    }

    /** With the default {@link CoapLimits}. */
    public CoapAdapterOptions(
            String host,
            int port,
            int dtlsPort,
            PskKeys psk,
            long maxPayloadBytes,
            Duration ackTimeout,
            Duration maxTtd,
            Boolean anonymous) {
        this(host, port, dtlsPort, psk, maxPayloadBytes, ackTimeout, maxTtd, anonymous, CoapLimits.DEFAULTS);
    }

    /** Plain CoAP only, 256 KiB bodies, 10 s ack timeout, ttd up to 60 s, anonymous on loopback. */
    public static CoapAdapterOptions plain(String host, int port) {
        return new CoapAdapterOptions(
                host, port, -1, null, 256 << 10, Duration.ofSeconds(10), Duration.ofSeconds(60), null);
    }

    public boolean anonymousAllowed() {
        if (anonymous != null) {
            return anonymous;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
