package io.fogbridge.adapters.coap;

/**
 * What the CoAP adapter lets strangers cost it ({@code adapters.coap.*}, see {@link CoapAdapterSection}). Immutable.
 *
 * @param sourceRate   requests per second one source may send (see {@link SourceRateLimit} for what a source is);
 *                     more are dropped and counted
 * @param sourceBurst  requests a quiet source may send at once
 * @param maxSources   sources tracked at once; beyond, new sources share one bucket
 * @param totalRate    requests per second from all sources together
 * @param maxPeers     peers (address and port) Californium keeps state for: message-id trackers, block-wise
 *                     transfers ({@code COAP.MAX_ACTIVE_PEERS}) and DTLS connections ({@code DTLS_MAX_CONNECTIONS})
 * @param maxExchanges received exchanges remembered per endpoint to answer retransmissions ({@link
 *                     BoundedDeduplicator})
 */
public record CoapLimits(
        int sourceRate, int sourceBurst, int maxSources, int totalRate, int maxPeers, int maxExchanges) {

    public static final CoapLimits DEFAULTS = new CoapLimits(200, 400, 4096, 5000, 2000, 4096);

    public CoapLimits {
        if (sourceRate < 1 || sourceBurst < 1 || maxSources < 1 || totalRate < 1 || maxPeers < 1 || maxExchanges < 1) {
            throw new IllegalArgumentException("every CoAP limit must be at least 1");
        }
    }
}
