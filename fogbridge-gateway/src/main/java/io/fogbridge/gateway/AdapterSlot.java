package io.fogbridge.gateway;

import io.fogbridge.api.ProtocolAdapter;
import io.fogbridge.api.adapter.AdapterContext;
import io.fogbridge.api.adapter.ConfiguredAdapter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The place of one {@code adapters.<name>} section in a running gateway: the adapter running for it now, if any. A
 * live config change {@link #replace}s it (only for factories that allow it, {@code replaceableWhileRunning}); the
 * rest of the gateway reaches the adapter through the slot, so it sees the old adapter or the new one, never a closed
 * one taken for running. The slot, not the adapter, is on the gateway's {@link StartedStages}: the gateway's close
 * closes whichever adapter runs then, and an adapter the slot replaced is closed once, by the replace.
 *
 * <p>A replace closes the old adapter before the new one starts (two pollers of one PLC would read it twice and send
 * both readings). When the new one fails to be made or to start, the slot starts the old settings again and says on
 * {@link #refusal()} that the file's section is not in force; should that fail too, nothing runs and {@link
 * #failure()} says why ({@code /readyz} shows either).
 *
 * <p>Thread-safe: {@link #replace} and {@link #close} are serialised; {@link #running}, {@link #refusal} and {@link
 * #failure} are read by the ops server's probes on their own threads.
 */
final class AdapterSlot implements AutoCloseable {

    // The gateway's logger: operators look for these lines under its name.
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final String name;
    private final AdapterContext context;
    private ConfiguredAdapter<?> inForce;
    private volatile ProtocolAdapter running;
    private volatile String refusal;
    private volatile String failure;
    private boolean closed;

    AdapterSlot(ConfiguredAdapter<?> configured, AdapterContext context) {
        this.name = configured.name();
        this.inForce = configured;
        this.context = context;
    }

    String name() {
        return name;
    }

    /** Starts the adapter the section enables, if it does; throws as the adapter's create or start threw. */
    synchronized void start() throws Exception {
        if (inForce.enabled()) {
            launch(inForce);
        }
    }

    /**
     * Closes the running adapter and starts one from {@code next} (nothing when {@code next} is disabled).
     *
     * @return true when {@code next} is in force; false when its adapter did not start, and the previous settings
     *     run again ({@link #refusal()}) or nothing does ({@link #failure()})
     */
    synchronized boolean replace(ConfiguredAdapter<?> next) {
        if (closed) {
            return false;
        }
        ConfiguredAdapter<?> previous = inForce;
        stop();
        try {
            if (next.enabled()) {
                launch(next);
            }
            inForce = next;
            refusal = null;
            failure = null;
            log.info("adapters.{} applied live: {}", name, next.enabled() ? "converter restarted" : "converter off");
            return true;
        } catch (Exception | LinkageError e) {
            stop();
            String reason = reason(e);
            log.warn(
                    "adapters.{} changed, but the converter did not start with the new settings: {}; the converter"
                            + " it replaced was already closed, starting it again with the settings it had",
                    name,
                    reason,
                    e);
            restore(previous, reason);
            return false;
        }
    }

    private void restore(ConfiguredAdapter<?> previous, String reason) {
        try {
            if (previous.enabled()) {
                launch(previous);
            }
            refusal = "the file's adapters." + name + " did not start (" + reason + "); running the previous settings";
            failure = null;
        } catch (Exception | LinkageError e) {
            stop();
            refusal = null;
            failure = "did not start with the file's adapters." + name + " (" + reason
                    + ") nor again with the previous settings (" + reason(e) + ")";
            log.error("adapters.{}: {}; the gateway runs on without it", name, failure, e);
        }
    }

    /** The adapter running now; empty while the section is off, or after a failed {@link #replace}. */
    Optional<ProtocolAdapter> running() {
        return Optional.ofNullable(running);
    }

    /** Why the file's section is not in force while the previous one runs again; empty when it is. */
    Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    /** Why nothing runs although the section asks for it; empty otherwise. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    private void launch(ConfiguredAdapter<?> configured) throws Exception {
        ProtocolAdapter created = configured.create(context);
        running = created; // before start: one that fails half-way is still closed
        created.start(context.uplink());
    }

    /**
     * Closes the running adapter and removes the meters of {@code fogbridge.<name>.*} that read its state. Counters,
     * timers and summaries stay: the next adapter registers the same ones and continues their counts.
     */
    private void stop() {
        ProtocolAdapter adapter = running;
        running = null;
        if (adapter != null) {
            adapter.close();
        }
        String prefix = "fogbridge." + name + ".";
        for (Meter meter : context.meters().getMeters()) {
            boolean accumulates =
                    meter instanceof Counter || meter instanceof Timer || meter instanceof DistributionSummary;
            if (!accumulates && meter.getId().getName().startsWith(prefix)) {
                context.meters().remove(meter);
            }
        }
    }

    private static String reason(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Closes the adapter running now; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ProtocolAdapter adapter = running;
        if (adapter != null) {
            adapter.close();
        }
    }
}
