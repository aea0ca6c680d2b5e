package io.fogbridge.opcua;

import io.fogbridge.api.Uplink;
import java.time.Clock;

/** What every {@link EndpointSession} of one adapter shares. Immutable. */
record OpcUaRuntime(
        OpcUaSettings settings,
        Uplink uplink,
        Clock clock,
        OpcUaMetrics metrics,
        OpcUaPki pki,
        ApplicationIdentity identity) {

    /** Made by the adapter's start: opening the PKI folders (and the first start's certificate) is I/O. */
    @FunctionalInterface
    interface Opener {
        OpcUaRuntime open(Uplink uplink) throws Exception;
    }
}
