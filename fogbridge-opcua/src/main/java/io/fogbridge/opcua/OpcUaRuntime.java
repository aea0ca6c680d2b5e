package io.fogbridge.opcua;

import io.fogbridge.api.Uplink;
import java.time.Clock;

/** What every {@link EndpointSession} of one adapter shares. Immutable. */
record OpcUaRuntime(OpcUaSettings settings, Uplink uplink, Clock clock, OpcUaMetrics metrics) {}
