package io.fogbridge.adapters.coap;

import java.nio.file.Path;

/**
 * {@code adapters.coap.*} as read from the configuration ({@link CoapAdapterSection}). Immutable.
 *
 * @param anonymous null = only on a loopback host
 * @param pskFile   DTLS pre-shared keys; null = no DTLS endpoint
 * @param limits    rate limits and state bounds
 */
public record CoapAdapterSettings(
        boolean enabled, String host, int port, Boolean anonymous, int dtlsPort, Path pskFile, CoapLimits limits) {

    /** No secrets: the PSKs never appear, only their file. */
    @Override
    public String toString() {
        return "coap://" + host + ':' + port
                + (pskFile == null ? "" : ", coaps://" + host + ':' + dtlsPort + " (PSK from " + pskFile + ')');
    }
}
