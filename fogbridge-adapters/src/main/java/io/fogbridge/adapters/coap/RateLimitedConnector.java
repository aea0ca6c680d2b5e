package io.fogbridge.adapters.coap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.RawDataChannel;

/**
 * A Californium {@link Connector} that lets a received datagram into the CoAP stack only while its source is within
 * its {@link SourceRateLimit}; everything else passes through to the connector it wraps.
 *
 * <p>The check runs on the connector's receiver thread, before Californium parses the datagram or queues it for its
 * protocol threads (an unbounded queue): a dropped datagram costs a map look-up and is garbage at once. Nothing is
 * answered to a dropped datagram (a 4.29 would be work, and traffic, for whoever floods us). Over DTLS the wrapped
 * connector hands over decrypted application data, so there it limits requests of authenticated devices; the DTLS
 * handshake has its own defences (cookies, {@code DTLS_MAX_CONNECTIONS}).
 *
 * <p>Thread-safe as far as the wrapped connector is.
 */
final class RateLimitedConnector implements Connector {

    private final Connector inner;
    private final SourceRateLimit limit;

    RateLimitedConnector(Connector inner, SourceRateLimit limit) {
        this.inner = inner;
        this.limit = limit;
    }

    @Override
    public void setRawDataReceiver(RawDataChannel receiver) {
        inner.setRawDataReceiver(raw -> {
            if (limit.admit(raw.getInetSocketAddress())) {
                receiver.receiveData(raw);
            }
        });
    }

    @Override
    public void start() throws IOException {
        inner.start();
    }

    @Override
    public void stop() {
        inner.stop();
    }

    @Override
    public void destroy() {
        inner.destroy();
    }

    @Override
    public void send(RawData msg) {
        inner.send(msg);
    }

    @Override
    public void setEndpointContextMatcher(EndpointContextMatcher matcher) {
        inner.setEndpointContextMatcher(matcher);
    }

    @Override
    public InetSocketAddress getAddress() {
        return inner.getAddress();
    }

    @Override
    public String getProtocol() {
        return inner.getProtocol();
    }

    @Override
    public boolean isRunning() {
        return inner.isRunning();
    }

    @Override
    public void processDatagram(DatagramPacket datagram) {
        inner.processDatagram(datagram);
    }

    @Override
    public String toString() {
        return inner.toString();
    }
}
