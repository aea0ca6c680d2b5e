package io.fogbridge.adapters.coap;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.ExtendedCoapStackFactory;
import org.eclipse.californium.core.network.Outbox;
import org.eclipse.californium.core.network.stack.CoapStack;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.config.Configuration;

/**
 * Builds Californium's standard CoAP stack with its block-wise layer bounded to {@code transfers} transfers in
 * progress, each dropped when its next block does not come within {@link #LIFETIME}.
 *
 * <p>Why: Californium allocates the whole body buffer of a block-wise upload when its first block arrives (the size
 * the client announces in Size1, else the payload limit: 256 KiB by default), and keeps it in a table bounded only
 * by {@code MAX_ACTIVE_PEERS}, the same number that bounds its per-peer message-id trackers. One sender could
 * therefore make the gateway hold {@code maxPeers × maxPayload} (2,000 × 256 KiB, four times a 128 MiB heap) with
 * one small datagram per transfer. The block-wise layer alone now sees a copy of the endpoint's configuration with
 * {@code MAX_ACTIVE_PEERS} set to {@code transfers} (it is the capacity of its upload and download tables; no other
 * layer of the standard UDP stack reads it while congestion control is off, Californium's default). When the table
 * is full and no transfer in it is stale, a new transfer is not remembered: its first block is answered 2.31 and its
 * second 4.08 Request Entity Incomplete, and the buffer allocated for it is garbage at once.
 *
 * <p>{@link #LIFETIME}: Californium's default keeps a transfer 5 minutes after its last block. A device sends the
 * next block when the previous one is acknowledged; a block retransmitted as often as CoAP allows is given up after
 * {@code MAX_TRANSMIT_SPAN} (45 s), so a gap of 60 s means the device is gone. Stateless and thread-safe.
 */
final class BlockwiseBound implements ExtendedCoapStackFactory {

    /** How long a block-wise transfer waits for its next block. */
    static final Duration LIFETIME = Duration.ofSeconds(60);

    private final int transfers;

    BlockwiseBound(int transfers) {
        if (transfers < 1) {
            throw new IllegalArgumentException("transfers must be at least 1");
        }
        this.transfers = transfers;
    }

    @Override
    public CoapStack createCoapStack(
            String protocol,
            String tag,
            Configuration config,
            EndpointContextMatcher matchingStrategy,
            Outbox outbox,
            Object customStackArgument) {
        Configuration stack = new Configuration(config);
        stack.set(CoapConfig.MAX_ACTIVE_PEERS, transfers);
        stack.set(CoapConfig.BLOCKWISE_STATUS_LIFETIME, LIFETIME.toMillis(), TimeUnit.MILLISECONDS);
        return ((ExtendedCoapStackFactory) CoapEndpoint.STANDARD_COAP_STACK_FACTORY)
                .createCoapStack(protocol, tag, stack, matchingStrategy, outbox, customStackArgument);
    }

    @Override
    @SuppressWarnings("deprecation") // Californium's old entry point; CoapEndpoint calls the one above
    public CoapStack createCoapStack(
            String protocol, String tag, Configuration config, Outbox outbox, Object customStackArgument) {
        return createCoapStack(protocol, tag, config, null, outbox, customStackArgument);
    }
}
