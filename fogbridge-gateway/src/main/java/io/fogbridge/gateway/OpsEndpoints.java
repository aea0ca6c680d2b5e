package io.fogbridge.gateway;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.gateway.ops.BearerToken;
import io.fogbridge.gateway.ops.OpsServer;
import io.fogbridge.gateway.ops.ReadinessCheck;
import io.fogbridge.gateway.ops.ReadinessCheck.Status;
import io.fogbridge.kafka.ForwarderState;
import io.fogbridge.kafka.KafkaForwarder;
import io.fogbridge.kafka.command.CommandConsumerState;
import io.fogbridge.kafka.command.KafkaCommandConsumer;
import io.fogbridge.mqtt.ExternalMqttBridge;
import io.fogbridge.spool.SegmentedSpool;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The operations endpoints ({@code http.*}: {@code /healthz}, {@code /readyz}, {@code /metrics}, the {@link ConsoleStage console}), started last so
 * {@code /readyz} answers only once every stage it reports on stands. One readiness line per stage: the spool, the
 * MQTT bus, Kafka, records parked because Kafka refused them for good (a warning), the Kubernetes device directory (a
 * warning while the API server does not answer or the Secret is absent or broken), the command consumer (when commands
 * are enabled), then each device adapter.
 *
 * <p>Kafka being away (not reachable, its name not resolving) is a warning, never a failure: the spool exists
 * for it, devices keep being served and the clients retry by themselves. Only a forwarder or command consumer
 * whose thread has stopped (an {@link Error} such as out of memory) fails {@code /readyz}, so an orchestrator
 * restarts the process.
 *
 * <p>A disk that stops answering (a dying SD card, a frozen or hung filesystem) fails nothing by itself: appends wait
 * for it, so devices get no acknowledgement meanwhile. The spool line warns from {@link #DISK_SLOW} and fails from
 * {@link #DISK_STALLED}, so that an orchestrator sends devices elsewhere; every line still answers, within about
 * 100 ms (the spool is only glanced at), where it used to wait with the disk.
 */
final class OpsEndpoints {
    /** A disk write or fsync taking this long makes the spool line a warning: a working disk takes milliseconds. */
    static final Duration DISK_SLOW = Duration.ofSeconds(1);
    /**
     * Taking this long, the spool line fails readiness: it is the default {@code devices.ackTimeout}, after which
     * devices get 0x83 for what they send anyway, so another gateway serves them better.
     */
    static final Duration DISK_STALLED = Duration.ofSeconds(10);

    private OpsEndpoints() {}

    /**
     * Binds the server and mounts the console, without serving yet: the gateway does this while the MQTT bus starts,
     * and {@link #start} adds the readiness checks once every stage stands. A probe that connects in between waits
     * for that answer. {@code token} null = no bearer token required.
     */
    static OpsServer prepare(Gateway gateway, BearerToken token, StartedStages stages) throws Exception {
        var http = gateway.config().http();
        OpsServer ops = stages.push(new OpsServer(http.host(), http.port(), gateway.registry(), token));
        ConsoleStage.mount(gateway, ops, token, stages);
        return ops;
    }

    /** Adds one readiness check per stage of {@code gateway} to {@code ops} and starts serving. */
    static OpsServer start(Gateway gateway, OpsServer ops) {
        ProtocolAdapter mqtt = gateway.mqtt();
        ops.addCheck("spool", () -> gateway.isClosed() ? Status.notReady("closed") : spool(gateway.spool()))
                .addCheck(mqtt.name(), accepting(mqtt))
                .addCheck("kafka", () -> kafka(gateway.forwarder()))
                .addCheck("parked", () -> parked(gateway.spool()));
        gateway.deviceDirectoryCheck().ifPresent(check -> ops.addCheck("devices", check));
        KafkaCommandConsumer commands = gateway.commandConsumer();
        if (commands != null) {
            ops.addCheck("commands", () -> commands(commands.state()));
        }
        checkAdapters(ops, gateway.adapterSlots());
        ops.start();
        return ops;
    }

    /**
     * Adds a check for each adapter that runs, or failed to start after a live change, and has none yet. The check
     * asks the slot for its adapter on every probe, so it follows a live replacement; after one turned the adapter
     * off, it says so.
     */
    static void checkAdapters(OpsServer ops, List<AdapterSlot> slots) {
        for (AdapterSlot slot : slots) {
            if (slot.running().isPresent() || slot.failure().isPresent()) {
                ops.addCheck(slot.name(), () -> adapter(slot));
            }
        }
    }

    private static Status adapter(AdapterSlot slot) {
        Optional<ProtocolAdapter> running = slot.running();
        if (running.isEmpty()) {
            return slot.failure().map(Status::notReady).orElse(Status.ok("off"));
        }
        Status status = accepting(running.get()).check();
        return slot.refusal()
                .filter(refusal -> status.ready())
                .map(refusal -> Status.degraded(status.detail() + "; " + refusal))
                .orElse(status);
    }

    private static Status spool(SegmentedSpool spool) {
        var stats = spool.glance();
        String waiting = stats.records() + " records / " + stats.bytes() + " B waiting";
        if (spool.readOnly()) {
            return Status.notReady("read-only data dir: forwarding " + stats.records()
                    + " records already on disk, refusing new data; commits are not persisted");
        }
        // appends fail (retriable) until a write works again, which the spool notices by itself
        Optional<String> failure = spool.writeFailure();
        if (failure.isPresent()) {
            return Status.notReady(failure.get() + "; " + waiting);
        }
        Duration stuck = spool.diskWait();
        if (stuck.compareTo(DISK_SLOW) >= 0) {
            // nothing fails: every append waits for the disk, so no device gets an acknowledgement meanwhile
            String detail = String.format(
                    Locale.ROOT,
                    "a disk write or fsync has not returned for %.1f s; appends wait for it (%s when last seen)",
                    stuck.toMillis() / 1000.0,
                    waiting);
            return stuck.compareTo(DISK_STALLED) >= 0 ? Status.notReady(detail) : Status.degraded(detail);
        }
        return Status.ok("open, " + waiting);
    }

    /**
     * Records Kafka refused for good are a warning, never a failure: the gateway forwards everything else, and a
     * restart would not heal them (an operator creates the topic, then runs {@code spool replay-parked}).
     */
    private static Status parked(SegmentedSpool spool) {
        var parked = spool.parked();
        if (parked == null || parked.records() == 0) {
            return Status.ok("none");
        }
        StringBuilder detail = new StringBuilder().append(parked.records()).append(" records parked (");
        var topics = parked.byTopic();
        for (int i = 0; i < Math.min(3, topics.size()); i++) {
            var t = topics.get(i);
            detail.append(i > 0 ? "; " : "")
                    .append(t.topic())
                    .append(": ")
                    .append(t.records())
                    .append(", ")
                    .append(t.reason());
        }
        if (topics.size() > 3) {
            detail.append("; ").append(topics.size() - 3).append(" more topics");
        }
        return Status.degraded(detail.append("); other topics flow; fix, then 'fogbridge spool replay-parked'")
                .toString());
    }

    static ReadinessCheck accepting(ProtocolAdapter adapter) {
        if (adapter instanceof ExternalMqttBridge bridge) {
            return () -> externalBroker(bridge);
        }
        return () -> {
            Optional<String> attention = adapter.attention();
            if (!adapter.ready()) {
                return Status.notReady(attention.orElse("not accepting"));
            }
            return attention.map(a -> Status.degraded("accepting; " + a)).orElse(Status.ok("accepting"));
        };
    }

    /**
     * Drops at the broker are a warning, not a failure: they happened outside this process, it keeps taking what
     * the broker still has, and restarting it would not bring them back. Not being able to see them is said on the
     * line but is no warning: with a broker that does not publish a drop counter it would never clear.
     */
    private static Status externalBroker(ExternalMqttBridge bridge) {
        if (!bridge.ready()) {
            return Status.notReady("not connected to the external broker"
                    + (bridge.lastFailure() == null ? "" : ": " + bridge.lastFailure()) + "; retrying");
        }
        String drops = bridge.brokerDrops();
        if (drops != null) {
            return Status.degraded("accepting; " + drops);
        }
        String unseen = bridge.brokerDropsUnseen();
        return Status.ok(unseen == null ? "accepting" : "accepting; " + unseen);
    }

    private static Status kafka(KafkaForwarder forwarder) {
        ForwarderState state = forwarder.state();
        if (state.phase() == ForwarderState.Phase.STOPPED) {
            return Status.notReady("forwarder stopped" + (state.lastError() == null ? "" : ": " + state.lastError()));
        }
        if (state.connected()) {
            return Status.ok("connected, lag " + state.lagMillis() + " ms");
        }
        // Kafka being away is what the spool is for: it is reported, not a reason to stop taking traffic.
        // With a producer the Kafka client reconnects by itself; without one the forwarder retries making one.
        String error = state.lastError() == null ? "" : ": " + state.lastError();
        return state.phase() == ForwarderState.Phase.RETRYING
                ? Status.degraded("not connected" + error + "; retrying")
                : Status.degraded("not connected" + error + "; spooling");
    }

    private static Status commands(CommandConsumerState state) {
        if (state.phase() == CommandConsumerState.Phase.STOPPED) {
            return Status.notReady(
                    "command consumer stopped" + (state.lastError() == null ? "" : ": " + state.lastError()));
        }
        if (state.phase() == CommandConsumerState.Phase.STALLED) {
            return Status.degraded(state.lastError() + "; reading them again after a backoff");
        }
        if (state.connected()) {
            return Status.ok("consuming");
        }
        return Status.degraded(
                "not connected" + (state.lastError() == null ? "" : ": " + state.lastError()) + "; retrying");
    }
}
