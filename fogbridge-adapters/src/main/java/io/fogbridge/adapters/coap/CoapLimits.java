package io.fogbridge.adapters.coap;

/**
 * What the CoAP adapter lets strangers cost it ({@code adapters.coap.*}, see {@link CoapAdapterSection}). Immutable.
 *
 * @param sourceRate          requests per second one source may send (see {@link SourceRateLimit} for what a source
 *                            is); more are dropped and counted
 * @param sourceBurst         requests a quiet source may send at once
 * @param maxSources          sources tracked at once; beyond, new sources share one bucket
 * @param totalRate           requests per second from all sources together
 * @param maxPeers            peers (address and port) Californium keeps state for: message-id trackers
 *                            ({@code COAP.MAX_ACTIVE_PEERS}) and DTLS connections ({@code DTLS_MAX_CONNECTIONS})
 * @param maxExchanges        received exchanges remembered per endpoint to answer retransmissions ({@link
 *                            BoundedDeduplicator})
 * @param maxTtdWaiting       requests waiting for a command ({@code ?ttd=}) at once, all endpoints ({@link
 *                            TtdWaiters})
 * @param maxBlockwiseUploads block-wise transfers in progress per endpoint, each holding a buffer of up to the
 *                            payload limit; 0 = as many as fit in {@value #BLOCKWISE_BYTES} bytes ({@link
 *                            #blockwiseUploads})
 */
public record CoapLimits(
        int sourceRate,
        int sourceBurst,
        int maxSources,
        int totalRate,
        int maxPeers,
        int maxExchanges,
        int maxTtdWaiting,
        int maxBlockwiseUploads) {

    /** What block-wise transfers in progress may hold per endpoint when {@code maxBlockwiseUploads} is not set: 8 MiB. */
    public static final long BLOCKWISE_BYTES = 8L << 20;

    public static final CoapLimits DEFAULTS = new CoapLimits(200, 400, 4096, 5000, 2000, 4096, 1000, 0);

    public CoapLimits {
        if (sourceRate < 1
                || sourceBurst < 1
                || maxSources < 1
                || totalRate < 1
                || maxPeers < 1
                || maxExchanges < 1
                || maxTtdWaiting < 1) {
            throw new IllegalArgumentException("every CoAP limit must be at least 1");
        }
        if (maxBlockwiseUploads < 0) {
            throw new IllegalArgumentException("maxBlockwiseUploads must be 0 (derived) or more");
        }
    }

    /** With the default {@code maxTtdWaiting} and {@code maxBlockwiseUploads}. */
    public CoapLimits(int sourceRate, int sourceBurst, int maxSources, int totalRate, int maxPeers, int maxExchanges) {
        this(
                sourceRate,
                sourceBurst,
                maxSources,
                totalRate,
                maxPeers,
                maxExchanges,
                DEFAULTS.maxTtdWaiting(),
                DEFAULTS.maxBlockwiseUploads());
    }

    /**
     * Block-wise transfers in progress allowed per endpoint when bodies may be {@code maxPayloadBytes} long: the
     * configured number, else as many as fit in {@link #BLOCKWISE_BYTES} (32 at 256 KiB), at least one.
     */
    public int blockwiseUploads(long maxPayloadBytes) {
        if (maxBlockwiseUploads > 0) {
            return maxBlockwiseUploads;
        }
        return (int) Math.max(1, Math.min(100_000, BLOCKWISE_BYTES / Math.max(1, maxPayloadBytes)));
    }
}
