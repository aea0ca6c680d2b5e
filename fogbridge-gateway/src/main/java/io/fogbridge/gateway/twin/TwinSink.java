package io.fogbridge.gateway.twin;

import java.util.List;

/**
 * Where a {@link TwinReporter} writes device twins: the Device's {@code status} directly
 * ({@link DeviceStatusWriter} in the gateway, for a gateway whose pod may reach the API server; the operator's
 * {@code KubernetesTwinSink} with a fabric8 client), or — not built yet — a Kafka topic {@code fog.twin.<tenant>}
 * that the operator in the cloud writes from (for a gateway behind NAT).
 *
 * <p>Called by one thread at a time, with one batch per reporting round. A device whose write failed is named in the
 * exception's result ({@link #write} returns the ones that did not go); the reporter keeps them pending and offers
 * them again in a later round, no sooner than their interval allows.
 */
public interface TwinSink {

    /**
     * Writes {@code batch}.
     *
     * @return the updates that were not written (retried later); empty when all went
     */
    List<TwinUpdate> write(List<TwinUpdate> batch);
}
