package io.fogbridge.opcua;

import io.fogbridge.api.CommandInbox;
import io.fogbridge.api.Uplink;
import java.time.Clock;
import java.time.Duration;

/**
 * What every {@link EndpointSession} of one adapter shares. Immutable.
 *
 * @param commands where {@code write} commands wait; null when the gateway runs without downlink commands
 * @param maxTtd   the longest wait for a command in one request to the inbox
 * @param maxRecordBytes the largest record the pipeline takes ({@code devices.maxPayload}): a publish is cut to fit
 */
record OpcUaRuntime(
        OpcUaSettings settings,
        Uplink uplink,
        Clock clock,
        OpcUaMetrics metrics,
        OpcUaPki pki,
        ApplicationIdentity identity,
        CommandInbox commands,
        Duration maxTtd,
        long maxRecordBytes) {

    /** Made by the adapter's start: opening the PKI folders (and the first start's certificate) is I/O. */
    @FunctionalInterface
    interface Opener {
        OpcUaRuntime open(Uplink uplink) throws Exception;
    }
}
