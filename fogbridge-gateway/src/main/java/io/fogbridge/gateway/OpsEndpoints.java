package io.fogbridge.gateway;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.gateway.ops.BearerToken;
import io.fogbridge.gateway.ops.OpsServer;
import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.gateway.ops.ReadinessCheck.Status;
import io.fogbridge.kafka.ForwarderState;
import io.fogbridge.kafka.KafkaForwarder;
import io.fogbridge.mqtt.ExternalMqttBridge;
import io.fogbridge.spool.SegmentedSpool;

/**
 * The operations endpoints ({@code http.*}: {@code /healthz}, {@code /readyz}, {@code /metrics}), started last so
 * {@code /readyz} answers only once every stage it reports on stands. One readiness line per stage: the spool, the
 * MQTT bus, Kafka, then each device adapter.
 */
final class OpsEndpoints {

    private OpsEndpoints() {}

    /** Starts the server on the stages of {@code gateway}; {@code token} null = no bearer token required. */
    static OpsServer start(Gateway gateway, BearerToken token, StartedStages stages) throws Exception {
        var http = gateway.config().http();
        ProtocolAdapter mqtt = gateway.mqtt();
        OpsServer ops = new OpsServer(http.host(), http.port(), gateway.registry(), token)
                .addCheck("spool", () -> gateway.isClosed() ? Status.notReady("closed") : spool(gateway.spool()))
                .addCheck(mqtt.name(), accepting(mqtt))
                .addCheck("kafka", () -> kafka(gateway.forwarder()));
        for (ProtocolAdapter adapter : gateway.deviceAdapters()) {
            ops.addCheck(adapter.name(), accepting(adapter));
        }
        stages.push(ops).start();
        return ops;
    }

    private static Status spool(SegmentedSpool spool) {
        var stats = spool.stats();
        String waiting = stats.records() + " records / " + stats.bytes() + " B waiting";
        // appends fail (retriable) until a write works again, which the spool notices by itself
        return spool.writeFailure()
                .map(failure -> Status.notReady(failure + "; " + waiting))
                .orElseGet(() -> Status.ok("open, " + waiting));
    }

    private static ReadinessCheck accepting(ProtocolAdapter adapter) {
        if (adapter instanceof ExternalMqttBridge bridge) {
            return () -> bridge.ready()
                    ? Status.ok("accepting")
                    : Status.notReady("not connected to the external broker"
                            + (bridge.lastFailure() == null ? "" : ": " + bridge.lastFailure()) + "; retrying");
        }
        return () -> adapter.ready() ? Status.ok("accepting") : Status.notReady("not accepting");
    }

    private static Status kafka(KafkaForwarder forwarder) {
        ForwarderState state = forwarder.state();
        // Kafka being away is what the spool is for: it is reported, not a reason to stop taking traffic.
        return state.connected()
                ? Status.ok("connected, lag " + state.lagMillis() + " ms")
                : Status.degraded(
                        "not connected" + (state.lastError() == null ? "" : ": " + state.lastError()) + "; spooling");
    }
}
