package io.fogbridge.api.adapter;

import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.Uplink;

/**
 * What the gateway hands an adapter it creates. Placeholder of the architecture step: the adapter contract work
 * completes it (device directory, meter registry, clock, scheduler, device limits).
 */
public interface AdapterContext {

    /** Where the adapter's devices' messages go; answers with the outcome to give the sender. */
    Uplink uplink();

    /** Commands waiting for polling devices; null when downlink commands are off. */
    CommandInbox commands();
}
